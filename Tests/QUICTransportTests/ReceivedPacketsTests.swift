import Testing
import QUICWire
@testable import QUICTransport

@Suite("ACK generation")
struct ReceivedPacketsTests {
    private let ms: UInt64 = 1_000_000

    @Test func everySecondAckElicitingPacketIsAcknowledgedAtOnce() {
        var space = ReceivedPackets(acknowledgesImmediately: false, maxAckDelay: 25 * self.ms)
        space.onPacketReceived(0, ackEliciting: true, ecn: 0, now: 0)
        #expect(!space.ackDue(now: 0))
        #expect(space.ackDeadline == 25 * self.ms)
        #expect(space.ackDue(now: 25 * self.ms))
        space.onPacketReceived(1, ackEliciting: true, ecn: 0, now: 1 * self.ms)
        #expect(space.ackDue(now: 1 * self.ms))
        #expect(space.ackDelay(now: 3 * self.ms) == 2 * self.ms)
        space.onAckSent()
        #expect(!space.ackDue(now: 100 * self.ms))
    }

    @Test func nonElicitingPacketsDoNotArmTheTimer() {
        var space = ReceivedPackets(acknowledgesImmediately: false, maxAckDelay: 25 * self.ms)
        space.onPacketReceived(0, ackEliciting: false, ecn: 0, now: 0)
        space.onPacketReceived(1, ackEliciting: false, ecn: 0, now: 0)
        #expect(space.ackDeadline == nil)
        #expect(!space.ackDue(now: self.ms * 1_000))
        #expect(space.hasNewAckInformation)
    }

    @Test func reorderingTriggersAnImmediateAck() {
        var space = ReceivedPackets(acknowledgesImmediately: false, maxAckDelay: 25 * self.ms)
        space.onPacketReceived(0, ackEliciting: true, ecn: 0, now: 0)
        space.onAckSent()
        space.onPacketReceived(2, ackEliciting: true, ecn: 0, now: 0)
        #expect(space.ackDue(now: 0))
        space.onAckSent()
        space.onPacketReceived(1, ackEliciting: true, ecn: 0, now: 0)
        #expect(space.ackDue(now: 0))
        #expect(Array(space.ranges) == [0...2])
    }

    @Test func handshakeSpacesAcknowledgeImmediately() {
        var space = ReceivedPackets(acknowledgesImmediately: true, maxAckDelay: 0)
        space.onPacketReceived(0, ackEliciting: true, ecn: 0, now: 0)
        #expect(space.ackDue(now: 0))
    }

    @Test func duplicatesAndPrunedPacketsAreRejected() {
        var space = ReceivedPackets(acknowledgesImmediately: false, maxAckDelay: 25 * self.ms)
        for packet in UInt64(0)..<10 where packet != 4 {
            space.onPacketReceived(packet, ackEliciting: true, ecn: 0, now: 0)
        }
        #expect(space.isDuplicate(3))
        let again = space.onPacketReceived(3, ackEliciting: true, ecn: 0, now: 0)
        #expect(!again)
        space.onAckAcknowledged(largestAcknowledged: 8)
        #expect(Array(space.ranges) == [8...9])
        #expect(space.isDuplicate(4))
        let late = space.onPacketReceived(4, ackEliciting: true, ecn: 0, now: 0)
        #expect(!late)
    }

    @Test func ecnCountsAndCEAcknowledgedImmediately() {
        var space = ReceivedPackets(acknowledgesImmediately: false, maxAckDelay: 25 * self.ms)
        space.onPacketReceived(0, ackEliciting: true, ecn: 2, now: 0)
        space.onAckSent()
        space.onPacketReceived(1, ackEliciting: true, ecn: 1, now: 0)
        space.onAckSent()
        space.onPacketReceived(2, ackEliciting: true, ecn: 3, now: 0)
        #expect(space.ackDue(now: 0))
        #expect(space.ecnCounts == (1, 1, 1))
        #expect(space.sawECN)
    }

    @Test func ackFrequencyChangesThresholdsAndIgnoresOldFrames() {
        var space = ReceivedPackets(acknowledgesImmediately: false, maxAckDelay: 25 * self.ms)
        space.onAckFrequency(sequenceNumber: 5, ackElicitingThreshold: 9, requestedMaxAckDelayMicroseconds: 50_000,
                             reorderingThreshold: 0)
        space.onAckFrequency(sequenceNumber: 4, ackElicitingThreshold: 1, requestedMaxAckDelayMicroseconds: 1_000,
                             reorderingThreshold: 1)
        #expect(space.ackElicitingThreshold == 10)
        #expect(space.maxAckDelay == 50 * self.ms)
        for packet: UInt64 in [0, 2, 4, 6, 8, 10, 12, 14, 16] {
            space.onPacketReceived(packet, ackEliciting: true, ecn: 0, now: 0)
        }
        #expect(!space.ackDue(now: 0))
        space.onPacketReceived(18, ackEliciting: true, ecn: 0, now: 0)
        #expect(space.ackDue(now: 0))
        space.onAckSent()
        space.onImmediateAckRequested()
        #expect(space.ackDue(now: 0))
    }
}
