import Testing
import QUICRecovery

@Suite("Persistent congestion (RFC 9002 §7.6)")
struct PersistentCongestionTests {
    let rtt = estimator(sample: .milliseconds(100), at: ms(0))

    func lost(_ packets: [(UInt64, Int64)], ackEliciting: Set<UInt64>? = nil) -> [SentPacket<Void>] {
        packets.map { number, time in
            SentPacket(packetNumber: number, timeSent: ms(time), size: 1_000,
                       isAckEliciting: ackEliciting?.contains(number) ?? true, isInFlight: true)
        }
    }

    @Test func durationFormula() {
        // (100 + max(4 * 50, 1) + 25) * 3 = 975 ms.
        #expect(PersistentCongestion.duration(rtt: self.rtt, maxAckDelay: .milliseconds(25)) == .milliseconds(975))
        // With a tiny rttvar the granularity term applies: (1 + 1 + 0) * 3.
        let small = estimator(sample: .microseconds(1_000))
        #expect(PersistentCongestion.duration(rtt: small, maxAckDelay: .zero)
                == (.milliseconds(1) + .microseconds(2_000)) * 3)
    }

    @Test func spanLongerThanTheDurationIsPersistentCongestion() {
        let duration = QUICDuration.milliseconds(975)
        let span = self.lost([(1, 100), (2, 400), (3, 700), (4, 1_076)])
        #expect(PersistentCongestion.isEstablished(lost: span, firstRTTSampleTime: ms(0), duration: duration))
        // Exactly the duration is not enough: it must be exceeded.
        let exact = self.lost([(1, 100), (2, 600), (3, 1_075)])
        #expect(!PersistentCongestion.isEstablished(lost: exact, firstRTTSampleTime: ms(0), duration: duration))
    }

    @Test func gapEndsTheSpan() {
        let duration = QUICDuration.milliseconds(975)
        // Packet 3 is missing from the lost packets: it may have been acknowledged.
        let gap = self.lost([(1, 100), (2, 600), (4, 1_200)])
        #expect(!PersistentCongestion.isEstablished(lost: gap, firstRTTSampleTime: ms(0), duration: duration))
        // After the gap a new span can still qualify.
        let later = self.lost([(1, 100), (3, 200), (4, 700), (5, 1_200)])
        #expect(PersistentCongestion.isEstablished(lost: later, firstRTTSampleTime: ms(0), duration: duration))
    }

    @Test func endpointsMustBeAckEliciting() {
        let duration = QUICDuration.milliseconds(975)
        let packets = self.lost([(1, 100), (2, 500), (3, 1_000), (4, 1_200)], ackEliciting: [2, 3])
        #expect(!PersistentCongestion.isEstablished(lost: packets, firstRTTSampleTime: ms(0), duration: duration))
        let wider = self.lost([(1, 100), (2, 500), (3, 1_000), (4, 1_200)], ackEliciting: [1, 4])
        #expect(PersistentCongestion.isEstablished(lost: wider, firstRTTSampleTime: ms(0), duration: duration))
    }

    @Test func needsAPriorRTTSample() {
        let duration = QUICDuration.milliseconds(975)
        let packets = self.lost([(1, 100), (2, 600), (3, 1_200)])
        #expect(!PersistentCongestion.isEstablished(lost: packets, firstRTTSampleTime: nil, duration: duration))
        // Packets sent before the first sample don't count: the span 600...1200 is too short.
        #expect(!PersistentCongestion.isEstablished(lost: packets, firstRTTSampleTime: ms(300), duration: duration))
        #expect(PersistentCongestion.isEstablished(lost: packets, firstRTTSampleTime: ms(50), duration: duration))
    }

    /// Through the tracker: a whole flight lost over more than the duration, detected by one late ACK.
    @Test func detectedFromTrackerLosses() throws {
        var tracker = SentPacketTracker<Void>(space: .applicationData)
        for number in 0..<6 {
            tracker.onPacketSent(SentPacket(packetNumber: UInt64(number), timeSent: ms(100 + Int64(number) * 250),
                                            size: 1_200, isAckEliciting: true, isInFlight: true))
        }
        var acked: [SentPacket<Void>] = []
        _ = try tracker.onAckReceived(ranges: [5...5], now: ms(1_500), newlyAcked: &acked)
        var lost: [SentPacket<Void>] = []
        tracker.detectLostPackets(now: ms(1_500), rtt: self.rtt, lost: &lost)
        #expect(lost.map(\.packetNumber) == [0, 1, 2, 3, 4])
        let duration = PersistentCongestion.duration(rtt: self.rtt, maxAckDelay: .milliseconds(25))
        // 100 ms ... 1100 ms = 1000 ms > 975 ms.
        #expect(PersistentCongestion.isEstablished(lost: lost, firstRTTSampleTime: self.rtt.firstSampleTime,
                                                   duration: duration))
    }
}
