import QUICTestSupport
import Testing
import QUICWire
@testable import QUICTransport

@Suite("Connection ID management")
struct ConnectionIDTests {
    private func id(_ byte: UInt8) -> ConnectionID { ConnectionID(literal: [byte, byte, byte, byte]) }
    private func token(_ value: UInt64) -> StatelessResetToken { StatelessResetToken(high: value, low: value) }

    @Test func newIDsAreStoredAndLimited() throws {
        var peer = PeerConnectionIDs(initial: self.id(0), limit: 3)
        try peer.receiveNew(sequenceNumber: 1, retirePriorTo: 0, connectionID: self.id(1), resetToken: self.token(1))
        try peer.receiveNew(sequenceNumber: 2, retirePriorTo: 0, connectionID: self.id(2), resetToken: self.token(2))
        // A retransmission of the same frame is harmless.
        try peer.receiveNew(sequenceNumber: 2, retirePriorTo: 0, connectionID: self.id(2), resetToken: self.token(2))
        #expect(peer.active.map(\.sequenceNumber) == [0, 1, 2])
        #expect(peer.isResetToken(self.token(2)))
        do {
            try peer.receiveNew(sequenceNumber: 3, retirePriorTo: 0, connectionID: self.id(3), resetToken: self.token(3))
            Issue.record("limit exceeded without error")
        } catch {
            #expect(error.code == .connectionIDLimitError)
        }
    }

    @Test func retirePriorToRetiresOlderIDs() throws {
        var peer = PeerConnectionIDs(initial: self.id(0), limit: 2)
        try peer.receiveNew(sequenceNumber: 1, retirePriorTo: 0, connectionID: self.id(1), resetToken: self.token(1))
        try peer.receiveNew(sequenceNumber: 2, retirePriorTo: 2, connectionID: self.id(2), resetToken: self.token(2))
        #expect(peer.active.map(\.sequenceNumber) == [2])
        #expect(peer.popRetirement() == 0)
        #expect(peer.popRetirement() == 1)
        #expect(peer.popRetirement() == nil)
        // A late frame below Retire Prior To is retired at once.
        try peer.receiveNew(sequenceNumber: 1, retirePriorTo: 0, connectionID: self.id(1), resetToken: self.token(1))
        #expect(peer.popRetirement() == 1)
        #expect(peer.active.count == 1)
    }

    @Test func inconsistentFramesAreProtocolViolations() throws {
        var peer = PeerConnectionIDs(initial: self.id(0), limit: 4)
        try peer.receiveNew(sequenceNumber: 1, retirePriorTo: 0, connectionID: self.id(1), resetToken: self.token(1))
        for (sequence, cid, token) in [(UInt64(1), self.id(9), self.token(1)), (1, self.id(1), self.token(9)),
                                       (2, self.id(1), self.token(2))] {
            do {
                try peer.receiveNew(sequenceNumber: sequence, retirePriorTo: 0, connectionID: cid, resetToken: token)
                Issue.record("inconsistent NEW_CONNECTION_ID accepted")
            } catch {
                #expect(error.code == .protocolViolation)
            }
        }
        do {
            try peer.receiveNew(sequenceNumber: 3, retirePriorTo: 4, connectionID: self.id(3), resetToken: self.token(3))
            Issue.record("Retire Prior To above the sequence number accepted")
        } catch {
            #expect(error.code == .frameEncodingError)
        }
    }

    @Test func localIDsAreAnnouncedAndRetired() throws {
        var local = LocalConnectionIDs()
        local.issue(self.id(0), resetToken: self.token(0))
        #expect(local.shortfall(peerLimit: 4) == 3)
        local.issue(self.id(1), resetToken: self.token(1))
        local.issue(self.id(2), resetToken: self.token(2))
        #expect(local.popAnnouncement()?.sequenceNumber == 1)
        local.announcementLost(1)
        #expect(local.popAnnouncement()?.sequenceNumber == 2)
        #expect(local.popAnnouncement()?.sequenceNumber == 1)
        #expect(local.popAnnouncement() == nil)
        #expect(try local.retire(sequenceNumber: 0, packetDestination: self.id(1)) == self.id(0))
        #expect(try local.retire(sequenceNumber: 0, packetDestination: self.id(1)) == nil)
        do {
            _ = try local.retire(sequenceNumber: 7, packetDestination: self.id(1))
            Issue.record("retiring an unissued sequence number accepted")
        } catch {
            #expect(error.code == .protocolViolation)
        }
        do {
            _ = try local.retire(sequenceNumber: 1, packetDestination: self.id(1))
            Issue.record("retiring the packet's own destination ID accepted")
        } catch {
            #expect(error.code == .protocolViolation)
        }
    }

    @Test func randomGeneratorMakesIDsOfItsLength() {
        var generator = RandomConnectionIDGenerator(length: 12)
        var random = SplitMix64(seed: 5)
        let first = generator.generate(using: &random)
        let second = generator.generate(using: &random)
        #expect(first.length == 12 && second.length == 12)
        #expect(first != second)
    }
}
