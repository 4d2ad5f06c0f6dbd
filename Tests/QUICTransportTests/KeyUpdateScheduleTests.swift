import Testing
import QUICWire
@testable import QUICTransport

@Suite("Key update bookkeeping")
struct KeyUpdateScheduleTests {
    private let ms: UInt64 = 1_000_000

    @Test func initiationNeedsConfirmationAndAnAcknowledgedPhase() {
        var state = KeyUpdateSchedule()
        #expect(!state.canInitiate(handshakeConfirmed: false, now: 0))
        #expect(state.canInitiate(handshakeConfirmed: true, now: 0))
        state.initiate(now: 0, pto: 100 * self.ms, spacing: 300 * self.ms)
        #expect(state.phase == true && state.generation == 1)
        state.onPacketSent(10)
        state.onPacketSent(11)
        #expect(!state.canInitiate(handshakeConfirmed: true, now: 1_000 * self.ms))
        state.onAcknowledged(largest: 9)
        #expect(!state.canInitiate(handshakeConfirmed: true, now: 1_000 * self.ms))
        state.onAcknowledged(largest: 10)
        #expect(!state.canInitiate(handshakeConfirmed: true, now: 299 * self.ms))
        #expect(state.canInitiate(handshakeConfirmed: true, now: 300 * self.ms))
        #expect(!state.shouldDiscardPreviousKeys(now: 299 * self.ms))
        #expect(state.shouldDiscardPreviousKeys(now: 300 * self.ms))
    }

    @Test func peerUpdateIsFollowedAndOldPacketsUsePreviousKeys() throws {
        var state = KeyUpdateSchedule()
        state.onPacketReceived(5)
        #expect(state.keysFor(phase: false, packetNumber: 6, now: 0) == .current)
        #expect(state.keysFor(phase: true, packetNumber: 7, now: 0) == .next)
        try state.onPeerUpdate(packetNumber: 7, now: 0, pto: 100 * self.ms, spacing: 0)
        #expect(state.phase == true)
        // A delayed packet from before the update.
        #expect(state.keysFor(phase: false, packetNumber: 6, now: 10 * self.ms) == .previous)
        #expect(state.keysFor(phase: true, packetNumber: 8, now: 10 * self.ms) == .current)
        // After three PTOs the old keys are gone and a flipped bit means a new update.
        #expect(state.keysFor(phase: false, packetNumber: 9, now: 400 * self.ms) == .next)
    }

    @Test func secondUpdateBeforeConfirmationIsAnError() throws {
        var state = KeyUpdateSchedule()
        state.initiate(now: 0, pto: 100 * self.ms, spacing: 0)
        state.onPacketSent(1)
        do {
            try state.onPeerUpdate(packetNumber: 2, now: 0, pto: 100 * self.ms, spacing: 0)
            Issue.record("a second update before the first completed was accepted")
        } catch {
            #expect(error.code == .keyUpdateError)
        }
    }
}
