import QUICTransport
import QUICWire
import Testing

@Suite("Interactive scheduler")
struct SchedulingInteractiveTests {
    @Test func reevaluatesEveryPacketAsRTTsChange() {
        var scheduler = InteractiveScheduler()
        var paths = [snapshot(0, rtt: 20), snapshot(1, rtt: 30)]
        let intent = SendIntent(kind: .latencySensitive, size: 300)
        #expect(scheduler.choosePaths(for: intent, paths: paths, now: 0) == .send(on: [0]))
        paths[0].smoothedRTT = milliseconds(35)
        #expect(scheduler.choosePaths(for: intent, paths: paths, now: 1) == .send(on: [1]))
        paths[1].smoothedRTT = milliseconds(50)
        #expect(scheduler.choosePaths(for: intent, paths: paths, now: 2) == .send(on: [0]))
    }

    @Test func retransmissionGoesOnAnotherPathThanTheOneItWasLostOn() {
        var scheduler = InteractiveScheduler()
        let paths = [snapshot(0, rtt: 10), snapshot(1, rtt: 60), snapshot(2, rtt: 30)]
        let lostOnFastest = SendIntent(size: 1200, isRetransmission: true, lostOnPath: 0)
        #expect(scheduler.choosePaths(for: lostOnFastest, paths: paths, now: 0) == .send(on: [2]))
        let lostElsewhere = SendIntent(size: 1200, isRetransmission: true, lostOnPath: 2)
        #expect(scheduler.choosePaths(for: lostElsewhere, paths: paths, now: 0) == .send(on: [0]))
        // New data (not a retransmission) still takes the fastest path.
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [0]))
    }

    @Test func retransmissionReturnsToTheLossPathOnlyWhenNothingElseCanSend() {
        var scheduler = InteractiveScheduler()
        let intent = SendIntent(size: 1200, isRetransmission: true, lostOnPath: 0)
        let othersFull = [
            snapshot(0, rtt: 10), snapshot(1, rtt: 5, cwnd: 1_000), snapshot(2, rtt: 20, status: .abandoned),
        ]
        #expect(scheduler.choosePaths(for: intent, paths: othersFull, now: 0) == .send(on: [0]))
        #expect(scheduler.choosePaths(for: intent, paths: [snapshot(0, rtt: 10)], now: 0) == .send(on: [0]))
        // A backup path counts as "another path" before going back to the loss path.
        let withBackup = [snapshot(0, rtt: 10), snapshot(3, rtt: 90, status: .backup)]
        #expect(scheduler.choosePaths(for: intent, paths: withBackup, now: 0) == .send(on: [3]))
    }

    @Test func pathsInProbeTimeoutAreUsedLast() {
        var scheduler = InteractiveScheduler()
        let paths = [snapshot(0, rtt: 10, ptos: 1), snapshot(1, rtt: 40)]
        #expect(scheduler.choosePaths(for: packet, paths: paths, now: 0) == .send(on: [1]))
        let onlyTimedOut = [snapshot(0, rtt: 10, ptos: 2), snapshot(1, rtt: 40, cwnd: 0)]
        #expect(scheduler.choosePaths(for: packet, paths: onlyTimedOut, now: 0) == .send(on: [0]))
    }
}
