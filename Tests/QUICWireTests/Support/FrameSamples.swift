import QUICTestSupport
@testable import QUICWire

/// Frames for tests: one of every kind at boundary values, and seeded random ones.
enum FrameSamples {
    static let boundaryValues: [UInt64] = [0, 1, 63, 64, 16_383, 16_384, (1 << 30) - 1, 1 << 30, VarInt.max]
    static let pathIDs: [PathID] = [0, 1, 63, 64, 16_383, 16_384, UInt32.max]

    static func token(_ seed: UInt64) -> StatelessResetToken {
        StatelessResetToken(high: seed &* 0x9e37_79b9_7f4a_7c15, low: ~seed)
    }

    /// One or more frames of every kind, at each boundary value where the field allows it.
    static var everyKind: [Frame] {
        var frames: [Frame] = [.padding(count: 1), .padding(count: 17), .ping, .handshakeDone, .immediateAck]
        let data: [ArraySlice<UInt8>] = [[], [0xab], Array(repeating: 0x5a, count: 300)[...]]
        for value in self.boundaryValues {
            let ranges = AckRanges([value...value])
            frames.append(.ack(AckFrame(ranges: ranges, ackDelay: value)))
            frames.append(.ack(AckFrame(ranges: ranges, ackDelay: 0, ecn: ECNCounts(ect0: value, ect1: 1, ce: value))))
            frames.append(.resetStream(ResetStreamFrame(streamID: value, applicationErrorCode: value, finalSize: value)))
            frames.append(.stopSending(StopSendingFrame(streamID: value, applicationErrorCode: value)))
            frames.append(.maxData(value))
            frames.append(.dataBlocked(value))
            frames.append(.maxStreamData(MaxStreamDataFrame(streamID: value, maximumStreamData: value)))
            frames.append(.streamDataBlocked(StreamDataBlockedFrame(streamID: value, maximumStreamData: value)))
            frames.append(.retireConnectionID(RetireConnectionIDFrame(sequenceNumber: value)))
            frames.append(.pathChallenge(value))
            frames.append(.pathResponse(UInt64.max - value))
            frames.append(.connectionClose(ConnectionCloseFrame(isApplicationError: false, errorCode: value,
                                                                frameType: value, reasonPhrase: [])))
            frames.append(.connectionClose(ConnectionCloseFrame(isApplicationError: true, errorCode: value,
                                                                reasonPhrase: Array("bye".utf8)[...])))
            frames.append(.ackFrequency(AckFrequencyFrame(sequenceNumber: value, ackElicitingThreshold: value,
                                                          requestedMaxAckDelay: value, reorderingThreshold: value)))
            frames.append(.pathAbandon(PathAbandonFrame(pathID: 3, errorCode: value)))
            frames.append(.pathStatusBackup(PathStatusFrame(pathID: 1, sequenceNumber: value)))
            frames.append(.pathStatusAvailable(PathStatusFrame(pathID: 2, sequenceNumber: value)))
            frames.append(.pathCIDsBlocked(PathCIDsBlockedFrame(pathID: 4, nextSequenceNumber: value)))
            frames.append(.newConnectionID(NewConnectionIDFrame(
                sequenceNumber: value, retirePriorTo: value / 2, connectionID: ConnectionID(literal: [1]),
                statelessResetToken: self.token(value))))
            if value <= 1 << 60 {
                for bidirectional in [true, false] {
                    frames.append(.maxStreams(StreamCountFrame(bidirectional: bidirectional, maximumStreams: value)))
                    frames.append(.streamsBlocked(StreamCountFrame(bidirectional: bidirectional, maximumStreams: value)))
                }
            }
            for bytes in data {
                if UInt64(bytes.count) <= VarInt.max - value {
                    frames.append(.crypto(CryptoFrame(offset: value, data: bytes)))
                    for fin in [false, true] {
                        frames.append(.stream(StreamFrame(streamID: value, offset: value, data: bytes, fin: fin)))
                        frames.append(.stream(StreamFrame(streamID: 4, offset: value, data: bytes, fin: fin,
                                                          hasLength: false)))
                    }
                }
            }
        }
        for pathID in self.pathIDs {
            frames.append(.pathAck(PathAckFrame(pathID: pathID, ack: AckFrame(ranges: AckRanges([0...9, 20...30]),
                                                                             ackDelay: 7))))
            frames.append(.pathAck(PathAckFrame(pathID: pathID, ack: AckFrame(
                ranges: AckRanges([5...5]), ackDelay: 0, ecn: ECNCounts(ect0: 1, ect1: 2, ce: 3)))))
            frames.append(.maxPathID(pathID))
            frames.append(.pathsBlocked(pathID))
            frames.append(.retireConnectionID(RetireConnectionIDFrame(pathID: pathID, sequenceNumber: 9)))
            frames.append(.newConnectionID(NewConnectionIDFrame(
                pathID: pathID, sequenceNumber: 8, retirePriorTo: 8,
                connectionID: ConnectionID(literal: Array(repeating: 0xcd, count: 20)),
                statelessResetToken: self.token(UInt64(pathID)))))
        }
        for bytes in data {
            frames.append(.newToken(NewTokenFrame(token: bytes.isEmpty ? [1] : bytes)))
            frames.append(.datagram(DatagramFrame(data: bytes)))
            frames.append(.datagram(DatagramFrame(data: bytes, hasLength: false)))
        }
        frames.append(.ack(AckFrame(ranges: AckRanges([0...0, 2...2, 4...100, 1_000...1_000_000]), ackDelay: 1)))
        return frames
    }

    static func value(_ random: inout SplitMix64) -> UInt64 {
        switch random.next() % 4 {
        case 0: return random.next() % 64
        case 1: return random.next() % 16_384
        case 2: return random.next() % (1 << 30)
        default: return random.next() & VarInt.max
        }
    }

    static func bytes(_ random: inout SplitMix64, maximum: Int = 40) -> ArraySlice<UInt8> {
        let count = Int(random.next() % UInt64(maximum + 1))
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }[...]
    }

    static func ranges(_ random: inout SplitMix64) -> AckRanges {
        var ranges = AckRanges()
        var upper = self.value(&random)
        for index in 0..<Int(random.next() % 8 + 1) {
            let length = min(random.next() % 100, upper)
            guard index == 0 || upper >= length else { break }
            ranges.insert((upper - length)...upper)
            let gap = random.next() % 1_000 + 2
            guard upper - length >= gap else { break }
            upper = upper - length - gap
        }
        return ranges
    }

    /// A random frame of a random kind (never a PADDING run, which merges with neighbours).
    static func random(_ random: inout SplitMix64) -> Frame {
        let pathID = PathID(truncatingIfNeeded: random.next())
        switch random.next() % 30 {
        case 0: return .ping
        case 1: return .ack(AckFrame(ranges: self.ranges(&random), ackDelay: self.value(&random)))
        case 2:
            return .ack(AckFrame(ranges: self.ranges(&random), ackDelay: 0,
                                 ecn: ECNCounts(ect0: self.value(&random), ect1: self.value(&random),
                                                ce: self.value(&random))))
        case 3: return .resetStream(ResetStreamFrame(streamID: self.value(&random), applicationErrorCode: self.value(&random),
                                                     finalSize: self.value(&random)))
        case 4: return .stopSending(StopSendingFrame(streamID: self.value(&random), applicationErrorCode: self.value(&random)))
        case 5: return .crypto(CryptoFrame(offset: self.value(&random) >> 1, data: self.bytes(&random)))
        case 6: return .newToken(NewTokenFrame(token: [0x01] + self.bytes(&random)))
        case 7:
            return .stream(StreamFrame(streamID: self.value(&random), offset: self.value(&random) >> 1,
                                       data: self.bytes(&random), fin: random.next() % 2 == 0))
        case 8: return .maxData(self.value(&random))
        case 9: return .maxStreamData(MaxStreamDataFrame(streamID: self.value(&random), maximumStreamData: self.value(&random)))
        case 10: return .maxStreams(StreamCountFrame(bidirectional: random.next() % 2 == 0,
                                                     maximumStreams: self.value(&random) >> 2))
        case 11: return .dataBlocked(self.value(&random))
        case 12: return .streamDataBlocked(StreamDataBlockedFrame(streamID: self.value(&random),
                                                                   maximumStreamData: self.value(&random)))
        case 13: return .streamsBlocked(StreamCountFrame(bidirectional: random.next() % 2 == 0,
                                                         maximumStreams: self.value(&random) >> 2))
        case 14:
            let sequence = self.value(&random)
            let length = Int(random.next() % 20 + 1)
            return .newConnectionID(NewConnectionIDFrame(
                pathID: random.next() % 2 == 0 ? nil : pathID, sequenceNumber: sequence,
                retirePriorTo: sequence == 0 ? 0 : random.next() % sequence,
                connectionID: ConnectionID(literal: (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }),
                statelessResetToken: self.token(random.next())))
        case 15: return .retireConnectionID(RetireConnectionIDFrame(pathID: random.next() % 2 == 0 ? nil : pathID,
                                                                   sequenceNumber: self.value(&random)))
        case 16: return .pathChallenge(random.next())
        case 17: return .pathResponse(random.next())
        case 18:
            return .connectionClose(ConnectionCloseFrame(isApplicationError: random.next() % 2 == 0,
                                                         errorCode: self.value(&random), frameType: self.value(&random),
                                                         reasonPhrase: self.bytes(&random)))
        case 19: return .handshakeDone
        case 20: return .datagram(DatagramFrame(data: self.bytes(&random)))
        case 21:
            return .ackFrequency(AckFrequencyFrame(sequenceNumber: self.value(&random),
                                                   ackElicitingThreshold: self.value(&random),
                                                   requestedMaxAckDelay: self.value(&random),
                                                   reorderingThreshold: self.value(&random)))
        case 22: return .immediateAck
        case 23: return .pathAck(PathAckFrame(pathID: pathID, ack: AckFrame(ranges: self.ranges(&random), ackDelay: 3)))
        case 24: return .pathAbandon(PathAbandonFrame(pathID: pathID, errorCode: self.value(&random)))
        case 25: return .pathStatusBackup(PathStatusFrame(pathID: pathID, sequenceNumber: self.value(&random)))
        case 26: return .pathStatusAvailable(PathStatusFrame(pathID: pathID, sequenceNumber: self.value(&random)))
        case 27: return .maxPathID(pathID)
        case 28: return .pathsBlocked(pathID)
        default: return .pathCIDsBlocked(PathCIDsBlockedFrame(pathID: pathID, nextSequenceNumber: self.value(&random)))
        }
    }
}
