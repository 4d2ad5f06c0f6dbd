/// Datagram Packetization Layer PMTU Discovery for one path (RFC 8899, as applied to QUIC by RFC 9000
/// §14.3): probes larger datagrams (PING + PADDING) and raises the path's maximum datagram size when a
/// probe is acknowledged; detects a black hole when full-size packets keep getting lost and falls back
/// to the base size.
///
/// Times are nanoseconds. Sizes are UDP payload sizes.
public struct PMTUDiscovery: Sendable {
    public enum State: Sendable, Hashable {
        /// Confirming the base size works (RFC 8899 §5.2 "BASE").
        case base
        /// Probing larger sizes ("SEARCHING").
        case searching
        /// The search converged; a raise timer re-probes later ("SEARCH_COMPLETE").
        case searchComplete
        /// The path cannot carry even the base size ("ERROR"); QUIC then cannot use it.
        case error
    }

    /// RFC 9000 §14: "QUIC ... requires ... a maximum datagram size of at least 1200 bytes" (BASE_PLPMTU).
    public static let baseSize = 1_200
    /// RFC 8899 §5.1.2: MAX_PROBES, the number of lost probes of one size after which the size is
    /// considered too big.
    public static let maximumProbes = 3
    /// RFC 8899 §5.1.1: PMTU_RAISE_TIMER, 600 seconds.
    public static let raiseInterval: UInt64 = 600 * 1_000_000_000

    public private(set) var state: State = .searching
    /// The size packets may use now (PLPMTU).
    public private(set) var currentSize: Int
    /// The largest size known to be too big, plus one (exclusive upper bound of the search).
    public private(set) var searchHigh: Int
    /// The size being probed, if a probe is outstanding or due.
    public private(set) var probeSize: Int?
    private var probesLostAtSize = 0
    private var probeInFlight = false
    private var raiseTime: UInt64?
    /// The largest size the search may ever try (local interface MTU and the peer's max_udp_payload_size).
    public let maximumSize: Int
    /// Granularity at which the search stops.
    public let precision: Int

    public init(maximumSize: Int, precision: Int = 16) {
        self.maximumSize = max(PMTUDiscovery.baseSize, maximumSize)
        self.currentSize = PMTUDiscovery.baseSize
        self.searchHigh = self.maximumSize + 1
        self.precision = max(1, precision)
        self.state = self.maximumSize > PMTUDiscovery.baseSize ? .searching : .searchComplete
        self.probeSize = self.nextCandidate()
    }

    private func nextCandidate() -> Int? {
        guard self.searchHigh - self.currentSize > self.precision else { return nil }
        // Try the top first (common case: the path carries the interface MTU), then bisect.
        if self.searchHigh == self.maximumSize + 1 {
            return self.maximumSize
        }
        return (self.currentSize + self.searchHigh) / 2
    }

    /// The size of a probe to send now, if one is due. The caller sends a PING padded to that size and
    /// reports the outcome with ``onProbeAcknowledged(size:)`` or ``onProbeLost(size:)``.
    public mutating func probeToSend(now: UInt64) -> Int? {
        if self.state == .searchComplete, let raise = self.raiseTime, now >= raise {
            // RFC 8899 §5.2: on the raise timer, search again for a larger size.
            self.raiseTime = nil
            self.searchHigh = self.maximumSize + 1
            self.state = .searching
            self.probeSize = self.nextCandidate()
            if self.probeSize == nil { self.complete(now: now) }
        }
        guard self.state == .searching, !self.probeInFlight, let size = self.probeSize else { return nil }
        self.probeInFlight = true
        return size
    }

    public mutating func onProbeAcknowledged(size: Int, now: UInt64) {
        guard size == self.probeSize else { return }
        self.probeInFlight = false
        self.probesLostAtSize = 0
        self.currentSize = max(self.currentSize, size)
        self.advance(now: now)
    }

    public mutating func onProbeLost(size: Int, now: UInt64) {
        guard size == self.probeSize else { return }
        self.probeInFlight = false
        self.probesLostAtSize += 1
        guard self.probesLostAtSize >= PMTUDiscovery.maximumProbes else { return }
        self.probesLostAtSize = 0
        self.searchHigh = size
        self.advance(now: now)
    }

    private mutating func advance(now: UInt64) {
        self.probeSize = self.nextCandidate()
        if self.probeSize == nil {
            self.complete(now: now)
        }
    }

    private mutating func complete(now: UInt64) {
        self.state = .searchComplete
        self.raiseTime = now + PMTUDiscovery.raiseInterval
    }

    /// Black-hole detection (RFC 8899 §4.3): packets larger than the base size were lost repeatedly while
    /// smaller ones got through. The size falls back to the base and the search starts again below the
    /// size that failed.
    public mutating func onBlackHoleDetected(now: UInt64) {
        self.searchHigh = self.currentSize
        self.currentSize = PMTUDiscovery.baseSize
        self.probeInFlight = false
        self.probesLostAtSize = 0
        self.state = .searching
        self.probeSize = self.nextCandidate()
        if self.probeSize == nil { self.complete(now: now) }
    }

    /// When the raise timer fires.
    public var nextTimeout: UInt64? { self.state == .searchComplete ? self.raiseTime : nil }
}
