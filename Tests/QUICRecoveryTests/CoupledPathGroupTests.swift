import Testing
import QUICRecovery
import QUICTestSupport

@Suite("Coupled congestion control: the path group")
struct CoupledPathGroupTests {
    @Test func membersJoinPublishAndLeave() throws {
        let group = CoupledPathGroup()
        let first = group.join(CoupledPathState(congestionWindow: 1, smoothedRTT: .milliseconds(1)))
        let second = group.join(CoupledPathState(congestionWindow: 2, smoothedRTT: .milliseconds(2)))
        #expect(group.count == 2)
        #expect(group.members == [first, second])
        group.publish(CoupledPathState(congestionWindow: 3, smoothedRTT: .milliseconds(3)), for: first)
        #expect(group.state(of: first)?.congestionWindow == 3)
        group.leave(first)
        group.leave(first)
        #expect(group.count == 1)
        #expect(!group.contains(first))
        #expect(group.state(of: first) == nil)
        // The slot is reused under a new generation: the old member stays out.
        let third = group.join(CoupledPathState(congestionWindow: 4, smoothedRTT: .milliseconds(4)))
        #expect(third != first)
        group.publish(CoupledPathState(congestionWindow: 99, smoothedRTT: .milliseconds(99)), for: first)
        #expect(group.state(of: third)?.congestionWindow == 4)
        #expect(group.members == [third, second])
        let state = try #require(group.state(of: second))
        #expect(state.congestionWindow == 2)
    }

    @Test(arguments: CoupledCongestionAlgorithm.allCases)
    func theFactoryMakesControllersThatJoinAndLeave(algorithm: CoupledCongestionAlgorithm) {
        let group = CoupledPathGroup()
        let first = algorithm.makeController(group: group, maxDatagramSize: 1_350,
                                             initialRTT: .milliseconds(100))
        let second = algorithm.makeController(group: group, maxDatagramSize: 1_200)
        #expect(group.count == 2)
        #expect(first.maxDatagramSize == 1_350)
        #expect(first.congestionWindow == 13_500)
        #expect(first.slowStartThreshold == .max)
        let coupled = first as? any CoupledCongestionController
        #expect(coupled?.group === group)
        if let member = coupled?.member {
            #expect(group.state(of: member)?.smoothedRTT == .milliseconds(100))
            #expect(group.state(of: member)?.maxDatagramSize == 1_350)
        }
        group.leave(controllerOf: first)
        #expect(group.count == 1)
        // Uncoupled controllers and other groups' controllers are ignored.
        group.leave(controllerOf: NewReno())
        group.leave(controllerOf: algorithm.makeController(group: CoupledPathGroup(), maxDatagramSize: 1_200))
        #expect(group.count == 1)
        group.leave(controllerOf: second)
        #expect(group.count == 0)
        #expect(CoupledCongestionAlgorithm(rawValue: "lia") == .linkedIncreases)
        #expect(CoupledCongestionAlgorithm(rawValue: "olia") == .opportunisticLinkedIncreases)
    }

    /// A copy of a controller (RecoveryState keeps one to reset to after a path change, RFC 9000 §9.4)
    /// speaks for the same path and republishes its window when it sends again.
    @Test func aRestoredCopyRepublishesItsWindow() {
        let group = CoupledPathGroup()
        let initial = LinkedIncreases(group: group)
        var current = initial
        current.onPacketsLost(largestLostSentTime: ms(0), persistentCongestion: true, now: ms(10))
        #expect(group.state(of: initial.member)?.congestionWindow == 2_400)
        var restored = initial
        restored.onPacketSent(packetNumber: 1, bytes: 1_200, now: ms(20))
        #expect(group.state(of: initial.member)?.congestionWindow == 12_000)
    }

    /// Random events on three paths of each algorithm: windows stay finite and at least the minimum, and
    /// what the group holds is what the controllers have.
    @Test(arguments: CoupledCongestionAlgorithm.allCases)
    func randomEventsKeepWindowsSane(algorithm: CoupledCongestionAlgorithm) {
        var random = SplitMix64(seed: 0xC0_0913_D)
        let group = CoupledPathGroup()
        var controllers = (0..<3).map { _ in algorithm.makeController(group: group, maxDatagramSize: 1_200) }
        var time: Int64 = 0
        for _ in 0..<5_000 {
            time += Int64(random.next() % 20)
            let index = Int(random.next() % 3)
            let rtt = estimator(sample: .milliseconds(Int64(random.next() % 300)))
            let sent = time - Int64(random.next() % 200)
            switch random.next() % 10 {
            case 0:
                let persistent = random.next() % 8 == 0
                controllers[index].onPacketsLost(largestLostSentTime: ms(sent), persistentCongestion: persistent,
                                                 now: ms(time))
            case 1:
                controllers[index].onECNCongestionExperienced(largestAckedSentTime: ms(sent), now: ms(time))
            case 2:
                controllers[index].onRTTSample(rtt, now: ms(time))
            default:
                let size = Int(random.next() % 1_500)
                controllers[index].onPacketAcked(CongestionPacket(packetNumber: 0, timeSent: ms(sent), size: size),
                                                 isAppLimited: random.next() % 10 == 0, rtt: rtt, now: ms(time))
            }
            #expect(controllers[index].congestionWindow >= 2_400)
            #expect(controllers[index].congestionWindow < 100_000_000)
            if let coupled = controllers[index] as? any CoupledCongestionController {
                #expect(group.state(of: coupled.member)?.congestionWindow == controllers[index].congestionWindow)
            }
        }
    }
}

@Suite("Coupled congestion control: inactive (backup) paths")
struct CoupledInactivePathTests {
    @Test func anInactivePathIsNotCountedByTheOthers() throws {
        let group = CoupledPathGroup()
        let active = LinkedIncreases(group: group)
        let backup = OpportunisticLinkedIncreases(group: group)
        let own = active.pathState
        // Two identical paths: alpha 1/2, threshold 4 windows.
        #expect(group.linkedIncreaseThreshold(as: active.member, own: own) == 48_000)
        group.setActive(false, controllerOf: backup)
        #expect(!group.isActive(backup.member))
        #expect(group.isActive(active.member))
        #expect(group.count == 2)
        // Alone in the counted set: NewReno's threshold, and OLIA's coupled term is 1/window.
        #expect(group.linkedIncreaseThreshold(as: active.member, own: own) == 12_000)
        // The inactive path still sees itself and the active one: same RTT, so the coupled term is
        // 12000 / (12000 + 12000)^2 = 1/48000.
        let increase = group.opportunisticIncrease(as: backup.member, own: backup.pathState)
        #expect(abs(increase.coupled - 1.0 / 48_000) <= 1e-12 / 48_000)
        group.setActive(true, controllerOf: backup)
        #expect(group.linkedIncreaseThreshold(as: active.member, own: own) == 48_000)
        // Leaving and rejoining: a reused slot is active again; ignored for uncoupled controllers.
        group.leave(controllerOf: backup)
        #expect(!group.isActive(backup.member))
        let later = LinkedIncreases(group: group)
        #expect(group.isActive(later.member))
        group.setActive(false, controllerOf: NewReno())
        #expect(try #require(group.member(of: later)) == later.member)
        #expect(group.member(of: NewReno()) == nil)
    }
}
