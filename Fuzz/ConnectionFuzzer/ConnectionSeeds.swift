import FuzzSupport
import QUICWire

/// The seed corpus of ``connectionFuzzerTestOneInput(_:_:)``: frames of every kind, encoded by QUICWire, in the
/// direction (client or server) where a peer could send them, some in exchanges of several packets.
enum ConnectionSeeds {
    static let fromClient: UInt8 = 0x00
    static let fromServer: UInt8 = 0x01
    static let thenTimer: UInt8 = 0x02

    static func encode(_ frames: [Frame]) -> [UInt8] {
        var writer = ByteWriter()
        for frame in frames { frame.encode(to: &writer) }
        return writer.bytes
    }

    static func make() throws -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = []
        func add(_ name: String, multipath: Bool = false, _ records: [(flags: UInt8, frames: [Frame])]) {
            let encoded = records.map { (flags: $0.flags, payload: Self.encode($0.frames)) }
            seeds.append((name, [multipath ? 0x01 : 0x00] + FuzzRecords.encode(encoded)))
        }
        let hello = Array("hello, fuzzer".utf8)[...]
        let resetToken = StatelessResetToken(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)
        let newCID = ConnectionID(literal: [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])

        add("ping-both-ways", [(Self.fromClient, [.ping]), (Self.fromServer, [.ping, .padding(count: 8)])])
        add("client-stream-with-fin", [
            (Self.fromClient, [.stream(StreamFrame(streamID: 0, offset: 0, data: hello, fin: false))]),
            (Self.fromClient, [.stream(StreamFrame(streamID: 0, offset: UInt64(hello.count), data: hello, fin: true))]),
            (Self.fromServer, [.stream(StreamFrame(streamID: 0, offset: 0, data: hello, fin: true))]),
        ])
        add("server-unidirectional-stream", [
            (Self.fromServer, [.stream(StreamFrame(streamID: 3, offset: 0, data: hello, fin: true, hasLength: false))]),
        ])
        add("stream-reset-and-stop", [
            (Self.fromClient, [.stream(StreamFrame(streamID: 4, offset: 0, data: hello, fin: false))]),
            (Self.fromClient, [.resetStream(ResetStreamFrame(streamID: 4, applicationErrorCode: 7,
                                                            finalSize: UInt64(hello.count)))]),
            (Self.fromServer, [.stopSending(StopSendingFrame(streamID: 4, applicationErrorCode: 8))]),
        ])
        add("flow-control", [
            (Self.fromClient, [
                .maxData(1 << 22), .maxStreamData(MaxStreamDataFrame(streamID: 1, maximumStreamData: 9_000)),
                .maxStreams(StreamCountFrame(bidirectional: true, maximumStreams: 200)),
            ]),
            (Self.fromServer, [
                .dataBlocked(1 << 20),
                .streamDataBlocked(StreamDataBlockedFrame(streamID: 1, maximumStreamData: 1 << 16)),
                .streamsBlocked(StreamCountFrame(bidirectional: false, maximumStreams: 3)),
            ]),
        ])
        add("connection-ids", [
            (Self.fromClient, [.newConnectionID(NewConnectionIDFrame(
                sequenceNumber: 4, retirePriorTo: 1, connectionID: newCID, statelessResetToken: resetToken))]),
            (Self.fromServer, [.retireConnectionID(RetireConnectionIDFrame(sequenceNumber: 0))]),
        ])
        add("path-challenge-and-response", [
            (Self.fromClient, [.pathChallenge(0x0102_0304_0506_0708)]),
            (Self.fromServer, [.pathResponse(0x0102_0304_0506_0708), .pathChallenge(42)]),
        ])
        add("datagrams", [
            (Self.fromClient, [.datagram(DatagramFrame(data: hello)), .datagram(DatagramFrame(data: hello))]),
            (Self.fromServer, [.datagram(DatagramFrame(data: hello, hasLength: false))]),
        ])
        add("server-handshake-done-new-token-crypto", [
            (Self.fromServer, [.handshakeDone, .newToken(NewTokenFrame(token: hello))]),
            (Self.fromServer, [.crypto(CryptoFrame(offset: 0, data: [4, 0, 0, 4, 0, 0, 0, 1][...]))]),
        ])
        add("ack-frequency", [
            (Self.fromClient, [.ackFrequency(AckFrequencyFrame(sequenceNumber: 1, ackElicitingThreshold: 4,
                                                                requestedMaxAckDelay: 50_000, reorderingThreshold: 2)),
                               .immediateAck]),
        ])
        add("acknowledgments", [
            (Self.fromClient, [.ack(AckFrame(ranges: AckRanges([0...2]), ackDelay: 10))]),
            (Self.fromServer, [.ack(AckFrame(ranges: AckRanges([0...1]), ackDelay: 0,
                                             ecn: ECNCounts(ect0: 2, ect1: 0, ce: 1)))]),
        ])
        add("close-with-timer", [
            (Self.fromClient | Self.thenTimer, [.ping]),
            (Self.fromServer, [.connectionClose(ConnectionCloseFrame(isApplicationError: false, errorCode: 0x0a,
                                                                     frameType: 0x08, reasonPhrase: hello))]),
        ])
        add("multipath-path-frames", multipath: true, [
            (Self.fromClient, [.maxPathID(5), .pathStatusBackup(PathStatusFrame(pathID: 0, sequenceNumber: 1))]),
            (Self.fromServer, [.pathStatusAvailable(PathStatusFrame(pathID: 0, sequenceNumber: 2)), .pathsBlocked(3)]),
            (Self.fromClient, [.newConnectionID(NewConnectionIDFrame(
                pathID: 1, sequenceNumber: 0, retirePriorTo: 0, connectionID: newCID, statelessResetToken: resetToken)),
                               .pathCIDsBlocked(PathCIDsBlockedFrame(pathID: 1, nextSequenceNumber: 1))]),
        ])
        add("multipath-acknowledgments-and-abandon", multipath: true, [
            (Self.fromServer, [
                .pathAck(PathAckFrame(pathID: 0, ack: AckFrame(ranges: AckRanges([0...1]), ackDelay: 3))),
            ]),
            (Self.fromClient, [.retireConnectionID(RetireConnectionIDFrame(pathID: 0, sequenceNumber: 0))]),
            (Self.fromClient | Self.thenTimer, [.pathAbandon(PathAbandonFrame(pathID: 0, errorCode: 0))]),
        ])
        var unknown = ByteWriter()
        unknown.writeVarInt(0x21)
        unknown.writeBytes([1, 2, 3])
        seeds.append(("unknown-frame-type", [0x00] + FuzzRecords.encode([(Self.fromClient, unknown.bytes)])))
        return seeds
    }
}
