import QUICTestSupport
import Testing
import QUICWire
@testable import QUICTransport

@Suite("Stream IDs and stream buffers")
struct StreamBufferTests {
    @Test func streamIDBits() throws {
        let clientBidi = try #require(StreamID(initiator: .client, direction: .bidirectional, index: 3))
        #expect(clientBidi.rawValue == 12)
        let serverUni = try #require(StreamID(initiator: .server, direction: .unidirectional, index: 0))
        #expect(serverUni.rawValue == 3)
        #expect(serverUni.initiator == .server && serverUni.direction == .unidirectional)
        #expect(StreamID(rawValue: 9).initiator == .server && StreamID(rawValue: 9).direction == .bidirectional)
        #expect(StreamID(initiator: .client, direction: .bidirectional, index: VarInt.max >> 2) != nil)
        #expect(StreamID(initiator: .client, direction: .bidirectional, index: (VarInt.max >> 2) + 1) == nil)
    }

    @Test func receiveReassemblesOutOfOrder() throws {
        var buffer = StreamReceiveBuffer()
        let data = Array(0..<100).map { UInt8($0) }
        try buffer.receive(offset: 50, data: data[50..<100], fin: true, limit: 1_000)
        #expect(buffer.readableCount == 0)
        #expect(buffer.finalSize == 100)
        try buffer.receive(offset: 10, data: data[10..<60], fin: false, limit: 1_000)
        #expect(buffer.readableCount == 0)
        try buffer.receive(offset: 0, data: data[0..<20], fin: false, limit: 1_000)
        #expect(buffer.isComplete)
        #expect(buffer.read() == data)
        #expect(buffer.isFinished)
    }

    @Test func finalSizeRules() throws {
        var buffer = StreamReceiveBuffer()
        try buffer.receive(offset: 0, data: [1, 2, 3, 4][...], fin: false, limit: 100)
        // A FIN below data already received.
        #expect(throws: TransportError.self) {
            try buffer.receive(offset: 0, data: [1, 2][...], fin: true, limit: 100)
        }
        try buffer.receive(offset: 4, data: [5][...], fin: true, limit: 100)
        // Data beyond the final size, and a changed final size.
        do {
            try buffer.receive(offset: 5, data: [6][...], fin: false, limit: 100)
            Issue.record("data beyond the final size was accepted")
        } catch {
            #expect(error.code == .finalSizeError)
        }
        do {
            try buffer.reset(finalSize: 6, limit: 100)
            Issue.record("a changed final size was accepted")
        } catch {
            #expect(error.code == .finalSizeError)
        }
        // The same final size again is fine (a retransmission).
        try buffer.receive(offset: 3, data: [4, 5][...], fin: true, limit: 100)
    }

    @Test func flowControlLimit() {
        var buffer = StreamReceiveBuffer()
        do {
            try buffer.receive(offset: 90, data: [UInt8](repeating: 0, count: 11)[...], fin: false, limit: 100)
            Issue.record("data beyond the limit was accepted")
        } catch {
            #expect(error.code == .flowControlError)
        }
    }

    @Test func highestReceivedAdvancesOnce() throws {
        var buffer = StreamReceiveBuffer()
        let first = try buffer.receive(offset: 10, data: [0, 0][...], fin: false, limit: 100)
        #expect(first == 12)
        let second = try buffer.receive(offset: 0, data: [0, 0][...], fin: false, limit: 100)
        #expect(second == 0)
        let third = try buffer.receive(offset: 11, data: [0, 0, 0][...], fin: false, limit: 100)
        #expect(third == 2)
    }

    @Test func sendRespectsLimitAndFin() throws {
        var buffer = StreamSendBuffer()
        buffer.write([UInt8](repeating: 7, count: 1_000))
        buffer.finish()
        let firstChunk = buffer.nextChunk(maxLength: 600, limit: 800)
        let first = try #require(firstChunk)
        #expect(first.offset == 0 && first.data.count == 600 && !first.fin)
        let secondChunk = buffer.nextChunk(maxLength: 600, limit: 800)
        let second = try #require(secondChunk)
        #expect(second.offset == 600 && second.data.count == 200 && !second.fin)
        let noChunkAtLimit = buffer.nextChunk(maxLength: 600, limit: 800)
        #expect(noChunkAtLimit == nil)
        let thirdChunk = buffer.nextChunk(maxLength: 600, limit: 2_000)
        let third = try #require(thirdChunk)
        #expect(third.offset == 800 && third.data.count == 200 && third.fin)
        let noChunkAfterFin = buffer.nextChunk(maxLength: 600, limit: 2_000)
        #expect(noChunkAfterFin == nil)
    }

    @Test func lostDataGoesFirstAndSkipsAcknowledgedParts() throws {
        var buffer = StreamSendBuffer()
        buffer.write(Array(0..<200).map { UInt8($0) })
        _ = buffer.nextChunk(maxLength: 100, limit: 1_000)
        _ = buffer.nextChunk(maxLength: 100, limit: 1_000)
        buffer.acknowledge(offset: 20, length: 30, fin: false)
        buffer.markLost(offset: 0, length: 100, fin: false)
        let retransmit1Chunk = buffer.nextChunk(maxLength: 1_000, limit: 1_000)
        let retransmit1 = try #require(retransmit1Chunk)
        #expect(retransmit1.offset == 0 && retransmit1.data.count == 20)
        let retransmit2Chunk = buffer.nextChunk(maxLength: 1_000, limit: 1_000)
        let retransmit2 = try #require(retransmit2Chunk)
        #expect(retransmit2.offset == 50 && retransmit2.data.count == 50)
        #expect(retransmit2.data.first == 50)
        let noChunkLeft = buffer.nextChunk(maxLength: 1_000, limit: 1_000)
        #expect(noChunkLeft == nil)
    }

    /// A seeded simulation of a lossy, reordering channel between a send and a receive buffer: whatever
    /// happens to the chunks, the receiver ends up with exactly the bytes written and the send buffer
    /// releases everything.
    @Test(arguments: [UInt64(7), 8, 9, 10, 11, 12])
    func lossyChannelDeliversExactBytes(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        var sender = StreamSendBuffer()
        var receiver = StreamReceiveBuffer()
        var written: [UInt8] = []
        var delivered: [UInt8] = []
        var inFlight: [(offset: UInt64, data: [UInt8], fin: Bool)] = []
        var rounds = 0
        while !(sender.isFullyAcknowledged && receiver.isFinished) {
            rounds += 1
            #expect(rounds < 100_000)
            if rounds >= 100_000 { break }
            if !sender.isFinishedByApplication {
                if written.count < 50_000 {
                    let chunk = (0..<Int.random(in: 0..<700, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                    written += chunk
                    sender.write(chunk)
                } else {
                    sender.finish()
                }
            }
            let limit = UInt64(receiver.readOffset) + 8_000
            while inFlight.count < 20,
                  let chunk = sender.nextChunk(maxLength: Int.random(in: 1..<1_400, using: &random), limit: limit) {
                inFlight.append((chunk.offset, Array(chunk.data), chunk.fin))
            }
            inFlight.shuffle(using: &random)
            let arriving = inFlight.prefix(Int.random(in: 0...inFlight.count, using: &random))
            inFlight.removeFirst(arriving.count)
            for frame in arriving {
                if Int.random(in: 0..<10, using: &random) < 2 {
                    sender.markLost(offset: frame.offset, length: frame.data.count, fin: frame.fin)
                    continue
                }
                try receiver.receive(offset: frame.offset, data: frame.data[...], fin: frame.fin, limit: limit)
                if Int.random(in: 0..<10, using: &random) < 1 {
                    // The ACK was lost; the sender retransmits data the receiver already has.
                    sender.markLost(offset: frame.offset, length: frame.data.count, fin: frame.fin)
                } else {
                    sender.acknowledge(offset: frame.offset, length: frame.data.count, fin: frame.fin)
                }
            }
            receiver.read(into: &delivered, maxLength: Int.random(in: 0..<5_000, using: &random))
        }
        #expect(delivered == written)
        #expect(sender.bufferedCount == 0)
    }
}
