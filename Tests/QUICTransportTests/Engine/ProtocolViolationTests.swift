import QUICRecovery
import QUICSimulator
@testable import QUICTransport
import QUICWire
import Testing

/// A peer built from the engine's own wire types sends each kind of invalid frame; the receiver must close
/// with the error code RFC 9000 (and RFC 9221, the ACK frequency and multipath drafts) names, and the
/// CONNECTION_CLOSE must reach the misbehaving peer.
@Suite("Protocol violations")
struct ProtocolViolationTests {
    static let payload: ArraySlice<UInt8> = Array(repeating: 0xab, count: 10)[...]

    static func stream(_ id: UInt64, offset: UInt64 = 0, data: ArraySlice<UInt8> = payload,
                       fin: Bool = false) -> Frame {
        .stream(StreamFrame(streamID: id, offset: offset, data: data, fin: fin))
    }

    // MARK: - Streams and flow control

    @Test func streamOnTheReceiversSendOnlyStream() throws {
        // Stream 3 is the server's first unidirectional stream: send-only at the server.
        let scenario = try ViolationScenario()
        let frame = Self.stream(3)
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .streamStateError, frameType: frame.frameType)
    }

    @Test func streamOnALocallyInitiatedStreamNeverOpened() throws {
        // RFC 9000 §19.8: STREAM for a locally-initiated stream not yet created is a STREAM_STATE_ERROR.
        let scenario = try ViolationScenario()
        let frame = Self.stream(1)
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .streamStateError, frameType: frame.frameType)
    }

    @Test func streamBeyondStreamFlowControl() throws {
        let scenario = try ViolationScenario()
        let limit = scenario.server.localParameters.initialMaxStreamDataBidiRemote
        let frame = Self.stream(0, offset: limit - 5)
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .flowControlError, frameType: frame.frameType)
    }

    @Test func streamBeyondConnectionFlowControl() throws {
        let scenario = try ViolationScenario()
        let streamLimit = scenario.server.localParameters.initialMaxStreamDataBidiRemote
        let connectionLimit = scenario.server.localParameters.initialMaxData
        // Every frame stays inside its stream's window; together they pass the connection's.
        let count = connectionLimit / streamLimit + 1
        let frames = (0..<count).map { Self.stream($0 * 4, offset: streamLimit - 1, data: [1]) }
        #expect(scenario.inject(frames, from: .client))
        scenario.expectClosed(by: .client, code: .flowControlError, frameType: frames[0].frameType)
    }

    @Test func streamEndingBeyondTwoToTheSixtyTwo() throws {
        // RFC 9000 §19.8: offset + length above 2^62-1 is a FRAME_ENCODING_ERROR or FLOW_CONTROL_ERROR.
        let scenario = try ViolationScenario()
        let frame = Self.stream(0, offset: (1 << 62) - 5)
        #expect(scenario.inject([frame], from: .client))
        var code = TransportErrorCode.noError
        if case .localTransport(let error)? = scenario.closeReason(.server) { code = error.code }
        #expect(code == .frameEncodingError || code == .flowControlError)
        scenario.expectClosed(by: .client, code: code, frameType: frame.frameType)
    }

    @Test func streamBeyondMaxStreams() throws {
        let scenario = try ViolationScenario()
        let limit = scenario.server.localParameters.initialMaxStreamsBidi
        let frame = Self.stream(limit * 4)
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .streamLimitError, frameType: frame.frameType)
    }

    @Test func unidirectionalStreamBeyondMaxStreams() throws {
        let scenario = try ViolationScenario()
        let limit = scenario.client.localParameters.initialMaxStreamsUni
        let frame = Self.stream(limit * 4 + 3)
        #expect(scenario.inject([frame], from: .server))
        scenario.expectClosed(by: .server, code: .streamLimitError, frameType: frame.frameType)
    }

    @Test func dataBeyondTheFinalSize() throws {
        let scenario = try ViolationScenario()
        let frames = [Self.stream(0, data: Self.payload, fin: true), Self.stream(0, offset: 10, data: [1, 2])]
        #expect(scenario.inject(frames, from: .client))
        scenario.expectClosed(by: .client, code: .finalSizeError, frameType: frames[1].frameType)
    }

    @Test func finalSizeChanges() throws {
        let scenario = try ViolationScenario()
        let frames = [Self.stream(0, data: Self.payload, fin: true), Self.stream(0, data: [1, 2, 3], fin: true)]
        #expect(scenario.inject(frames, from: .client))
        scenario.expectClosed(by: .client, code: .finalSizeError, frameType: frames[1].frameType)
    }

    @Test func resetStreamChangesTheFinalSize() throws {
        let scenario = try ViolationScenario()
        let frames = [Self.stream(0, data: Self.payload, fin: true),
                      Frame.resetStream(ResetStreamFrame(streamID: 0, applicationErrorCode: 1, finalSize: 4))]
        #expect(scenario.inject(frames, from: .client))
        scenario.expectClosed(by: .client, code: .finalSizeError, frameType: 0x04)
    }

    @Test func maxStreamsAboveTwoToTheSixty() throws {
        let scenario = try ViolationScenario()
        let frame = Frame.maxStreams(StreamCountFrame(bidirectional: true, maximumStreams: (1 << 60) + 1))
        #expect(scenario.inject([frame], from: .server))
        scenario.expectClosed(by: .server, code: .frameEncodingError, frameType: 0x12)
    }

    @Test func maxStreamDataForAReceiveOnlyStream() throws {
        // Stream 3 is the server's unidirectional stream: receive-only at the client.
        let scenario = try ViolationScenario()
        let frame = Frame.maxStreamData(MaxStreamDataFrame(streamID: 3, maximumStreamData: 1_000_000))
        #expect(scenario.inject([frame], from: .server))
        scenario.expectClosed(by: .server, code: .streamStateError, frameType: 0x11)
    }

    @Test func stopSendingForAReceiveOnlyStream() throws {
        // RFC 9000 §19.5: STOP_SENDING for a receive-only stream is a STREAM_STATE_ERROR.
        let scenario = try ViolationScenario()
        let frame = Frame.stopSending(StopSendingFrame(streamID: 2, applicationErrorCode: 7))
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .streamStateError, frameType: 0x05)
    }

    @Test func resetStreamForASendOnlyStream() throws {
        // RFC 9000 §19.4: RESET_STREAM for a send-only stream (the server's uni stream 3, at the server).
        let scenario = try ViolationScenario()
        let frame = Frame.resetStream(ResetStreamFrame(streamID: 3, applicationErrorCode: 1, finalSize: 0))
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .streamStateError, frameType: 0x04)
    }

    @Test func streamDataBlockedForASendOnlyStream() throws {
        // RFC 9000 §19.13: STREAM_DATA_BLOCKED for a send-only stream is a STREAM_STATE_ERROR.
        let scenario = try ViolationScenario()
        let frame = Frame.streamDataBlocked(StreamDataBlockedFrame(streamID: 2, maximumStreamData: 0))
        #expect(scenario.inject([frame], from: .server))
        scenario.expectClosed(by: .server, code: .streamStateError, frameType: 0x15)
    }

    @Test func streamsBlockedAboveTwoToTheSixty() throws {
        let scenario = try ViolationScenario()
        let frame = Frame.streamsBlocked(StreamCountFrame(bidirectional: false, maximumStreams: 1 << 61))
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .frameEncodingError, frameType: 0x17)
    }

    // MARK: - Frames only one role may send

    @Test func handshakeDoneFromAClient() throws {
        let scenario = try ViolationScenario()
        #expect(scenario.inject([.handshakeDone], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: 0x1e)
    }

    @Test func newTokenFromAClient() throws {
        let scenario = try ViolationScenario()
        #expect(scenario.inject([.newToken(NewTokenFrame(token: [1, 2, 3]))], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: 0x07)
    }

    @Test func emptyNewTokenFromAServer() throws {
        // RFC 9000 §19.7: an empty token is a FRAME_ENCODING_ERROR (NEW_TOKEN type, length 0).
        let scenario = try ViolationScenario()
        #expect(scenario.inject(rawFrames: [0x07, 0x00], from: .server))
        scenario.expectClosed(by: .server, code: .frameEncodingError, frameType: 0x07)
    }

    // MARK: - Acknowledgements

    @Test func ackOfAPacketNeverSent() throws {
        let scenario = try ViolationScenario()
        let frame = Frame.ack(AckFrame(ranges: AckRanges([1_000...1_000]), ackDelay: 0))
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: 0x02)
    }

    @Test func ackECNOfAPacketNeverSent() throws {
        // The CONNECTION_CLOSE names ACK_ECN (0x03), the frame that was received.
        let scenario = try ViolationScenario()
        let frame = Frame.ack(AckFrame(ranges: AckRanges([1_000...1_000]), ackDelay: 0, ecn: ECNCounts(ect0: 1)))
        #expect(scenario.inject([frame], from: .server))
        scenario.expectClosed(by: .server, code: .protocolViolation, frameType: 0x03)
    }

    @Test func ackFrequencyBelowMinAckDelay() throws {
        let scenario = try ViolationScenario()
        let frame = Frame.ackFrequency(AckFrequencyFrame(sequenceNumber: 0, ackElicitingThreshold: 2,
                                                         requestedMaxAckDelay: 10, reorderingThreshold: 1))
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: 0xaf)
    }

    // MARK: - Connection IDs

    static func newConnectionID(_ sequence: UInt64, retirePriorTo: UInt64 = 0) throws -> Frame {
        let id = try ConnectionID((0..<8).map { UInt8(truncatingIfNeeded: sequence &* 31 &+ $0) })
        let token = try StatelessResetToken((0..<16).map { UInt8(truncatingIfNeeded: sequence &+ $0) })
        return .newConnectionID(NewConnectionIDFrame(sequenceNumber: sequence, retirePriorTo: retirePriorTo,
                                                     connectionID: id, statelessResetToken: token))
    }

    @Test func newConnectionIDBeyondTheActiveLimit() throws {
        let scenario = try ViolationScenario()
        let limit = scenario.client.localParameters.activeConnectionIDLimit
        let frames = try (0...limit).map { try Self.newConnectionID(50 + $0) }
        #expect(scenario.inject(frames, from: .server))
        scenario.expectClosed(by: .server, code: .connectionIDLimitError, frameType: 0x18)
    }

    @Test func newConnectionIDRetiringBeyondItsSequenceNumber() throws {
        let scenario = try ViolationScenario()
        #expect(scenario.inject([try Self.newConnectionID(5, retirePriorTo: 6)], from: .server))
        scenario.expectClosed(by: .server, code: .frameEncodingError, frameType: 0x18)
    }

    @Test func retireConnectionIDNeverIssued() throws {
        let scenario = try ViolationScenario()
        let frame = Frame.retireConnectionID(RetireConnectionIDFrame(sequenceNumber: 1_000))
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: 0x19)
    }

    @Test func newConnectionIDReusingASequenceNumberForAnotherID() throws {
        // RFC 9000 §19.15: the same sequence number with a different connection ID is a PROTOCOL_VIOLATION.
        let scenario = try ViolationScenario()
        // Sequence number 1 is one the server really issued; this frame gives it another connection ID.
        #expect(scenario.client.peerCIDs.active.contains { $0.sequenceNumber == 1 })
        #expect(scenario.inject([try Self.newConnectionID(1)], from: .server))
        scenario.expectClosed(by: .server, code: .protocolViolation, frameType: 0x18)
    }

    @Test func retireConnectionIDOfThePacketsOwnDestination() throws {
        // RFC 9000 §19.16: retiring the connection ID the packet is sent to is a PROTOCOL_VIOLATION.
        let scenario = try ViolationScenario()
        let current = scenario.client.path.peerCIDSequence
        let frame = Frame.retireConnectionID(RetireConnectionIDFrame(sequenceNumber: current))
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: 0x19)
    }

    // MARK: - Extensions not negotiated

    @Test func datagramWithoutNegotiation() throws {
        let scenario = try ViolationScenario(server: { $0.maxDatagramFrameSize = nil })
        let frame = Frame.datagram(DatagramFrame(data: Self.payload))
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: frame.frameType)
    }

    @Test func datagramLargerThanAdvertised() throws {
        let scenario = try ViolationScenario(server: { $0.maxDatagramFrameSize = 100 })
        let frame = Frame.datagram(DatagramFrame(data: Array(repeating: 7, count: 200)[...]))
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: frame.frameType)
    }

    @Test(arguments: [
        Frame.pathAbandon(PathAbandonFrame(pathID: 1, errorCode: 0)),
        Frame.maxPathID(4),
        Frame.pathStatusBackup(PathStatusFrame(pathID: 0, sequenceNumber: 1)),
    ])
    func multipathFrameWithoutMultipath(_ frame: Frame) throws {
        let scenario = try ViolationScenario()
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: frame.frameType)
    }

    // MARK: - Packets and encodings

    @Test func streamInAHandshakePacket() throws {
        let scenario = try ViolationScenario(handshake: false)
        let frame = Self.stream(0)
        #expect(scenario.inject([frame], from: .client, level: .handshake))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: frame.frameType)
    }

    @Test func handshakeDoneInAHandshakePacket() throws {
        // HANDSHAKE_DONE is legal only in 1-RTT packets (RFC 9000 §12.4, Table 3).
        let scenario = try ViolationScenario(handshake: false)
        #expect(scenario.inject([.handshakeDone], from: .server, level: .handshake))
        scenario.expectClosed(by: .server, code: .protocolViolation, frameType: 0x1e)
    }

    @Test func cryptoBeyondTheBufferLimit() throws {
        let scenario = try ViolationScenario()
        let frame = Frame.crypto(CryptoFrame(offset: Connection.cryptoBufferLimit + 1_000, data: Self.payload))
        #expect(scenario.inject([frame], from: .client))
        scenario.expectClosed(by: .client, code: .cryptoBufferExceeded, frameType: 0x06)
    }

    @Test func unknownFrameType() throws {
        // 0x40 in a two-byte varint: no frame type of RFC 9000 or the extensions this stack knows.
        let scenario = try ViolationScenario()
        #expect(scenario.inject(rawFrames: [0x40, 0x40, 0x00], from: .client))
        scenario.expectClosed(by: .client, code: .frameEncodingError, frameType: 0x40)
    }

    @Test func truncatedFrame() throws {
        // RFC 9000 §12.4: a frame that does not fit its packet is a FRAME_ENCODING_ERROR. The packet is built
        // by hand: the packet writer could pad it into a valid frame. MAX_STREAM_DATA for stream 4, then a
        // four-byte varint cut after its first byte.
        let scenario = try ViolationScenario()
        let packet = try scenario.client.craftOneRTTPacket(payload: [0x11, 0x04, 0x80])
        scenario.server.handle(datagram: packet[...], from: scenario.server.fourTuple,
                               now: scenario.harness.pair.now.quic)
        #expect(scenario.runUntilClosed(poking: .server))
        scenario.expectClosed(by: .client, code: .frameEncodingError, frameType: 0x11)
    }

    @Test func packetWithoutFrames() throws {
        let scenario = try ViolationScenario()
        let packet = try scenario.client.craftOneRTTPacket(payload: [])
        scenario.server.handle(datagram: packet[...], from: scenario.server.fourTuple,
                               now: scenario.harness.pair.now.quic)
        #expect(scenario.runUntilClosed(poking: .server))
        scenario.expectClosed(by: .client, code: .protocolViolation)
    }

    @Test func reservedBitsSet() throws {
        let scenario = try ViolationScenario()
        let packet = try scenario.client.craftOneRTTPacket(payload: [0x01], reservedBits: 0x08)
        scenario.server.handle(datagram: packet[...], from: scenario.server.fourTuple,
                               now: scenario.harness.pair.now.quic)
        #expect(scenario.runUntilClosed(poking: .server))
        scenario.expectClosed(by: .client, code: .protocolViolation)
    }

    // MARK: - Closing and draining

    @Test func closingAnswersEachDatagramAtMostOnceAndBothSidesTerminate() throws {
        let scenario = try ViolationScenario()
        scenario.client.injectForTesting(.handshakeDone, level: .oneRTT)
        scenario.harness.pair.network.poll(scenario.harness.pair.clientNode)
        // Run until the server has closed but before its CONNECTION_CLOSE reaches the client.
        #expect(scenario.harness.pair.drive(until: scenario.harness.pair.now + .seconds(5)) {
            scenario.server.isClosed
        })
        let closedAt = scenario.harness.pair.now
        let server = scenario.server
        let now = closedAt.quic
        var buffer: [UInt8] = []
        // At most the first CONNECTION_CLOSE (the simulator may have taken it already), then nothing until
        // something arrives.
        var unprompted = 0
        while server.pollTransmit(now: now, into: &buffer) != nil, unprompted < 10 { unprompted += 1 }
        #expect(unprompted <= 1)
        // Any packet the closing endpoint receives gets one CONNECTION_CLOSE in reply, not more.
        let packet = try scenario.client.craftOneRTTPacket(payload: [0x01])
        for _ in 0..<3 {
            server.handle(datagram: packet[...], from: server.fourTuple, now: now)
            #expect(server.pollTransmit(now: now, into: &buffer) != nil)
            #expect(server.pollTransmit(now: now, into: &buffer) == nil)
        }
        #expect(server.isClosed && !server.isTerminated)
        // The client still learns of the close from the copy the simulator carries, then both drain out.
        #expect(scenario.runUntilClosed(poking: .server))
        scenario.expectClosed(by: .client, code: .protocolViolation, frameType: 0x1e)
        #expect(scenario.runUntilTerminated())
        let elapsed = scenario.harness.pair.now - closedAt
        // RFC 9000 §10.2: closing and draining last three times the PTO, not forever.
        #expect(elapsed >= .milliseconds(3 * 20))
        #expect(elapsed < .seconds(5))
    }
}
