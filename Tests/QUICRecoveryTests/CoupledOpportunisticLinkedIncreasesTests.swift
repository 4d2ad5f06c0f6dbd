import Testing
import QUICRecovery

@Suite("Coupled congestion control: OLIA")
struct CoupledOpportunisticLinkedIncreasesTests {
    static func state(_ window: Int, rttMilliseconds: Int64, interLoss: Int) -> CoupledPathState {
        CoupledPathState(congestionWindow: window, smoothedRTT: .milliseconds(rttMilliseconds),
                         interLossBytes: interLoss)
    }

    /// A group holding `states`, with their members in the same order.
    static func group(_ states: CoupledPathState...) -> (CoupledPathGroup, [CoupledPathGroup.Member]) {
        let group = CoupledPathGroup()
        return (group, states.map { group.join($0) })
    }

    func ack(_ olia: inout OpportunisticLinkedIncreases, sentAt time: Int64, bytes: Int = 1_200,
             rtt: RTTEstimator) {
        olia.onPacketAcked(CongestionPacket(packetNumber: 0, timeSent: ms(time), size: bytes), isAppLimited: false,
                           rtt: rtt, now: ms(time + 100))
    }

    @Test func alphaSetsMatchHandComputedValues() {
        // Path A: 10 datagrams, 10 ms, l = 1e6 -> l/rtt^2 = 1e10 (best). Path B: 20 datagrams, 100 ms,
        // l = 1e6 -> 1e8; B has the largest window. B \ M = {A}: alpha_A = 1/(2*1), alpha_B = -1/(2*1).
        let a = Self.state(12_000, rttMilliseconds: 10, interLoss: 1_000_000)
        let b = Self.state(24_000, rttMilliseconds: 100, interLoss: 1_000_000)
        let (group, members) = Self.group(a, b)
        let (memberA, memberB) = (members[0], members[1])
        let increaseA = group.opportunisticIncrease(as: memberA, own: a)
        let increaseB = group.opportunisticIncrease(as: memberB, own: b)
        #expect(increaseA.alpha == 0.5)
        #expect(increaseB.alpha == -0.5)
        // coupled_A = (12000/0.01^2) / (12000/0.01 + 24000/0.1)^2 = 1.2e8 / 1.44e6^2.
        let coupledA = 1.2e8 / (1.44e6 * 1.44e6)
        let coupledB = 2.4e6 / (1.44e6 * 1.44e6)
        #expect(abs(increaseA.coupled - coupledA) <= 1e-12 * coupledA)
        #expect(abs(increaseB.coupled - coupledB) <= 1e-12 * coupledB)
        // In bytes for one 1200-byte ACK on A: 1200 * 1200 * (coupled_A + 0.5/12000).
        let bytes = increaseA.bytes(acked: 1_200, window: 12_000, maxDatagramSize: 1_200)
        #expect(abs(bytes - 1_440_000 * (coupledA + 0.5 / 12_000)) < 1e-9)

        // A third path C with B's window: M = {B, C}, B \ M = {A}; n = 3.
        let c = Self.state(24_000, rttMilliseconds: 50, interLoss: 10)
        let memberC = group.join(c)
        #expect(group.opportunisticIncrease(as: memberA, own: a).alpha == 1.0 / 3.0)
        #expect(group.opportunisticIncrease(as: memberB, own: b).alpha == -1.0 / 6.0)
        #expect(group.opportunisticIncrease(as: memberC, own: c).alpha == -1.0 / 6.0)

        // When the best path also has the largest window, B \ M is empty and every alpha is 0.
        let bestAndLargest = Self.state(36_000, rttMilliseconds: 10, interLoss: 1_000_000)
        group.publish(bestAndLargest, for: memberA)
        #expect(group.opportunisticIncrease(as: memberA, own: bestAndLargest).alpha == 0)
        #expect(group.opportunisticIncrease(as: memberB, own: b).alpha == 0)
        #expect(group.opportunisticIncrease(as: memberC, own: c).alpha == 0)
        group.publish(a, for: memberA)
        // Two best paths outside M share the positive alpha: 1/(3*2) each.
        group.publish(Self.state(12_000, rttMilliseconds: 10, interLoss: 1_000_000), for: memberC)
        #expect(group.opportunisticIncrease(as: memberA, own: a).alpha == 1.0 / 6.0)
        #expect(group.opportunisticIncrease(as: memberB, own: b).alpha == -1.0 / 3.0)
    }

    @Test func windowsAreComparedInWholeDatagrams() {
        // 12,000 and 12,500 bytes are both 10 datagrams: both in M, so no shifting between them.
        let a = Self.state(12_000, rttMilliseconds: 10, interLoss: 1_000_000)
        let b = Self.state(12_500, rttMilliseconds: 100, interLoss: 1_000)
        let (group, members) = Self.group(a, b)
        #expect(zip(members, [a, b]).map { group.opportunisticIncrease(as: $0, own: $1).alpha } == [0, 0])
    }

    @Test func interLossDistanceIsTheLargerOfTheLastTwo() {
        var distance = InterLossDistance()
        distance.onBytesAcked(5_000)
        #expect(distance.bytes == 5_000)
        distance.onLoss()
        #expect(distance.betweenLastTwoLosses == 5_000 && distance.sinceLastLoss == 0)
        distance.onBytesAcked(3_000)
        #expect(distance.bytes == 5_000)
        distance.onBytesAcked(4_000)
        #expect(distance.bytes == 7_000)
        distance.onLoss()
        distance.onLoss()
        #expect(distance.betweenLastTwoLosses == 7_000)
        distance.onBytesAcked(.max)
        distance.onBytesAcked(.max)
        distance.onBytesAcked(-4)
        #expect(distance.sinceLastLoss == .max)
    }

    @Test func theControllerCountsBytesBetweenRecoveryPeriods() {
        let rtt = estimator(sample: .milliseconds(30))
        var olia = OpportunisticLinkedIncreases(group: CoupledPathGroup())
        for _ in 0..<5 {
            self.ack(&olia, sentAt: 0, rtt: rtt)
        }
        olia.onPacketsLost(largestLostSentTime: ms(1), persistentCongestion: false, now: ms(200))
        // Same recovery period: not a new loss for l_r.
        self.ack(&olia, sentAt: 150, rtt: rtt)
        olia.onPacketsLost(largestLostSentTime: ms(150), persistentCongestion: false, now: ms(260))
        #expect(olia.interLossDistance.betweenLastTwoLosses == 6_000)
        #expect(olia.interLossDistance.sinceLastLoss == 1_200)
        #expect(olia.pathState.interLossBytes == 6_000)
        #expect(olia.group.state(of: olia.member)?.interLossBytes == 6_000)
    }

    @Test func aPathAloneGrowsLikeRenoInCongestionAvoidance() {
        let rtt = estimator(sample: .milliseconds(30))
        var olia = OpportunisticLinkedIncreases(group: CoupledPathGroup())
        olia.onCongestionEvent(sentTime: ms(0), now: ms(0))
        #expect(olia.congestionWindow == 6_000)
        // 1200 * 1200 / 6000 = 240 bytes for the first ACK, then a little less as the window grows.
        self.ack(&olia, sentAt: 1, rtt: rtt)
        #expect(abs(olia.exactCongestionWindow - 6_240) < 1e-9)
        for _ in 0..<4 {
            self.ack(&olia, sentAt: 1, rtt: rtt)
        }
        // One window acknowledged: a little under one datagram more.
        #expect(olia.congestionWindow > 7_000 && olia.congestionWindow < 7_200)
    }

    @Test func negativeAlphaNeverTakesTheWindowBelowTheMinimum() {
        let group = CoupledPathGroup()
        let rtt = estimator(sample: .milliseconds(100))
        // A much better path with a small window makes this one (largest window) shrink on every ACK.
        _ = group.join(Self.state(1_200, rttMilliseconds: 1, interLoss: 10_000_000))
        var olia = OpportunisticLinkedIncreases(group: group)
        olia.onCongestionEvent(sentTime: ms(0), now: ms(0))
        var previous = olia.exactCongestionWindow
        for index in 0..<200 {
            self.ack(&olia, sentAt: Int64(1 + index), rtt: rtt)
            #expect(olia.congestionWindow >= 2_400)
            #expect(olia.exactCongestionWindow <= previous)
            previous = olia.exactCongestionWindow
        }
        #expect(olia.congestionWindow == 2_400)
        // The shrinking took the slow start threshold along: no slow start back up.
        #expect(!olia.isInSlowStart)
        #expect(olia.slowStartThreshold == 2_400)
    }

    @Test func noDivisionByZero() {
        let group = CoupledPathGroup()
        let zero = Self.state(0, rttMilliseconds: 0, interLoss: 0)
        let member = group.join(zero)
        let alone = group.opportunisticIncrease(as: member, own: zero)
        #expect(alone.coupled == 0 && alone.alpha == 0)
        #expect(alone.bytes(acked: 1_200, window: 0, maxDatagramSize: 1_200) == 0)
        let zeroRTT = Self.state(12_000, rttMilliseconds: 0, interLoss: 0)
        let other = group.join(zeroRTT)
        let increase = group.opportunisticIncrease(as: other, own: zeroRTT)
        #expect(increase.coupled.isFinite && increase.coupled > 0)
        #expect(increase.alpha.isFinite)

        var olia = OpportunisticLinkedIncreases(group: group)
        olia.onCongestionEvent(sentTime: ms(0), now: ms(0))
        for _ in 0..<100 {
            self.ack(&olia, sentAt: 1, rtt: estimator(sample: .zero))
        }
        #expect(olia.exactCongestionWindow.isFinite)
        #expect(olia.congestionWindow >= 2_400 && olia.congestionWindow < 100_000)
    }
}
