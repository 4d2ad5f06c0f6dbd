import Testing
import QUICRecovery

@Suite("Coupled congestion control: LIA (RFC 6356)")
struct CoupledLinkedIncreasesTests {
    static func state(_ window: Int, rttMilliseconds: Int64) -> CoupledPathState {
        CoupledPathState(congestionWindow: window, smoothedRTT: .milliseconds(rttMilliseconds))
    }

    func ack<Controller: CongestionController>(_ controller: inout Controller, sentAt time: Int64,
                                                bytes: Int = 1_200, rtt: RTTEstimator, now: Int64 = 10_000) {
        controller.onPacketAcked(CongestionPacket(packetNumber: 0, timeSent: ms(time), size: bytes),
                                 isAppLimited: false, rtt: rtt, now: ms(now))
    }

    /// A scripted sequence: slow start, a loss, congestion avoidance over several windows with odd packet
    /// sizes and app-limited ACKs, an ECN-CE event, a loss inside the recovery period and persistent
    /// congestion. Returns (window, slow start threshold) after every step.
    static func script<Controller: CongestionController>(_ controller: inout Controller) -> [[Int]] {
        let rtt = estimator(sample: .milliseconds(40))
        controller.onRTTSample(rtt, now: ms(0))
        var trajectory: [[Int]] = []
        var time: Int64 = 0
        func acked(_ size: Int, appLimited: Bool = false) {
            time += 1
            controller.onPacketAcked(CongestionPacket(packetNumber: 0, timeSent: ms(time), size: size),
                                     isAppLimited: appLimited, rtt: rtt, now: ms(time + 40))
            trajectory.append([controller.congestionWindow, controller.slowStartThreshold])
        }
        func lost(persistent: Bool = false) {
            controller.onPacketsLost(largestLostSentTime: ms(time), persistentCongestion: persistent,
                                     now: ms(time + 40))
            time += 40
            trajectory.append([controller.congestionWindow, controller.slowStartThreshold])
        }
        for _ in 0..<20 {
            acked(1_200)
        }
        lost()
        controller.onPacketsLost(largestLostSentTime: ms(time - 1), persistentCongestion: false, now: ms(time + 1))
        for index in 0..<400 {
            acked([1_200, 700, 1_199, 37][index % 4], appLimited: index % 50 == 7)
            if index == 250 {
                controller.onECNCongestionExperienced(largestAckedSentTime: ms(time), now: ms(time + 40))
                time += 40
            }
        }
        lost(persistent: true)
        for _ in 0..<30 {
            acked(1_200)
        }
        return trajectory
    }

    @Test func aPathAloneFollowsNewRenosTrajectory() {
        var reno = NewReno()
        var lia = LinkedIncreases(group: CoupledPathGroup())
        let expected = Self.script(&reno)
        let trajectory = Self.script(&lia)
        #expect(trajectory == expected)
        // The script went through every phase: growth in slow start and in congestion avoidance, reductions.
        let windows = trajectory.map { $0[0] }
        #expect(windows.max() == 36_000)
        #expect(windows.contains(2_400))
        #expect(Set(windows).count > 20)
    }

    @Test func alphaMatchesHandComputedValues() throws {
        let group = CoupledPathGroup()
        // 10 datagrams at 10 ms and 20 datagrams at 100 ms: alpha = 30 * (10/0.01^2) / (10/0.01 + 20/0.1)^2
        // = 30 * 100000 / 1200^2 = 25/12.
        let fast = group.join(Self.state(12_000, rttMilliseconds: 10))
        let slow = group.join(Self.state(24_000, rttMilliseconds: 100))
        let alpha = group.linkedIncreasesAlpha(as: fast, own: Self.state(12_000, rttMilliseconds: 10))
        #expect(abs(alpha - 25.0 / 12.0) < 1e-12)
        // cwnd_total / alpha = 36000 * 12/25 = 17280 bytes per MSS on the fast path (the coupled term wins);
        // the slow path's own window (24000) is the larger, so it grows like an uncoupled flow there.
        #expect(group.linkedIncreaseThreshold(as: fast, own: Self.state(12_000, rttMilliseconds: 10)) == 17_280)
        #expect(group.linkedIncreaseThreshold(as: slow, own: Self.state(24_000, rttMilliseconds: 100)) == 24_000)

        // n identical paths: alpha = 1/n and each path needs n^2 windows acknowledged per MSS... of the total.
        for count in 1...4 {
            let identical = CoupledPathGroup()
            let members = (0..<count).map { _ in identical.join(Self.state(12_000, rttMilliseconds: 30)) }
            let own = Self.state(12_000, rttMilliseconds: 30)
            let first = try #require(members.first)
            #expect(abs(identical.linkedIncreasesAlpha(as: first, own: own) - 1 / Double(count)) < 1e-12)
            #expect(identical.linkedIncreaseThreshold(as: first, own: own) == 12_000 * count * count)
        }
    }

    @Test func theOwnStateStandsInForThePublishedOne() {
        let group = CoupledPathGroup()
        let member = group.join(Self.state(12_000, rttMilliseconds: 10))
        _ = group.join(Self.state(12_000, rttMilliseconds: 10))
        // The stale published 12000 is replaced by the fresher own value: total 36000, alpha =
        // 36000 * (24000/1e-4) / (2.4e6 + 1.2e6)^2 = 2/3.
        let alpha = group.linkedIncreasesAlpha(as: member, own: Self.state(24_000, rttMilliseconds: 10))
        #expect(abs(alpha - 2.0 / 3.0) < 1e-12)
        // A member that left sees the others plus itself.
        group.leave(member)
        #expect(group.count == 1)
        let afterLeaving = group.linkedIncreasesAlpha(as: member, own: Self.state(12_000, rttMilliseconds: 10))
        #expect(abs(afterLeaving - 0.5) < 1e-12)
    }

    @Test func noDivisionByZero() {
        let group = CoupledPathGroup()
        let zeroRTT = group.join(Self.state(12_000, rttMilliseconds: 0))
        let zeroWindow = group.join(Self.state(0, rttMilliseconds: 0))
        let negative = group.join(CoupledPathState(congestionWindow: -5, smoothedRTT: .milliseconds(-3)))
        for member in [zeroRTT, zeroWindow, negative] {
            let own = group.state(of: member) ?? Self.state(0, rttMilliseconds: 0)
            let alpha = group.linkedIncreasesAlpha(as: member, own: own)
            #expect(alpha.isFinite && alpha > 0)
            #expect(group.linkedIncreaseThreshold(as: member, own: own) >= 1)
        }
        // Nothing with a window at all: alpha is 1, the threshold the (clamped) own window.
        let empty = CoupledPathGroup()
        let nothing = empty.join(Self.state(0, rttMilliseconds: 5))
        #expect(empty.linkedIncreasesAlpha(as: nothing, own: Self.state(0, rttMilliseconds: 5)) == 1)
        #expect(empty.linkedIncreaseThreshold(as: nothing, own: Self.state(0, rttMilliseconds: 5)) == 1)

        // A huge window on a very short path next to a small slow one: the threshold saturates, no trap.
        let extreme = CoupledPathGroup()
        _ = extreme.join(CoupledPathState(congestionWindow: Int.max / 2, smoothedRTT: .zero))
        let small = extreme.join(Self.state(2_400, rttMilliseconds: 1_000))
        #expect(extreme.linkedIncreaseThreshold(as: small, own: Self.state(2_400, rttMilliseconds: 1_000))
                == Int.max / 2)
        #expect(extreme.linkedIncreasesAlpha(as: small, own: Self.state(2_400, rttMilliseconds: 1_000)).isFinite)

        // A controller whose RTT samples are zero still grows, by finite steps.
        var lia = LinkedIncreases(group: group)
        let zero = estimator(sample: .zero)
        lia.onCongestionEvent(sentTime: ms(0), now: ms(0))
        for _ in 0..<100 {
            self.ack(&lia, sentAt: 1, rtt: zero)
        }
        #expect(lia.congestionWindow > 6_000 && lia.congestionWindow < 20_000)
    }

    @Test func lossHalvesOnlyThatPathsWindow() {
        let group = CoupledPathGroup()
        let rtt = estimator(sample: .milliseconds(20))
        var first = LinkedIncreases(group: group)
        var second = LinkedIncreases(group: group)
        for _ in 0..<10 {
            self.ack(&first, sentAt: 0, rtt: rtt)
            self.ack(&second, sentAt: 0, rtt: rtt)
        }
        #expect(first.congestionWindow == 24_000 && second.congestionWindow == 24_000)
        first.onPacketsLost(largestLostSentTime: ms(5), persistentCongestion: false, now: ms(30))
        #expect(first.congestionWindow == 12_000)
        #expect(first.slowStartThreshold == 12_000)
        #expect(second.congestionWindow == 24_000)
        #expect(second.slowStartThreshold == .max)
        #expect(group.state(of: first.member)?.congestionWindow == 12_000)
        #expect(group.state(of: second.member)?.congestionWindow == 24_000)
        // A second loss in the same recovery period does nothing; ECN-CE on the other path halves only it.
        first.onPacketsLost(largestLostSentTime: ms(29), persistentCongestion: false, now: ms(40))
        second.onECNCongestionExperienced(largestAckedSentTime: ms(10), now: ms(40))
        #expect(first.congestionWindow == 12_000)
        #expect(second.congestionWindow == 12_000)
    }

    @Test func windowsNeverGoBelowTheMinimum() {
        let group = CoupledPathGroup()
        var lia = LinkedIncreases(group: group, maxDatagramSize: 1_500)
        for round in 0..<12 {
            let time = Int64(round * 100)
            lia.onPacketsLost(largestLostSentTime: ms(time + 1), persistentCongestion: round % 5 == 4,
                              now: ms(time + 2))
            #expect(lia.congestionWindow >= 3_000)
        }
        #expect(lia.congestionWindow == 3_000)
        // A larger datagram size raises the minimum.
        lia.setMaxDatagramSize(2_000)
        #expect(lia.congestionWindow == 4_000)
        #expect(group.state(of: lia.member)?.congestionWindow == 4_000)
    }

    @Test func slowStartAndRecoveryAreNewRenos() {
        let rtt = estimator(sample: .milliseconds(20))
        var lia = LinkedIncreases(group: CoupledPathGroup())
        #expect(lia.isInSlowStart)
        self.ack(&lia, sentAt: 0, rtt: rtt)
        #expect(lia.congestionWindow == 13_200)
        lia.onPacketsLost(largestLostSentTime: ms(1), persistentCongestion: false, now: ms(50))
        #expect(lia.congestionWindow == 6_600)
        #expect(lia.isInRecovery(sentTime: ms(50)))
        self.ack(&lia, sentAt: 49, rtt: rtt)
        #expect(lia.congestionWindow == 6_600)
        #expect(lia.bytesAckedInAvoidance == 0)
        lia.onPacketAcked(CongestionPacket(packetNumber: 0, timeSent: ms(60), size: 1_200), isAppLimited: true,
                          rtt: rtt, now: ms(80))
        #expect(lia.bytesAckedInAvoidance == 0)
        self.ack(&lia, sentAt: 60, rtt: rtt)
        #expect(lia.bytesAckedInAvoidance == 1_200)
    }
}
