import QUICCrypto
import QUICRecovery
import QUICWire

/// The state of one packet number space (RFC 9000 §12.3): its keys, the next packet number, what was
/// received (for ACKs) and its CRYPTO stream in both directions. Initial and Handshake are spaces of their
/// own; 0-RTT and 1-RTT share the application space.
struct PacketSpace {
    let space: PacketNumberSpace
    /// Keys that open the peer's packets (Initial, Handshake, or 0-RTT on a server).
    var readKeys: PacketProtection?
    /// Keys that seal our packets (Initial, Handshake, or 0-RTT on a client).
    var writeKeys: PacketProtection?
    var nextPacketNumber: UInt64 = 0
    var received: ReceivedPackets
    var cryptoSend = StreamSendBuffer()
    var cryptoReceive = StreamReceiveBuffer()
    /// Set once the keys are discarded (RFC 9001 §4.9): nothing is sent or accepted any more.
    var isDiscarded = false
    /// The largest packet number the peer acknowledged in one of our ACK frames being acknowledged:
    /// ranges below it need not be repeated.
    var ackedAckLargest: UInt64?
    /// Packets that arrived before their keys (reordering across levels), retried once the keys exist.
    var undecryptable: [([UInt8], UInt8)] = []

    init(space: PacketNumberSpace, maxAckDelay: UInt64) {
        self.space = space
        // RFC 9000 §13.2.1: "An endpoint MUST acknowledge all ack-eliciting Initial and Handshake packets
        // immediately".
        self.received = ReceivedPackets(acknowledgesImmediately: space != .applicationData, maxAckDelay: maxAckDelay)
    }

    /// The next packet number, advancing it.
    mutating func takePacketNumber() -> UInt64 {
        defer { self.nextPacketNumber += 1 }
        return self.nextPacketNumber
    }

    /// Whether CRYPTO data is waiting (new or lost).
    var hasCryptoToSend: Bool {
        self.cryptoSend.hasDataToSend(limit: .max)
    }
}

extension EncryptionLevel {
    /// The packet number space packets at this level are numbered in.
    var packetNumberSpace: PacketNumberSpace {
        switch self {
        case .initial: return .initial
        case .handshake: return .handshake
        case .zeroRTT, .oneRTT: return .applicationData
        }
    }
}
