import Testing
import QUICWire
@testable import QUICTransport

@Suite("Flow control")
struct FlowControlTests {
    private let millisecond: UInt64 = 1_000_000

    @Test func updatesAfterHalfTheWindowIsConsumed() throws {
        var control = ReceiveFlowControl(initialWindow: 1_000, maximumWindow: 1_000)
        try control.receive(upTo: 400)
        control.consume(400)
        #expect(control.limitUpdate(now: 0, smoothedRTT: 10 * self.millisecond) == nil)
        try control.receive(upTo: 600)
        control.consume(200)
        #expect(control.limitUpdate(now: 0, smoothedRTT: 10 * self.millisecond) == 1_600)
        #expect(control.advertisedLimit == 1_600)
        #expect(throws: TransportError.self) { try control.receive(upTo: 1_601) }
    }

    @Test func windowGrowsWhenUpdatesComeWithinTwoRTTs() throws {
        var control = ReceiveFlowControl(initialWindow: 1_000, maximumWindow: 4_000)
        let rtt = 10 * self.millisecond
        try control.receive(upTo: 600)
        control.consume(600)
        #expect(control.limitUpdate(now: 0, smoothedRTT: rtt) == 1_600)
        try control.receive(upTo: 1_200)
        control.consume(600)
        // 5 ms later: less than two round trips, so the window doubles.
        #expect(control.limitUpdate(now: 5 * self.millisecond, smoothedRTT: rtt) == 3_200)
        #expect(control.window == 2_000)
        try control.receive(upTo: 3_000)
        control.consume(1_800)
        #expect(control.limitUpdate(now: 6 * self.millisecond, smoothedRTT: rtt) == 7_000)
        #expect(control.window == 4_000)
        try control.receive(upTo: 5_100)
        control.consume(2_100)
        // Capped at the maximum; and slow updates leave it alone.
        #expect(control.limitUpdate(now: 7 * self.millisecond, smoothedRTT: rtt) == 9_100)
        #expect(control.window == 4_000)
    }

    @Test func slowReaderKeepsTheWindow() throws {
        var control = ReceiveFlowControl(initialWindow: 1_000, maximumWindow: 8_000)
        let rtt = 10 * self.millisecond
        var now: UInt64 = 0
        var consumed: UInt64 = 0
        for _ in 0..<10 {
            consumed += 600
            try control.receive(upTo: consumed)
            control.consume(600)
            now += 100 * self.millisecond
            _ = control.limitUpdate(now: now, smoothedRTT: rtt)
        }
        #expect(control.window == 1_000)
    }

    @Test func senderIgnoresSmallerLimitsAndReportsBlockedOnce() {
        var control = SendFlowControl(limit: 100)
        control.recordSent(upTo: 100)
        #expect(control.available == 0)
        #expect(control.blockedReport(hasPendingData: true) == 100)
        #expect(control.blockedReport(hasPendingData: true) == nil)
        control.raiseLimit(to: 50)
        #expect(control.limit == 100)
        control.raiseLimit(to: 300)
        #expect(control.available == 200)
        #expect(control.blockedReport(hasPendingData: true) == nil)
        control.recordSent(upTo: 300)
        #expect(control.blockedReport(hasPendingData: false) == nil)
        #expect(control.blockedReport(hasPendingData: true) == 300)
    }
}
