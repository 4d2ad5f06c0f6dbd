import QUICWire

/// The key-phase bookkeeping of 1-RTT packet protection (RFC 9001 §6): when this endpoint may start a
/// key update, how to recognise the peer's, when old keys can be dropped. The keys themselves live in the
/// packet protector; this type tells it when to rotate.
///
/// Times are nanoseconds.
public struct KeyUpdateSchedule: Sendable {
    /// The key phase bit of packets sent now.
    public private(set) var phase: Bool = false
    /// How many updates have happened (generation of the current keys).
    public private(set) var generation: UInt64 = 0
    /// The first packet number sent with the current keys, if any was sent.
    private var firstPacketSentInPhase: UInt64?
    /// True once a packet sent with the current keys was acknowledged.
    public private(set) var currentPhaseAcknowledged = true
    /// Until when the previous generation's read keys are kept (RFC 9001 §6.5: 3 PTO).
    public private(set) var discardPreviousKeysAt: UInt64?
    /// The earliest time the next update may be initiated (multipath: 3x the largest PTO after the last).
    public private(set) var nextUpdateAllowedAt: UInt64 = 0
    /// The largest packet number received with the current keys (to tell reordering from updates).
    private var largestReceivedInPhase: UInt64?

    public init() {}

    /// RFC 9001 §6.1: "An endpoint MUST NOT initiate a key update prior to having confirmed the handshake"
    /// and §6.2: "An endpoint MUST NOT initiate a subsequent key update unless it has received an
    /// acknowledgment for a packet that was sent protected with keys from the current key phase."
    public func canInitiate(handshakeConfirmed: Bool, now: UInt64) -> Bool {
        handshakeConfirmed && self.currentPhaseAcknowledged && now >= self.nextUpdateAllowedAt
    }

    /// Starts an update initiated here: later packets use the next keys and the flipped phase bit.
    /// `spacing` is the minimum time until the following update (draft-ietf-quic-multipath: three times
    /// the largest PTO of all paths).
    public mutating func initiate(now: UInt64, pto: UInt64, spacing: UInt64) {
        self.rotate(now: now, pto: pto, spacing: spacing)
    }

    private mutating func rotate(now: UInt64, pto: UInt64, spacing: UInt64) {
        self.phase.toggle()
        self.generation += 1
        self.firstPacketSentInPhase = nil
        self.currentPhaseAcknowledged = false
        self.largestReceivedInPhase = nil
        self.discardPreviousKeysAt = now + 3 * pto
        self.nextUpdateAllowedAt = now + spacing
    }

    public mutating func onPacketSent(_ packetNumber: UInt64) {
        if self.firstPacketSentInPhase == nil {
            self.firstPacketSentInPhase = packetNumber
        }
    }

    /// An ACK arrived whose largest acknowledged packet is `largest`.
    public mutating func onAcknowledged(largest: UInt64) {
        if let first = self.firstPacketSentInPhase, largest >= first {
            self.currentPhaseAcknowledged = true
        }
    }

    /// Which keys should open a packet with this key phase bit.
    public enum ReadKeys: Sendable, Hashable {
        case current
        /// The keys of the previous generation (a packet delayed across an update).
        case previous
        /// The next generation: if the packet authenticates with them, the peer has started an update.
        case next
    }

    /// RFC 9001 §6.3: "For a short period after a key update completes, up to the PTO, endpoints MAY
    /// defer generation of new keys [...] an endpoint uses the packet number to determine which keys to
    /// use": a packet whose phase differs from the current one is from the previous generation if its
    /// number is below the packets already received with the current keys, else from the next.
    public func keysFor(phase packetPhase: Bool, packetNumber: UInt64, now: UInt64) -> ReadKeys {
        if packetPhase == self.phase { return .current }
        if let largest = self.largestReceivedInPhase, packetNumber < largest,
           self.discardPreviousKeysAt.map({ now < $0 }) ?? false {
            return .previous
        }
        if self.largestReceivedInPhase == nil, self.generation > 0,
           self.discardPreviousKeysAt.map({ now < $0 }) ?? false {
            return .previous
        }
        return .next
    }

    /// A packet was opened with the current keys.
    public mutating func onPacketReceived(_ packetNumber: UInt64) {
        self.largestReceivedInPhase = max(self.largestReceivedInPhase ?? 0, packetNumber)
    }

    /// A packet authenticated with the next keys: the peer updated. This endpoint follows (RFC 9001 §6.2:
    /// "the endpoint MUST update its send keys to the corresponding key phase in response").
    ///
    /// - Throws: KEY_UPDATE_ERROR when the peer updates again before acknowledging a packet of the
    ///   current phase — RFC 9001 §6.2: "An endpoint that receives a second update [...] before it has
    ///   received an acknowledgment [...] MAY treat this as a connection error of type KEY_UPDATE_ERROR" —
    ///   only when this endpoint initiated the current phase and has not seen it confirmed.
    public mutating func onPeerUpdate(packetNumber: UInt64, now: UInt64, pto: UInt64,
                                      spacing: UInt64) throws(TransportError) {
        if !self.currentPhaseAcknowledged, self.firstPacketSentInPhase != nil, self.largestReceivedInPhase == nil {
            throw TransportError(.keyUpdateError, reason: "the peer updated keys again before the last update completed")
        }
        self.rotate(now: now, pto: pto, spacing: spacing)
        self.currentPhaseAcknowledged = true
        self.largestReceivedInPhase = packetNumber
    }

    /// Whether the previous generation's read keys may be dropped now.
    public func shouldDiscardPreviousKeys(now: UInt64) -> Bool {
        guard let at = self.discardPreviousKeysAt else { return false }
        return now >= at
    }

    public mutating func onPreviousKeysDiscarded() {
        self.discardPreviousKeysAt = nil
    }
}
