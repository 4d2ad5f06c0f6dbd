/// The data of -03 §7.2 `recovery:metrics_updated`: any subset of the recovery metrics (RFC 9002 Appendix A.3
/// and B.2). "All following rtt fields are expressed in ms"; windows and bytes in bytes; pacing in bits/s.
public struct QlogRecoveryMetrics: Hashable, Sendable {
    public var minRTT: Double?
    public var smoothedRTT: Double?
    public var latestRTT: Double?
    public var rttVariance: Double?
    public var ptoCount: Int?
    public var congestionWindow: UInt64?
    public var bytesInFlight: UInt64?
    public var ssthresh: UInt64?
    public var packetsInFlight: UInt64?
    public var pacingRate: UInt64?

    public init(minRTT: Double? = nil, smoothedRTT: Double? = nil, latestRTT: Double? = nil,
                rttVariance: Double? = nil, ptoCount: Int? = nil, congestionWindow: UInt64? = nil,
                bytesInFlight: UInt64? = nil, ssthresh: UInt64? = nil, packetsInFlight: UInt64? = nil,
                pacingRate: UInt64? = nil) {
        self.minRTT = minRTT
        self.smoothedRTT = smoothedRTT
        self.latestRTT = latestRTT
        self.rttVariance = rttVariance
        self.ptoCount = ptoCount
        self.congestionWindow = congestionWindow
        self.bytesInFlight = bytesInFlight
        self.ssthresh = ssthresh
        self.packetsInFlight = packetsInFlight
        self.pacingRate = pacingRate
    }

    /// Converts a duration in nanoseconds (the stack's clock unit) to qlog's milliseconds.
    public static func milliseconds(nanoseconds: UInt64) -> Double {
        Double(nanoseconds) / 1_000_000
    }

    func writeMembers(to writer: inout QlogJSONWriter) {
        let rtts: [(String, Double?)] = [("min_rtt", self.minRTT), ("smoothed_rtt", self.smoothedRTT),
                                          ("latest_rtt", self.latestRTT), ("rtt_variance", self.rttVariance)]
        for (name, value) in rtts {
            if let value {
                writer.key(name)
                writer.double(value)
            }
        }
        if let ptoCount = self.ptoCount {
            writer.key("pto_count")
            writer.integer(ptoCount)
        }
        let counts: [(String, UInt64?)] = [("congestion_window", self.congestionWindow),
                                           ("bytes_in_flight", self.bytesInFlight), ("ssthresh", self.ssthresh),
                                           ("packets_in_flight", self.packetsInFlight),
                                           ("pacing_rate", self.pacingRate)]
        for (name, value) in counts {
            if let value {
                writer.key(name)
                writer.integer(value)
            }
        }
    }
}
