/// What one path of a multipath connection tells the other paths' congestion controllers about itself.
///
/// Coupled congestion control (RFC 6356, OLIA) grows the window of one path from the windows and round-trip
/// times of all paths of the connection; each path's controller publishes these values to its
/// ``CoupledPathGroup`` whenever they change.
public struct CoupledPathState: Hashable, Sendable {
    /// The smallest round-trip time the coupling terms divide by. A zero RTT (a loopback path before its
    /// first sample, or a clamped sample) would divide by zero; one microsecond is below any real path and
    /// keeps the ratios between real paths intact.
    public static let minimumRTT = QUICDuration.microseconds(1)

    /// The path's congestion window in bytes.
    public var congestionWindow: Int
    /// The path's smoothed RTT (RFC 9002 §5.3), the `rtt_i` of RFC 6356.
    public var smoothedRTT: QUICDuration
    /// OLIA's l_r: the bytes acknowledged between the path's last two losses, or since its last loss when
    /// that is more (all bytes acknowledged before the first loss). Unused by LIA.
    public var interLossBytes: Int
    /// The path's maximum datagram size, the unit OLIA compares windows in.
    public var maxDatagramSize: Int

    @inlinable
    public init(congestionWindow: Int, smoothedRTT: QUICDuration, interLossBytes: Int = 0,
                maxDatagramSize: Int = 1_200) {
        self.congestionWindow = congestionWindow
        self.smoothedRTT = smoothedRTT
        self.interLossBytes = interLossBytes
        self.maxDatagramSize = maxDatagramSize
    }

    /// The window in whole datagrams. OLIA's set M holds the paths with the largest window counted in
    /// packets, as the paper does; in bytes, two paths that grow together would swap places on almost
    /// every acknowledgment and push each other's windows around instead of growing.
    @inlinable
    public var windowInDatagrams: Int {
        Swift.max(self.congestionWindow, 0) / Swift.max(self.maxDatagramSize, 1)
    }

    /// The window as a non-negative number of bytes.
    @inlinable
    var window: Double {
        Double(Swift.max(self.congestionWindow, 0))
    }

    /// The smoothed RTT in seconds, never below ``minimumRTT``.
    @inlinable
    var rttSeconds: Double {
        Swift.max(self.smoothedRTT, Self.minimumRTT).seconds
    }

    /// cwnd_i / rtt_i: the path's sending rate in bytes per second.
    @inlinable
    var rate: Double {
        self.window / self.rttSeconds
    }

    /// cwnd_i / rtt_i^2: how fast a single-path flow on this path would grow its rate.
    @inlinable
    var rateGrowth: Double {
        let rtt = self.rttSeconds
        return self.window / (rtt * rtt)
    }
}
