import QUICWire
import Testing
@testable import QUICTransport

/// The stream components' behaviour StreamManager relies on, including the fixes made for it.
@Suite("StreamManager components")
struct StreamManagerComponentTests {
    @Test func lateDuplicateAcknowledgmentDoesNotStopReleasing() throws {
        var buffer = StreamSendBuffer()
        buffer.write(streamTestBytes(3_000, seed: 1))
        #expect(buffer.nextChunk(maxLength: 2_000, limit: 10_000)?.data.count == 2_000)
        buffer.acknowledge(offset: 0, length: 500, fin: false)
        buffer.acknowledge(offset: 0, length: 1_000, fin: false)
        #expect(buffer.bufferedCount == 2_000)
        // A duplicate of bytes already released, then the next range in order.
        buffer.acknowledge(offset: 0, length: 500, fin: false)
        buffer.acknowledge(offset: 1_000, length: 1_000, fin: false)
        #expect(buffer.bufferedCount == 1_000)
        // Loss of released bytes queues nothing.
        buffer.markLost(offset: 0, length: 2_000, fin: false)
        #expect(buffer.nextChunkOffset == 2_000)
    }

    @Test func nextChunkOffsetNamesWhatGoesNext() throws {
        var buffer = StreamSendBuffer()
        buffer.write(streamTestBytes(100, seed: 2))
        buffer.finish()
        #expect(buffer.nextChunkOffset == 0)
        let firstChunk = buffer.nextChunk(maxLength: 60, limit: 1_000)
        let first = try #require(firstChunk)
        #expect(buffer.nextChunkOffset == 60)
        let secondChunk = buffer.nextChunk(maxLength: 60, limit: 1_000)
        let second = try #require(secondChunk)
        #expect(second.fin && second.offset == 60)
        buffer.markLost(offset: first.offset, length: first.data.count, fin: false)
        #expect(buffer.nextChunkOffset == 0)
        _ = buffer.nextChunk(maxLength: 100, limit: 1_000)
        buffer.markLost(offset: 60, length: 0, fin: true)
        #expect(buffer.nextChunkOffset == 100)
    }

    @Test func dataAfterResetIsDiscarded() throws {
        var buffer = StreamReceiveBuffer()
        try buffer.receive(offset: 0, data: [1, 2, 3][...], fin: false, limit: 100)
        try buffer.reset(finalSize: 10, limit: 100)
        try buffer.receive(offset: 3, data: ArraySlice(repeating: 4, count: 7), fin: true, limit: 100)
        #expect(buffer.bufferedCount == 0)
        #expect(buffer.readableCount == 0)
        #expect(buffer.isReset)
    }

    @Test func flowControlUpdateIsDueAfterHalfTheWindow() throws {
        var flow = ReceiveFlowControl(initialWindow: 1_000, maximumWindow: 4_000)
        try flow.receive(upTo: 1_000)
        flow.consume(500)
        #expect(!flow.isUpdateDue)
        flow.consume(1)
        #expect(flow.isUpdateDue)
        let first = flow.limitUpdate(now: 0, smoothedRTT: 100)
        #expect(first == 1_501)
        #expect(!flow.isUpdateDue)
        // Two updates within two round trips double the window.
        flow.consume(502)
        #expect(flow.isUpdateDue)
        let second = flow.limitUpdate(now: 150, smoothedRTT: 100)
        #expect(second == 1_003 + 2_000)
        #expect(flow.window == 2_000)
    }
}
