/// Notices when the path stopped carrying the datagram size PMTU discovery settled on (RFC 8899 §4.3:
/// "black hole detection"), for example after a route change to a link with a smaller MTU.
///
/// Two signals, both ignoring PMTU probes (whose loss is normal while searching):
/// - loss: packets larger than the base size keep being declared lost, and none of that size sent after the
///   last acknowledged one got through, while the losses themselves prove that later smaller packets did
///   (loss detection needs an acknowledgment of a later packet);
/// - timeouts: the probe timeout fires several times in a row with packets larger than the base size in
///   flight and nothing acknowledged in between (nothing of the current size gets through at all).
public struct PMTUBlackHoleDetector: Sendable {
    /// Losses of large packets, sent after the largest acknowledged large one, that mean a black hole.
    public static let lossThreshold = 3
    /// Consecutive probe timeouts with large packets in flight that mean a black hole.
    public static let timeoutThreshold = 3

    private var largestAcknowledgedLarge: UInt64?
    private var largeLosses = 0
    private var consecutiveTimeouts = 0

    public init() {}

    /// A packet (not a PMTU probe) of `size` bytes was acknowledged.
    public mutating func onAcknowledged(packetNumber: UInt64, size: Int) {
        self.consecutiveTimeouts = 0
        guard size > PMTUDiscovery.baseSize else { return }
        self.largeLosses = 0
        if self.largestAcknowledgedLarge.map({ packetNumber > $0 }) ?? true {
            self.largestAcknowledgedLarge = packetNumber
        }
    }

    /// A packet (not a PMTU probe) of `size` bytes was declared lost.
    public mutating func onLost(packetNumber: UInt64, size: Int) {
        guard size > PMTUDiscovery.baseSize else { return }
        if let largest = self.largestAcknowledgedLarge, packetNumber < largest { return }
        self.largeLosses += 1
    }

    /// The probe timeout fired; `largePacketsInFlight` says whether packets above the base size are
    /// outstanding.
    public mutating func onProbeTimeout(largePacketsInFlight: Bool) {
        if largePacketsInFlight {
            self.consecutiveTimeouts += 1
        } else {
            self.consecutiveTimeouts = 0
        }
    }

    /// Whether the evidence so far says the current size no longer gets through.
    public var isBlackHole: Bool {
        self.largeLosses >= PMTUBlackHoleDetector.lossThreshold
            || self.consecutiveTimeouts >= PMTUBlackHoleDetector.timeoutThreshold
    }

    /// Starts over, after falling back to a smaller size.
    public mutating func reset() {
        self = PMTUBlackHoleDetector()
    }
}
