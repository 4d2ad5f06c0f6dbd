import Testing
@testable import QUICTransport

@Suite("Stream scheduler")
struct StreamSchedulerTests {
    private func serve(_ scheduler: inout StreamScheduler, rounds: Int, remaining: inout [UInt64: Int]) -> [UInt64] {
        var order: [UInt64] = []
        for _ in 0..<rounds {
            guard let stream = scheduler.peek() else { break }
            order.append(stream)
            remaining[stream, default: 0] -= 1
            scheduler.served(stream, stillHasData: remaining[stream, default: 0] > 0)
        }
        return order
    }

    @Test func incrementalStreamsShareRoundRobin() {
        var scheduler = StreamScheduler()
        var remaining: [UInt64: Int] = [0: 3, 4: 3, 8: 3]
        for stream: UInt64 in [0, 4, 8] { scheduler.enqueue(stream) }
        #expect(self.serve(&scheduler, rounds: 20, remaining: &remaining) == [0, 4, 8, 0, 4, 8, 0, 4, 8])
        #expect(scheduler.isEmpty)
    }

    @Test func nonIncrementalStreamsRunToCompletionInOrder() {
        var scheduler = StreamScheduler()
        var remaining: [UInt64: Int] = [0: 2, 4: 2]
        for stream: UInt64 in [0, 4] {
            scheduler.setPriority(.init(urgency: 3, incremental: false), for: stream)
            scheduler.enqueue(stream)
        }
        #expect(self.serve(&scheduler, rounds: 10, remaining: &remaining) == [0, 0, 4, 4])
    }

    @Test("first(where:) passes over ineligible streams in serving order and leaves the order alone")
    func firstEligible() {
        var scheduler = StreamScheduler()
        scheduler.setPriority(.init(urgency: 1, incremental: true), for: 8)
        for stream: UInt64 in [0, 4, 8] { scheduler.enqueue(stream) }
        #expect(scheduler.first { _ in true } == 8)
        #expect(scheduler.first { $0 != 8 } == 0)
        #expect(scheduler.first { $0 == 4 } == 4)
        #expect(scheduler.first { $0 == 12 } == nil)
        #expect(scheduler.peek() == 8)
    }

    @Test func urgencyIsStrict() {
        var scheduler = StreamScheduler()
        var remaining: [UInt64: Int] = [0: 2, 4: 2, 8: 1]
        scheduler.setPriority(.init(urgency: 5), for: 0)
        scheduler.setPriority(.init(urgency: 1), for: 4)
        for stream: UInt64 in [0, 4, 8] { scheduler.enqueue(stream) }
        #expect(self.serve(&scheduler, rounds: 10, remaining: &remaining) == [4, 4, 8, 0, 0])
    }

    @Test func changingPriorityRequeues() {
        var scheduler = StreamScheduler()
        scheduler.enqueue(0)
        scheduler.enqueue(4)
        scheduler.setPriority(.init(urgency: 0), for: 4)
        #expect(scheduler.peek() == 4)
        scheduler.forget(4)
        #expect(scheduler.peek() == 0)
        scheduler.remove(0)
        #expect(scheduler.peek() == nil)
    }
}
