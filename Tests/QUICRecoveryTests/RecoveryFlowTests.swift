import Testing
import QUICRecovery

/// The pieces used together the way a path's recovery state drives them for one ACK frame
/// (RFC 9002 A.7 OnAckReceived).
@Suite("Recovery flow across components")
struct RecoveryFlowTests {
    @Test func ackWithLossDrivesRTTCongestionControlAndTimer() throws {
        var tracker = SentPacketTracker<Int>(space: .applicationData)
        var rtt = RTTEstimator()
        var reno = NewReno(maxDatagramSize: 1_200)
        var timer = LossDetectionTimer()
        for number in 0..<10 {
            let packet = SentPacket(packetNumber: UInt64(number), timeSent: ms(Int64(number)), size: 1_200,
                                    isAckEliciting: true, isInFlight: true, payload: number)
            tracker.onPacketSent(packet)
            reno.onPacketSent(packetNumber: packet.packetNumber, bytes: packet.size, now: packet.timeSent)
        }
        timer.onProbeTimeout()
        #expect(tracker.bytesInFlight == 12_000)

        // The ACK for 4...9 arrives at 59 ms with 5 ms of ACK delay.
        var acked: [SentPacket<Int>] = []
        let outcome = try tracker.onAckReceived(ranges: [4...9], now: ms(59), newlyAcked: &acked)
        let sample = try #require(outcome.rttSample)
        #expect(sample == .milliseconds(50))
        rtt.update(latestRTT: sample, ackDelay: .milliseconds(5), maxAckDelay: .milliseconds(25),
                   isHandshakeConfirmed: true, now: ms(59))
        reno.onRTTSample(rtt, now: ms(59))

        var lost: [SentPacket<Int>] = []
        tracker.detectLostPackets(now: ms(59), rtt: rtt, lost: &lost)
        // Packets 0...3 are at least kPacketThreshold below the largest acknowledged (9).
        #expect(lost.map(\.payload) == [0, 1, 2, 3])
        let persistent = PersistentCongestion.isEstablished(
            lost: lost, firstRTTSampleTime: rtt.firstSampleTime,
            duration: PersistentCongestion.duration(rtt: rtt, maxAckDelay: .milliseconds(25)))
        #expect(!persistent)
        if let last = lost.last {
            reno.onPacketsLost(largestLostSentTime: last.timeSent, persistentCongestion: persistent, now: ms(59))
        }
        for packet in acked {
            reno.onPacketAcked(CongestionPacket(packet), isAppLimited: false, rtt: rtt, now: ms(59))
        }
        timer.onAckReceived(peerCompletedAddressValidation: true)

        // The window was halved once; acknowledged packets were sent before recovery began, so no growth.
        #expect(reno.congestionWindow == 6_000)
        #expect(tracker.bytesInFlight == 0)
        #expect(timer.ptoCount == 0)
        // Nothing in flight and the address validated: the timer is off.
        var spaces = PerSpace(repeating: SpaceTimerState.idle)
        spaces.applicationData = tracker.timerState
        #expect(timer.nextTimeout(spaces: spaces, rtt: rtt, maxAckDelay: .milliseconds(25), isHandshakeConfirmed: true,
                                  hasHandshakeKeys: true, peerCompletedAddressValidation: true,
                                  isAtAntiAmplificationLimit: false, now: ms(59)) == nil)
    }

    @Test func ceMarksReduceCubicOncePerRecoveryPeriod() {
        var cubic = Cubic(maxDatagramSize: 1_200)
        cubic.onECNCongestionExperienced(largestAckedSentTime: ms(10), now: ms(100))
        #expect(cubic.congestionWindow == 8_400)
        cubic.onECNCongestionExperienced(largestAckedSentTime: ms(90), now: ms(120))
        #expect(cubic.congestionWindow == 8_400)
        cubic.onECNCongestionExperienced(largestAckedSentTime: ms(101), now: ms(250))
        #expect(cubic.congestionWindow == 5_880)
    }
}
