import QUICRecovery

/// A network path the connection sends on, owning what is per path (ARCHITECTURE.md §5): addresses, whether the
/// peer's address is validated (and the anti-amplification budget until then), path validation, the PMTU
/// search, and loss recovery with its congestion controller and pacer.
struct PathState {
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

    init(fourTuple: FourTuple, validated: Bool, maximumDatagramSize: Int,
         recovery: RecoveryState<SentPacketContents>) {
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
