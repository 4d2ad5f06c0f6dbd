import QUICRecovery
import QUICWire

/// A network path the connection sends on, owning what is per path (ARCHITECTURE.md §5): addresses, whether the
/// peer's address is validated (and the anti-amplification budget until then), path validation, the PMTU
/// search, loss recovery with its congestion controller and pacer, and its application-data packet number
/// space (draft-ietf-quic-multipath-21 §2: "each path has its own packet number space").
///
/// Path 0 is the handshake path; a connection without multipath has only that one. Its Initial and Handshake
/// packets are tracked by its `recovery` too, but numbered and acknowledged in the connection's `spaces`.
struct PathState {
    /// The path ID (draft-ietf-quic-multipath-21 §3): 0 for the handshake path.
    let id: PathID
    var fourTuple: FourTuple
    /// RTT, sent packets, loss detection, PTO, congestion control and pacing of this path.
    var recovery: RecoveryState<SentPacketContents>
    var amplification: AmplificationLimit
    var validation = PathValidation()
    var pmtu: PMTUDiscovery
    /// Notices when the size the PMTU search found stops getting through.
    var blackHole = PMTUBlackHoleDetector()
    /// A path this endpoint is validating before moving to it (migration or NAT rebinding).
    var candidate: CandidatePath?
    /// The validated 4-tuple used before a migration, to fall back to if the new one fails validation.
    var previousFourTuple: FourTuple?
    /// 0-RTT (path 0 only) and 1-RTT packets received on this path, for its ACK or PATH_ACK frames.
    var received: ReceivedPackets
    /// The next packet number of this path's application-data space.
    var nextPacketNumber: UInt64 = 0
    /// The sequence number of the peer's connection ID this path sends to.
    var peerCIDSequence: UInt64 = 0
    /// The loss detection timer of this path (RFC 9002 A.8), re-armed after sends and ACKs.
    var lossDetectionDeadline: QUICInstant?
    /// When pacing lets this path's next packet go.
    var pacingWakeUp: QUICInstant?
    /// Ack-eliciting probes this path owes after a PTO (RFC 9002 §6.2.4).
    var probePacketsPending = 0
    /// Packets below this number had their frames sent again on other paths after a PTO (multipath
    /// reinjection), so a later PTO does not copy them again.
    var reinjectedBelow: UInt64 = 0
    /// Multipath status and bookkeeping; the defaults describe the single path of a plain QUIC connection.
    var multipath = PathMultipathState()

    init(id: PathID = 0, fourTuple: FourTuple, validated: Bool, maximumDatagramSize: Int, maxAckDelay: UInt64,
         recovery: RecoveryState<SentPacketContents>) {
        self.id = id
        self.received = ReceivedPackets(acknowledgesImmediately: false, maxAckDelay: maxAckDelay)
        self.fourTuple = fourTuple
        self.recovery = recovery
        self.amplification = AmplificationLimit(validated: validated)
        self.pmtu = PMTUDiscovery(maximumSize: max(maximumDatagramSize, PMTUDiscovery.baseSize))
    }
}

/// A 4-tuple under validation (RFC 9000 §8.2, §9).
struct CandidatePath {
    var fourTuple: FourTuple
    var validation = PathValidation()
    /// Bytes received and sent on it, for its own anti-amplification limit (RFC 9000 §9.3.1).
    var amplification = AmplificationLimit(validated: false)
    /// Whether the peer moved (NAT rebinding / peer migration) rather than this endpoint.
    var initiatedByPeer: Bool
}
