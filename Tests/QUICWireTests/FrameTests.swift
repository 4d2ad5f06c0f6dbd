import QUICTestSupport
import Testing
@testable import QUICWire

@Suite("Frames")
struct FrameTests {
    private func encode(_ frame: Frame) -> [UInt8] {
        var writer = ByteWriter()
        frame.encode(to: &writer)
        return writer.bytes
    }

    private func decodeError(_ bytes: [UInt8]) -> WireError? {
        var reader = ByteReader(bytes)
        do {
            _ = try Frame.decode(from: &reader)
            return nil
        } catch {
            return error
        }
    }

    /// Frames whose encoding runs to the end of the packet: a prefix of them is a valid shorter frame.
    private func runsToEnd(_ frame: Frame) -> Bool {
        switch frame {
        case .padding: return true
        case .stream(let stream): return !stream.hasLength
        case .datagram(let datagram): return !datagram.hasLength
        default: return false
        }
    }

    @Test func everyKindRoundTripsWithExactLength() throws {
        for frame in FrameSamples.everyKind {
            let bytes = self.encode(frame)
            #expect(bytes.count == frame.encodedLength, "\(frame)")
            var reader = ByteReader(bytes)
            let decoded = try Frame.decode(from: &reader)
            #expect(decoded == frame)
            #expect(reader.isAtEnd)
            #expect(decoded.frameType == frame.frameType)
        }
    }

    @Test func everyTruncationThrows() {
        for frame in FrameSamples.everyKind where !self.runsToEnd(frame) {
            let bytes = self.encode(frame)
            for cut in 0..<bytes.count {
                let error = self.decodeError(Array(bytes.prefix(cut)))
                #expect(error != nil, "\(frame) cut at \(cut) decoded")
                if let error, cut >= VarInt.encodedLength(frame.frameType) {
                    #expect(error.frameType == frame.frameType, "\(frame) cut at \(cut): \(error)")
                }
            }
        }
    }

    /// Byte layouts written out by hand from RFC 9000 §19 and draft-ietf-quic-multipath-21 §4.
    @Test(arguments: [
        (Frame.ping, [0x01] as [UInt8]),
        (.handshakeDone, [0x1e]),
        (.ack(AckFrame(ranges: AckRanges([8...10]), ackDelay: 0)), [0x02, 0x0a, 0x00, 0x00, 0x02]),
        (.ack(AckFrame(ranges: AckRanges([1...2, 5...10]), ackDelay: 3, ecn: ECNCounts(ect0: 1, ect1: 0, ce: 2))),
         [0x03, 0x0a, 0x03, 0x01, 0x05, 0x01, 0x01, 0x01, 0x00, 0x02]),
        (.stream(StreamFrame(streamID: 4, offset: 64, data: [0xaa, 0xbb], fin: true)),
         [0x0f, 0x04, 0x40, 0x40, 0x02, 0xaa, 0xbb]),
        (.stream(StreamFrame(streamID: 0, offset: 0, data: [0xcc], fin: false, hasLength: false)), [0x08, 0x00, 0xcc]),
        (.maxStreams(StreamCountFrame(bidirectional: false, maximumStreams: 100)), [0x13, 0x40, 0x64]),
        (.connectionClose(ConnectionCloseFrame(isApplicationError: false, errorCode: 0x0a, frameType: 0x08,
                                               reasonPhrase: [0x68, 0x69])), [0x1c, 0x0a, 0x08, 0x02, 0x68, 0x69]),
        (.datagram(DatagramFrame(data: [1, 2])), [0x31, 0x02, 0x01, 0x02]),
        (.ackFrequency(AckFrequencyFrame(sequenceNumber: 1, ackElicitingThreshold: 9, requestedMaxAckDelay: 25_000,
                                         reorderingThreshold: 0)), [0x40, 0xaf, 0x01, 0x09, 0x80, 0x00, 0x61, 0xa8, 0x00]),
        (.pathAck(PathAckFrame(pathID: 2, ack: AckFrame(ranges: AckRanges([0...0]), ackDelay: 0))),
         [0x3e, 0x02, 0x00, 0x00, 0x00, 0x00]),
        (.pathAbandon(PathAbandonFrame(pathID: 1, errorCode: 0x3e)), [0x7e, 0x75, 0x01, 0x3e]),
        (.pathStatusBackup(PathStatusFrame(pathID: 1, sequenceNumber: 7)), [0x7e, 0x76, 0x01, 0x07]),
        (.pathStatusAvailable(PathStatusFrame(pathID: 1, sequenceNumber: 8)), [0x7e, 0x77, 0x01, 0x08]),
        (.retireConnectionID(RetireConnectionIDFrame(pathID: 3, sequenceNumber: 1)), [0x7e, 0x79, 0x03, 0x01]),
        (.maxPathID(5), [0x7e, 0x7a, 0x05]),
        (.pathsBlocked(5), [0x7e, 0x7b, 0x05]),
        (.pathCIDsBlocked(PathCIDsBlockedFrame(pathID: 2, nextSequenceNumber: 4)), [0x7e, 0x7c, 0x02, 0x04]),
    ])
    func knownEncodings(frame: Frame, bytes: [UInt8]) throws {
        #expect(self.encode(frame) == bytes)
        var reader = ByteReader(bytes)
        #expect(try Frame.decode(from: &reader) == frame)
    }

    @Test func nonMinimalFrameTypeIsAProtocolViolation() {
        let error = self.decodeError([0x40, 0x01])
        #expect(error?.kind == .nonMinimal)
        #expect(error?.code == .protocolViolation)
        // PATH_ABANDON in four bytes instead of two.
        #expect(self.decodeError([0x80, 0x00, 0x3e, 0x75, 0x01, 0x00])?.kind == .nonMinimal)
    }

    @Test func unknownFrameTypeIsAFrameEncodingError() {
        for type: [UInt8] in [[0x20], [0x21], [0x40, 0xb0], [0x7e, 0x7d], [0x80, 0x00, 0xff, 0xff]] {
            let error = self.decodeError(type + [0, 0, 0])
            #expect(error?.kind == .unknownType)
            #expect(error?.code == .frameEncodingError)
        }
    }

    @Test(arguments: [
        // STREAM whose end passes 2^62-1: offset 2^62-1, one byte of data.
        ([0x0e, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0xaa] as [UInt8], TransportErrorCode.frameEncodingError),
        ([0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0xaa], .frameEncodingError),
        // MAX_STREAMS and STREAMS_BLOCKED above 2^60.
        ([0x12, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01], .frameEncodingError),
        ([0x17, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01], .frameEncodingError),
        // NEW_CONNECTION_ID with length 0, length 21, and Retire Prior To above the sequence number.
        ([0x18, 0x01, 0x00, 0x00] + [UInt8](repeating: 0, count: 16), .frameEncodingError),
        ([0x18, 0x01, 0x00, 0x15] + [UInt8](repeating: 0, count: 37), .frameEncodingError),
        ([0x18, 0x01, 0x02, 0x01, 0x05] + [UInt8](repeating: 0, count: 16), .frameEncodingError),
        // NEW_TOKEN with an empty token.
        ([0x07, 0x00], .frameEncodingError),
        // ACK: first range below zero, gap below zero, range length below zero, absurd range count.
        ([0x02, 0x05, 0x00, 0x00, 0x06], .frameEncodingError),
        ([0x02, 0x05, 0x00, 0x01, 0x01, 0x03, 0x00], .frameEncodingError),
        ([0x02, 0x05, 0x00, 0x01, 0x00, 0x00, 0x04], .frameEncodingError),
        ([0x02, 0x05, 0x00, 0x40, 0x64, 0x00], .frameEncodingError),
        // Path IDs above 2^32-1 (PATH_ABANDON, MAX_PATH_ID).
        ([0x7e, 0x75, 0xc0, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00], .protocolViolation),
        ([0x7e, 0x7a, 0xc0, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00], .protocolViolation),
    ])
    func invalidValuesAreRejectedWithTheRightCode(bytes: [UInt8], code: TransportErrorCode) {
        let error = self.decodeError(bytes)
        #expect(error != nil)
        #expect(error?.code == code)
        #expect(error?.frameType != nil)
    }

    @Test func paddingRunsCollapse() throws {
        var reader = ByteReader([0, 0, 0, 0x01, 0, 0])
        #expect(try Frame.decode(from: &reader) == .padding(count: 3))
        #expect(try Frame.decode(from: &reader) == .ping)
        #expect(try Frame.decode(from: &reader) == .padding(count: 2))
        #expect(reader.isAtEnd)
    }

    /// RFC 9000 Table 3, row by row; the extension frames as their drafts say.
    @Test func permissionTable() {
        let initialOrHandshake: Set<UInt64> = [0x00, 0x01, 0x02, 0x03, 0x06, 0x1c]
        let notInZeroRTT: Set<UInt64> = [0x02, 0x03, 0x06, 0x07, 0x1b, 0x19, 0x1e, 0xaf, 0x1f]
        for frame in FrameSamples.everyKind {
            let type = frame.frameType
            #expect(frame.isPermitted(in: .oneRTT), "\(frame)")
            #expect(frame.isPermitted(in: .initial) == initialOrHandshake.contains(type), "\(frame)")
            #expect(frame.isPermitted(in: .handshake) == initialOrHandshake.contains(type), "\(frame)")
            let zeroRTT = !notInZeroRTT.contains(type) && !frame.isMultipath
            #expect(frame.isPermitted(in: .zeroRTT) == zeroRTT, "\(frame)")
        }
    }

    @Test func ackElicitingAndCongestionControl() {
        #expect(!Frame.padding(count: 1).isAckEliciting && Frame.padding(count: 1).isCongestionControlled)
        let ack = Frame.ack(AckFrame(ranges: AckRanges([0...0]), ackDelay: 0))
        #expect(!ack.isAckEliciting && !ack.isCongestionControlled)
        let close = Frame.connectionClose(ConnectionCloseFrame(isApplicationError: true, errorCode: 0))
        #expect(!close.isAckEliciting && !close.isCongestionControlled)
        #expect(Frame.ping.isAckEliciting && Frame.ping.isCongestionControlled)
        #expect(Frame.pathChallenge(1).isProbing && !Frame.ping.isProbing)
        for frame in FrameSamples.everyKind {
            switch frame {
            case .ack, .pathAck, .padding, .connectionClose: #expect(!frame.isAckEliciting)
            default: #expect(frame.isAckEliciting)
            }
        }
    }

    @Test func frameDecoderChecksLevelAndEmptyPayload() throws {
        #expect(throws: WireError.self) { try FrameDecoder(payload: [], level: .oneRTT) }
        let stream = [UInt8](repeating: 0, count: 0) + [0x0a, 0x00, 0x01, 0x61]
        let error = #expect(throws: WireError.self) { try FrameDecoder.decodeAll(stream[...], level: .initial) }
        #expect(error?.code == .protocolViolation && error?.kind == .notPermitted)
        let frames = try FrameDecoder.decodeAll(([0x01, 0x00, 0x00] + stream)[...], level: .oneRTT)
        #expect(frames.count == 3)
    }

    /// Seeded random sequences of frames written back to back decode to the same frames.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func randomSequencesRoundTrip(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let frames = (0..<Int(random.next() % 12 + 1)).map { _ in FrameSamples.random(&random) }
            var writer = ByteWriter()
            for frame in frames { frame.encode(to: &writer) }
            #expect(writer.count == frames.reduce(0) { $0 + $1.encodedLength })
            var reader = ByteReader(writer.bytes)
            var decoded: [Frame] = []
            while !reader.isAtEnd { decoded.append(try Frame.decode(from: &reader)) }
            #expect(decoded == frames)
        }
    }

    /// Random bytes never crash the decoder; whatever decodes re-encodes to a frame that decodes the same.
    @Test func randomBytesNeverCrash() throws {
        var random = SplitMix64(seed: 99)
        for _ in 0..<20_000 {
            let bytes = FrameSamples.bytes(&random, maximum: 48)
            var reader = ByteReader(bytes)
            guard let frame = try? Frame.decode(from: &reader) else { continue }
            var writer = ByteWriter()
            frame.encode(to: &writer)
            var again = ByteReader(writer.bytes)
            #expect(try Frame.decode(from: &again) == frame)
        }
    }
}
