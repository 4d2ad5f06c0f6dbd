/// A token-bucket pacer (RFC 9002 §7.7) that computes when the next packet may leave; it sets no timers.
///
/// RFC 9002 §7.7: "A perfectly paced sender spreads packets exactly evenly over time. For a window-based
/// congestion controller, such as the one in this document, that rate can be computed by averaging the
/// congestion window over the RTT. Expressed as a rate in units of bytes per time, where
/// congestion_window is in bytes: rate = N * congestion_window / smoothed_rtt ... Using a value for N
/// that is small, but at least 1 (for example, 1.25) ensures that variations in RTT do not result in
/// underutilization of the congestion window."
///
/// Tokens (bytes) accumulate at that rate up to the burst capacity; sending spends them. RFC 9002 §7.7:
/// "Senders SHOULD limit bursts to the initial congestion window".
public struct Pacer: Hashable, Sendable {
    /// N as a fraction: 5/4.
    public static let rateMultiplierNumerator = 5.0
    public static let rateMultiplierDenominator = 4.0

    /// The largest burst in bytes.
    public private(set) var burstCapacity: Int
    /// Bytes that may be sent right now.
    public private(set) var tokens: Double
    /// When tokens were last brought up to date.
    public private(set) var lastUpdate: QUICInstant?

    /// - Parameter burstCapacity: defaults to the initial window for `maxDatagramSize`.
    public init(maxDatagramSize: Int = 1_200, burstCapacity: Int? = nil) {
        let capacity = burstCapacity ?? CongestionWindowLimits.initialWindow(maxDatagramSize: maxDatagramSize)
        self.burstCapacity = Swift.max(capacity, maxDatagramSize)
        self.tokens = Double(self.burstCapacity)
        self.lastUpdate = nil
    }

    /// The pacing rate in bytes per second, or nil when `smoothedRTT` is zero (no pacing possible).
    public static func rate(congestionWindow: Int, smoothedRTT: QUICDuration) -> Double? {
        guard smoothedRTT > .zero else { return nil }
        return Self.rateMultiplierNumerator * Double(congestionWindow)
            / (Self.rateMultiplierDenominator * smoothedRTT.seconds)
    }

    /// Adds the tokens earned since the last update.
    public mutating func refill(congestionWindow: Int, smoothedRTT: QUICDuration, now: QUICInstant) {
        defer { self.lastUpdate = Swift.max(self.lastUpdate ?? now, now) }
        guard let last = self.lastUpdate, now > last else { return }
        guard let rate = Self.rate(congestionWindow: congestionWindow, smoothedRTT: smoothedRTT) else {
            self.tokens = Double(self.burstCapacity)
            return
        }
        self.tokens = Swift.min(Double(self.burstCapacity), self.tokens + rate * (now - last).seconds)
    }

    /// The earliest instant a packet of `bytes` may be sent (`now` when it may go at once).
    public mutating func earliestSendTime(bytes: Int, congestionWindow: Int, smoothedRTT: QUICDuration,
                                          now: QUICInstant) -> QUICInstant {
        self.refill(congestionWindow: congestionWindow, smoothedRTT: smoothedRTT, now: now)
        // A packet larger than the bucket waits only for a full bucket.
        let needed = Double(Swift.min(bytes, self.burstCapacity))
        if self.tokens >= needed {
            return now
        }
        guard let rate = Self.rate(congestionWindow: congestionWindow, smoothedRTT: smoothedRTT), rate > 0 else {
            return now
        }
        let wait = QUICDuration(seconds: (needed - self.tokens) / rate)
        // Round up by a nanosecond so the tokens are really there at the returned instant.
        return now + wait + .nanoseconds(1)
    }

    /// Spends tokens for a sent packet; the balance may go negative for a packet sent early.
    public mutating func onPacketSent(bytes: Int, congestionWindow: Int, smoothedRTT: QUICDuration,
                                      now: QUICInstant) {
        self.refill(congestionWindow: congestionWindow, smoothedRTT: smoothedRTT, now: now)
        self.tokens -= Double(bytes)
    }

    /// Changes the burst capacity (for example after the path MTU grew), keeping at most that many tokens.
    public mutating func setBurstCapacity(_ capacity: Int) {
        self.burstCapacity = Swift.max(capacity, 1)
        self.tokens = Swift.min(self.tokens, Double(self.burstCapacity))
    }
}
