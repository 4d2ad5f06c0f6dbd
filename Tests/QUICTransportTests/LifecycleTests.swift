import Testing
@testable import QUICTransport

@Suite("Idle timeout and closing")
struct LifecycleTests {
    private let ms: UInt64 = 1_000_000

    @Test func effectiveTimeoutIsTheMinimumAndAtLeastThreePTOs() {
        var idle = IdleTimeout()
        idle.negotiate(local: 30_000 * self.ms, peer: 10_000 * self.ms, now: 0, pto: 100 * self.ms)
        #expect(idle.timeout == 10_000 * self.ms)
        #expect(idle.deadline == 10_000 * self.ms)
        idle.negotiate(local: 0, peer: 200 * self.ms, now: 0, pto: 100 * self.ms)
        #expect(idle.deadline == 300 * self.ms)
        idle.negotiate(local: 0, peer: 0, now: 0, pto: 100 * self.ms)
        #expect(idle.deadline == nil)
        #expect(!idle.hasExpired(now: .max))
    }

    @Test func activityRestartsTheTimer() {
        var idle = IdleTimeout()
        idle.negotiate(local: 1_000 * self.ms, peer: 0, now: 0, pto: 10 * self.ms)
        idle.onAckElicitingSent(now: 100 * self.ms, pto: 10 * self.ms)
        #expect(idle.deadline == 1_100 * self.ms)
        // A second ack-eliciting packet before anything is received does not restart it.
        idle.onAckElicitingSent(now: 500 * self.ms, pto: 10 * self.ms)
        #expect(idle.deadline == 1_100 * self.ms)
        idle.onPacketReceived(now: 600 * self.ms, pto: 10 * self.ms)
        #expect(idle.deadline == 1_600 * self.ms)
        #expect(!idle.hasExpired(now: 1_599 * self.ms))
        #expect(idle.hasExpired(now: 1_600 * self.ms))
    }

    @Test func keepAliveFiresBeforeTheDeadline() {
        var idle = IdleTimeout()
        idle.keepAliveInterval = 5_000 * self.ms
        idle.negotiate(local: 2_000 * self.ms, peer: 0, now: 0, pto: 10 * self.ms)
        #expect(idle.keepAliveTime == 1_000 * self.ms)
    }

    @Test("a peer that stopped answering gets one keep-alive PING per interval, not one per wake-up")
    func keepAliveWithoutAnswers() {
        var idle = IdleTimeout()
        idle.keepAliveInterval = 1_000 * self.ms
        idle.negotiate(local: 30_000 * self.ms, peer: 0, now: 0, pto: 10 * self.ms)
        #expect(idle.keepAliveTime == 1_000 * self.ms)
        idle.onKeepAliveSent(now: 1_000 * self.ms)
        idle.onAckElicitingSent(now: 1_000 * self.ms, pto: 10 * self.ms)
        // Nothing comes back: the last activity stays at 1 s, yet the next PING waits for the interval.
        #expect(idle.keepAliveTime == 2_000 * self.ms)
        idle.onKeepAliveSent(now: 2_000 * self.ms)
        idle.onAckElicitingSent(now: 2_000 * self.ms, pto: 10 * self.ms)
        #expect(idle.keepAliveTime == 3_000 * self.ms)
        // Past half the idle timeout the cap applies, still at most once per interval.
        idle.onKeepAliveSent(now: 16_500 * self.ms)
        #expect(idle.keepAliveTime == 17_500 * self.ms)
        #expect(idle.deadline == 31_000 * self.ms)
    }

    @Test func closingLastsThreePTOs() {
        var state = CloseState.closing(until: CloseState.period(pto: 100 * self.ms))
        #expect(state.deadline == 300 * self.ms)
        state.onTimeout(now: 299 * self.ms)
        #expect(!state.isOpen && state != .closed)
        state.onTimeout(now: 300 * self.ms)
        #expect(state == .closed)
    }
}
