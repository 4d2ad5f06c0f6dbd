import Foundation
import QUICWire
import Testing
@testable import QUICQlog

@Suite struct QlogFrameTests {
    /// One frame of every `Frame` case (both forms of the connection-ID frames).
    static let everyCase: [Frame] = [
        .padding(count: 37),
        .ping,
        .ack(AckFrame(ranges: AckRanges([0...2, 5...5, 10...20]), ackDelay: 1_000)),
        .resetStream(ResetStreamFrame(streamID: 4, applicationErrorCode: 7, finalSize: 900)),
        .stopSending(StopSendingFrame(streamID: 8, applicationErrorCode: 9)),
        .crypto(CryptoFrame(offset: 100, data: [1, 2, 3])),
        .newToken(NewTokenFrame(token: [0xde, 0xad])),
        .stream(StreamFrame(streamID: 0, offset: 10, data: [1, 2, 3, 4], fin: true)),
        .maxData(1 << 20),
        .maxStreamData(MaxStreamDataFrame(streamID: 4, maximumStreamData: 5_000)),
        .maxStreams(StreamCountFrame(bidirectional: true, maximumStreams: 100)),
        .dataBlocked(4_096),
        .streamDataBlocked(StreamDataBlockedFrame(streamID: 4, maximumStreamData: 77)),
        .streamsBlocked(StreamCountFrame(bidirectional: false, maximumStreams: 3)),
        .newConnectionID(NewConnectionIDFrame(sequenceNumber: 1, retirePriorTo: 0,
                                              connectionID: ConnectionID(literal: [0xaa, 0xbb]),
                                              statelessResetToken: StatelessResetToken(high: 1, low: 2))),
        .newConnectionID(NewConnectionIDFrame(pathID: 2, sequenceNumber: 3, retirePriorTo: 1,
                                              connectionID: ConnectionID(literal: [0xcc]),
                                              statelessResetToken: StatelessResetToken(high: 3, low: 4))),
        .retireConnectionID(RetireConnectionIDFrame(sequenceNumber: 5)),
        .retireConnectionID(RetireConnectionIDFrame(pathID: 6, sequenceNumber: 7)),
        .pathChallenge(0x0102_0304_0506_0708),
        .pathResponse(0xffee_ddcc_bbaa_9988),
        .connectionClose(ConnectionCloseFrame(isApplicationError: false, errorCode: 0x0a, frameType: 0x08,
                                              reasonPhrase: Array("bad \"stream\"\n".utf8)[...])),
        .connectionClose(ConnectionCloseFrame(isApplicationError: true, errorCode: 0x100,
                                              reasonPhrase: Array("bye".utf8)[...])),
        .handshakeDone,
        .datagram(DatagramFrame(data: [9, 9, 9])),
        .ackFrequency(AckFrequencyFrame(sequenceNumber: 1, ackElicitingThreshold: 10, requestedMaxAckDelay: 25_000,
                                        reorderingThreshold: 3)),
        .immediateAck,
        .pathAck(PathAckFrame(pathID: 1, ack: AckFrame(ranges: AckRanges([3...9]), ackDelay: 8,
                                                        ecn: ECNCounts(ect0: 1, ect1: 2, ce: 3)))),
        .pathAbandon(PathAbandonFrame(pathID: 1, errorCode: 0x3e)),
        .pathStatusBackup(PathStatusFrame(pathID: 1, sequenceNumber: 4)),
        .pathStatusAvailable(PathStatusFrame(pathID: 2, sequenceNumber: 5)),
        .maxPathID(8),
        .pathsBlocked(8),
        .pathCIDsBlocked(PathCIDsBlockedFrame(pathID: 3, nextSequenceNumber: 2)),
    ]

    /// The expected qlog name of each case. The switch has no default, so a new `Frame` case fails to compile
    /// here until the conversion and this test cover it.
    static func expectedType(_ frame: Frame) -> String {
        switch frame {
        case .padding: "padding"
        case .ping: "ping"
        case .ack: "ack"
        case .resetStream: "reset_stream"
        case .stopSending: "stop_sending"
        case .crypto: "crypto"
        case .newToken: "new_token"
        case .stream: "stream"
        case .maxData: "max_data"
        case .maxStreamData: "max_stream_data"
        case .maxStreams: "max_streams"
        case .dataBlocked: "data_blocked"
        case .streamDataBlocked: "stream_data_blocked"
        case .streamsBlocked: "streams_blocked"
        case .newConnectionID(let frame): frame.pathID == nil ? "new_connection_id" : "path_new_connection_id"
        case .retireConnectionID(let frame):
            frame.pathID == nil ? "retire_connection_id" : "path_retire_connection_id"
        case .pathChallenge: "path_challenge"
        case .pathResponse: "path_response"
        case .connectionClose: "connection_close"
        case .handshakeDone: "handshake_done"
        case .datagram: "datagram"
        case .ackFrequency: "ack_frequency"
        case .immediateAck: "immediate_ack"
        case .pathAck: "path_ack"
        case .pathAbandon: "path_abandon"
        case .pathStatusBackup: "path_status_backup"
        case .pathStatusAvailable: "path_status_available"
        case .maxPathID: "max_path_id"
        case .pathsBlocked: "paths_blocked"
        case .pathCIDsBlocked: "path_cids_blocked"
        }
    }

    private func json(_ frame: QlogFrame) throws -> [String: Any] {
        var writer = QlogJSONWriter()
        frame.write(to: &writer)
        return try JSONTestSupport.parseObject(writer.bytes)
    }

    @Test func everyFrameCaseConvertsToItsNamedParsableObject() throws {
        var seen = Set<String>()
        for frame in Self.everyCase {
            let qlog = QlogFrame(frame)
            #expect(qlog.frameType == Self.expectedType(frame))
            let object = try self.json(qlog)
            #expect(object["frame_type"] as? String == Self.expectedType(frame))
            let carriesPathID = frame.isMultipath && !["max_path_id", "paths_blocked"].contains(qlog.frameType)
            #expect((object["path_id"] != nil) == carriesPathID, "\(qlog.frameType) and path_id")
            seen.insert(qlog.frameType)
        }
        // 30 enum cases, two of which have a multipath form.
        #expect(seen.count == 32)
    }

    @Test func decodedFramesConvertToo() throws {
        for frame in Self.everyCase {
            var writer = ByteWriter()
            frame.encode(to: &writer)
            var reader = ByteReader(writer.bytes[...])
            let decoded = try Frame.decode(from: &reader)
            #expect(QlogFrame(decoded) == QlogFrame(frame))
        }
    }

    @Test func ackRangesAreAscendingPairsAndDelayIsScaled() throws {
        let frame = QlogFrame(.ack(AckFrame(ranges: AckRanges([0...2, 5...5, 10...20]), ackDelay: 1_000)))
        let object = try self.json(frame)
        let ranges = try #require(object["acked_ranges"] as? [[NSNumber]])
        #expect(ranges.map { $0.map(\.uint64Value) } == [[0, 2], [5, 5], [10, 20]])
        // 1000 << 3 microseconds = 8 ms.
        #expect(JSONTestSupport.number(object["ack_delay"]) == 8)
        let scaled = try self.json(QlogFrame(.ack(AckFrame(ranges: AckRanges([1...1]), ackDelay: 1_000)),
                                             ackDelayExponent: 0))
        #expect(JSONTestSupport.number(scaled["ack_delay"]) == 1)
        // The largest field values cannot overflow the conversion.
        let huge = QlogFrame(.ack(AckFrame(ranges: AckRanges([0...VarInt.max]), ackDelay: VarInt.max)),
                             ackDelayExponent: 20)
        #expect(try self.json(huge)["ack_delay"] is NSNumber)
    }

    @Test func pathAckCarriesPathIDRangesAndECN() throws {
        let object = try self.json(QlogFrame(Self.everyCase[26]))
        #expect(object["frame_type"] as? String == "path_ack")
        #expect(JSONTestSupport.number(object["path_id"]) == 1)
        #expect((object["acked_ranges"] as? [[NSNumber]])?.map { $0.map(\.uint64Value) } == [[3, 9]])
        #expect(JSONTestSupport.number(object["ect0"]) == 1)
        #expect(JSONTestSupport.number(object["ect1"]) == 2)
        #expect(JSONTestSupport.number(object["ce"]) == 3)
    }

    @Test func streamFrameFields() throws {
        let object = try self.json(QlogFrame(Self.everyCase[7]))
        #expect(JSONTestSupport.number(object["stream_id"]) == 0)
        #expect(JSONTestSupport.number(object["offset"]) == 10)
        #expect(JSONTestSupport.number(object["length"]) == 4)
        #expect(object["fin"] as? Bool == true)
        // -03: fin "MUST only be set if the value is true".
        let open = try self.json(.stream(id: 4, offset: 0, length: 0, fin: false))
        #expect(open["fin"] == nil)
    }

    @Test func connectionCloseFields() throws {
        let transport = try self.json(QlogFrame(Self.everyCase[20]))
        #expect(transport["error_space"] as? String == "transport")
        #expect(transport["error_code"] as? String == "protocol_violation")
        #expect(JSONTestSupport.number(transport["raw_error_code"]) == 10)
        #expect(transport["reason"] as? String == "bad \"stream\"\n")
        #expect(JSONTestSupport.number(transport["trigger_frame_type"]) == 8)
        let application = try self.json(QlogFrame(Self.everyCase[21]))
        #expect(application["error_space"] as? String == "application")
        #expect(JSONTestSupport.number(application["error_code"]) == 256)
        #expect(application["trigger_frame_type"] == nil)
        let crypto = try self.json(.connectionClose(isApplicationError: false, errorCode: 0x128, reason: ""))
        #expect(crypto["error_code"] as? String == "crypto_error_0x128")
        let unknown = try self.json(.connectionClose(isApplicationError: false, errorCode: 0x999, reason: ""))
        #expect(JSONTestSupport.number(unknown["error_code"]) == 0x999)
    }

    @Test func connectionIDAndChallengeFieldsAreHex() throws {
        let newCID = try self.json(QlogFrame(Self.everyCase[14]))
        #expect(newCID["connection_id"] as? String == "aabb")
        #expect(JSONTestSupport.number(newCID["connection_id_length"]) == 2)
        #expect(newCID["stateless_reset_token"] as? String == "00000000000000010000000000000002")
        let challenge = try self.json(QlogFrame(Self.everyCase[18]))
        #expect(challenge["data"] as? String == "0102030405060708")
        let padding = try self.json(QlogFrame(Self.everyCase[0]))
        #expect(JSONTestSupport.number(padding["payload_length"]) == 37)
    }
}
