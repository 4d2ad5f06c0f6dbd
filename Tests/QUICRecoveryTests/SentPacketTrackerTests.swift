import QUICWire
import Testing
import QUICRecovery

@Suite("Sent packet tracking and loss detection (RFC 9002 §6.1)")
struct SentPacketTrackerTests {
    /// A tracker with packets `numbers`, each sent at `10 * number` ms, 1000 bytes, ack-eliciting.
    func tracker(_ numbers: some Sequence<UInt64>) -> SentPacketTracker<UInt64> {
        var tracker = SentPacketTracker<UInt64>(space: .applicationData)
        for number in numbers {
            tracker.onPacketSent(SentPacket(packetNumber: number, timeSent: ms(Int64(number) * 10), size: 1_000,
                                            isAckEliciting: true, isInFlight: true, payload: number * 100))
        }
        return tracker
    }

    @Test func sendingCountsBytesInFlight() {
        var tracker = SentPacketTracker<Void>(space: .initial)
        tracker.onPacketSent(SentPacket(packetNumber: 0, timeSent: ms(1), size: 1_200, isAckEliciting: true,
                                        isInFlight: true))
        tracker.onPacketSent(SentPacket(packetNumber: 1, timeSent: ms(2), size: 50, isAckEliciting: false,
                                        isInFlight: true))
        tracker.onPacketSent(SentPacket(packetNumber: 3, timeSent: ms(3), size: 40, isAckEliciting: false,
                                        isInFlight: false))
        #expect(tracker.bytesInFlight == 1_250)
        #expect(tracker.ackElicitingInFlight == 1)
        #expect(tracker.timeOfLastAckElicitingPacket == ms(1))
        #expect(tracker.largestSent == 3)
        #expect(tracker.packets.count == 3)
    }

    @Test func ackReturnsNewlyAckedPacketsInOrderWithRTTSample() throws {
        var tracker = self.tracker(0..<10)
        var acked: [SentPacket<UInt64>] = []
        let outcome = try tracker.onAckReceived(ranges: [5...9, 0...2], now: ms(100), newlyAcked: &acked)
        #expect(acked.map(\.packetNumber) == [0, 1, 2, 5, 6, 7, 8, 9])
        #expect(acked.map(\.payload) == [0, 100, 200, 500, 600, 700, 800, 900])
        #expect(outcome.newlyAckedCount == 8)
        #expect(outcome.newlyAckedBytesInFlight == 8_000)
        #expect(outcome.largestNewlyAcked == 9)
        #expect(outcome.largestNewlyAckedTimeSent == ms(90))
        #expect(outcome.rttSample == .milliseconds(10))
        #expect(outcome.increasedLargestAcked)
        #expect(tracker.largestAcked == 9)
        #expect(tracker.bytesInFlight == 2_000)
        #expect(tracker.packets.map(\.packetNumber) == [3, 4])

        // The same ACK again: nothing new, no sample, largest unchanged.
        acked.removeAll()
        let again = try tracker.onAckReceived(ranges: [5...9, 0...2], now: ms(110), newlyAcked: &acked)
        #expect(acked.isEmpty)
        #expect(again.rttSample == nil)
        #expect(!again.increasedLargestAcked)
    }

    @Test func noRTTSampleUnlessLargestIsNewlyAckedAndSomethingWasAckEliciting() throws {
        var tracker = self.tracker(0..<4)
        var acked: [SentPacket<UInt64>] = []
        _ = try tracker.onAckReceived(ranges: [3...3], now: ms(50), newlyAcked: &acked)
        acked.removeAll()
        // Largest (3) was acknowledged before: packets 1 and 2 are new but give no sample.
        let outcome = try tracker.onAckReceived(ranges: [1...3], now: ms(60), newlyAcked: &acked)
        #expect(acked.map(\.packetNumber) == [1, 2])
        #expect(outcome.rttSample == nil)

        var pureAcks = SentPacketTracker<Void>(space: .handshake)
        pureAcks.onPacketSent(SentPacket(packetNumber: 0, timeSent: ms(0), size: 40, isAckEliciting: false,
                                         isInFlight: false))
        var ackedVoid: [SentPacket<Void>] = []
        let nonEliciting = try pureAcks.onAckReceived(ranges: [0...0], now: ms(30), newlyAcked: &ackedVoid)
        #expect(nonEliciting.newlyAckedCount == 1)
        #expect(nonEliciting.rttSample == nil)
        #expect(!nonEliciting.includesAckEliciting)
    }

    @Test func ackOfUnsentPacketIsAProtocolViolation() {
        var tracker = self.tracker(0..<3)
        var acked: [SentPacket<UInt64>] = []
        let violation = TransportError(.protocolViolation, frameType: 0x02,
                                       reason: "ACK for a packet that was not sent")
        #expect(throws: violation) {
            _ = try tracker.onAckReceived(ranges: [0...3], now: ms(5), newlyAcked: &acked)
        }
        var empty = SentPacketTracker<UInt64>(space: .initial)
        #expect(throws: TransportError.self) {
            _ = try empty.onAckReceived(ranges: [0...0], now: ms(5), newlyAcked: &acked)
        }
        #expect(tracker.largestAcked == nil)
        #expect(tracker.packets.count == 3)
    }

    @Test func malformedRangesAreRejected() {
        var tracker = self.tracker(0..<10)
        var acked: [SentPacket<UInt64>] = []
        for ranges: [ClosedRange<UInt64>] in [[], [0...2, 5...9], [4...9, 3...3], [4...9, 2...4]] {
            #expect(throws: TransportError.self) {
                _ = try tracker.onAckReceived(ranges: ranges, now: ms(5), newlyAcked: &acked)
            }
        }
        #expect(acked.isEmpty)
        #expect(tracker.packets.count == 10)
    }

    @Test func lossByPacketThreshold() throws {
        var tracker = self.tracker(0..<10)
        var acked: [SentPacket<UInt64>] = []
        let outcome = try tracker.onAckReceived(ranges: [5...6], now: ms(70), newlyAcked: &acked)
        var rtt = RTTEstimator()
        rtt.update(latestRTT: try #require(outcome.rttSample), ackDelay: .zero, maxAckDelay: .milliseconds(25),
                   isHandshakeConfirmed: true, now: ms(70))
        #expect(rtt.latestRTT == .milliseconds(10))
        var lost: [SentPacket<UInt64>] = []
        let count = tracker.detectLostPackets(now: ms(70), rtt: rtt, lost: &lost)
        // 6 - 3 = 3 >= kPacketThreshold, and 0...2 as well; 4 is within the threshold and recent.
        // loss delay = max(9/8 * 10 ms, 1 ms) = 11.25 ms; lost_send_time = 58.75 ms; packet 4 (40 ms)...
        // was sent before that, so the time threshold catches it too.
        #expect(count == 5)
        #expect(lost.map(\.packetNumber) == [0, 1, 2, 3, 4])
        #expect(tracker.packets.map(\.packetNumber) == [7, 8, 9])
        #expect(tracker.lossTime == nil)
        #expect(tracker.bytesInFlight == 3_000)
    }

    @Test func packetThresholdAloneWithLongRTT() throws {
        var tracker = self.tracker(0..<8)
        var acked: [SentPacket<UInt64>] = []
        _ = try tracker.onAckReceived(ranges: [5...5], now: ms(60), newlyAcked: &acked)
        // A long RTT keeps the time threshold out of the way: only the packet threshold applies.
        let rtt = estimator(sample: .seconds(1))
        var lost: [SentPacket<UInt64>] = []
        tracker.detectLostPackets(now: ms(60), rtt: rtt, lost: &lost)
        #expect(lost.map(\.packetNumber) == [0, 1, 2])
        #expect(tracker.packets.map(\.packetNumber) == [3, 4, 6, 7])
        // Packets 3 and 4 wait for the time threshold: loss_time = 30 ms + 1125 ms.
        #expect(tracker.lossTime == ms(1_155))
    }

    @Test func lossByTimeThresholdAndLossTimer() throws {
        var tracker = SentPacketTracker<Void>(space: .applicationData)
        for (number, time) in [(0, 0), (1, 10), (2, 20)] as [(UInt64, Int64)] {
            tracker.onPacketSent(SentPacket(packetNumber: number, timeSent: ms(time), size: 1_000,
                                            isAckEliciting: true, isInFlight: true))
        }
        var acked: [SentPacket<Void>] = []
        let outcome = try tracker.onAckReceived(ranges: [2...2], now: ms(120), newlyAcked: &acked)
        #expect(outcome.rttSample == .milliseconds(100))
        let rtt = estimator(sample: .milliseconds(100))
        var lost: [SentPacket<Void>] = []
        // loss delay = 112.5 ms; lost_send_time = 7.5 ms: packet 0 is lost, packet 1 is not yet.
        tracker.detectLostPackets(now: ms(120), rtt: rtt, lost: &lost)
        #expect(lost.map(\.packetNumber) == [0])
        #expect(tracker.lossTime == ms(10) + .microseconds(112_500))

        // Just before the loss time nothing happens; at it, packet 1 is lost.
        lost.removeAll()
        tracker.detectLostPackets(now: ms(122), rtt: rtt, lost: &lost)
        #expect(lost.isEmpty)
        tracker.detectLostPackets(now: ms(10) + .microseconds(112_500), rtt: rtt, lost: &lost)
        #expect(lost.map(\.packetNumber) == [1])
        #expect(tracker.lossTime == nil)
        #expect(tracker.bytesInFlight == 0)
        #expect(!tracker.hasAckElicitingInFlight)
    }

    @Test func packetsAfterLargestAckedAreNeverLost() throws {
        var tracker = self.tracker(0..<5)
        var acked: [SentPacket<UInt64>] = []
        _ = try tracker.onAckReceived(ranges: [0...0], now: ms(5_000), newlyAcked: &acked)
        var lost: [SentPacket<UInt64>] = []
        tracker.detectLostPackets(now: ms(10_000), rtt: estimator(sample: .milliseconds(1)), lost: &lost)
        #expect(lost.isEmpty)
        #expect(tracker.lossTime == nil)
        var noAck = self.tracker(0..<3)
        noAck.detectLostPackets(now: ms(10_000), rtt: RTTEstimator(), lost: &lost)
        #expect(lost.isEmpty)
    }

    @Test func discardAndRemove() {
        var tracker = self.tracker(0..<4)
        #expect(tracker.remove(packetNumber: 2)?.payload == 200)
        #expect(tracker.remove(packetNumber: 2) == nil)
        #expect(tracker.bytesInFlight == 3_000)
        var removed: [SentPacket<UInt64>] = []
        tracker.discardAll(into: &removed)
        #expect(removed.map(\.packetNumber) == [0, 1, 3])
        #expect(tracker.bytesInFlight == 0)
        #expect(tracker.timerState == .idle)
    }

    @Test func ecnMarkingsAreCountedPerAck() throws {
        var tracker = SentPacketTracker<Void>(space: .applicationData)
        let markings: [ECNCodepoint] = [.ect0, .ect0, .ect1, .notECT, .ce]
        for (index, ecn) in markings.enumerated() {
            tracker.onPacketSent(SentPacket(packetNumber: UInt64(index), timeSent: ms(Int64(index)), size: 100,
                                            isAckEliciting: true, isInFlight: true, ecn: ecn))
        }
        var acked: [SentPacket<Void>] = []
        let outcome = try tracker.onAckReceived(ranges: [0...4], now: ms(10), newlyAcked: &acked)
        #expect(outcome.newlyAckedECT0 == 2)
        #expect(outcome.newlyAckedECT1 == 1)
        #expect(outcome.newlyAckedCE == 1)
    }

    /// Seeded random runs: bytes in flight always equals the sum over outstanding in-flight packets, and
    /// every packet ends up exactly once outstanding, acknowledged or lost.
    @Test(arguments: [1, 2, 3, 42, 2_026] as [UInt64])
    func randomAcksKeepTheBooksStraight(seed: UInt64) throws {
        var rng = RecoveryTestRNG(seed: seed)
        var tracker = SentPacketTracker<UInt64>(space: .applicationData)
        var rtt = RTTEstimator()
        var nextNumber: UInt64 = 0
        var now = ms(0)
        var acked: [SentPacket<UInt64>] = []
        var lost: [SentPacket<UInt64>] = []
        for _ in 0..<300 {
            now += .microseconds(Int64(rng.next(below: 5_000)))
            for _ in 0..<rng.next(below: 4) {
                // Skip a packet number now and then, as senders may.
                nextNumber += rng.next(below: 8) == 0 ? 2 : 1
                tracker.onPacketSent(SentPacket(packetNumber: nextNumber, timeSent: now,
                                                size: Int(rng.next(below: 1_200)) + 1,
                                                isAckEliciting: rng.next(below: 4) != 0,
                                                isInFlight: rng.next(below: 8) != 0, payload: nextNumber))
            }
            guard rng.next(below: 2) == 0, let largestSent = tracker.largestSent else { continue }
            // A random ACK frame of up to three ranges below the largest sent packet.
            var ranges: [ClosedRange<UInt64>] = []
            var upper = largestSent - rng.next(below: Swift.min(largestSent + 1, 4))
            for _ in 0..<(1 + rng.next(below: 3)) {
                let lower = upper - rng.next(below: Swift.min(upper + 1, 5))
                ranges.append(lower...upper)
                guard lower >= 2 else { break }
                upper = lower - 2 - rng.next(below: Swift.min(lower - 1, 3))
            }
            let before = acked.count
            let outcome = try tracker.onAckReceived(ranges: ranges, now: now, newlyAcked: &acked)
            let fresh = acked[before...]
            #expect(zip(fresh, fresh.dropFirst()).allSatisfy { $0.packetNumber < $1.packetNumber })
            #expect(fresh.allSatisfy { packet in ranges.contains { $0.contains(packet.packetNumber) } })
            #expect(outcome.newlyAckedCount == fresh.count)
            if let sample = outcome.rttSample {
                rtt.update(latestRTT: sample, ackDelay: .zero, maxAckDelay: .milliseconds(25),
                           isHandshakeConfirmed: true, now: now)
            }
            tracker.detectLostPackets(now: now, rtt: rtt, lost: &lost)
            let expected = tracker.packets.filter(\.isInFlight).reduce(0) { $0 + $1.size }
            #expect(tracker.bytesInFlight == expected)
            #expect(tracker.ackElicitingInFlight == tracker.packets.filter { $0.isInFlight && $0.isAckEliciting }.count)
        }
        let all = (tracker.packets + acked + lost).map(\.packetNumber).sorted()
        #expect(Set(all).count == all.count)
        #expect(all.count == tracker.packets.count + acked.count + lost.count)
    }
}
