/// The coupling terms of the Linked Increases Algorithm (RFC 6356).
extension CoupledPathGroup {
    /// RFC 6356 §3-4: alpha = cwnd_total * max_i(cwnd_i/rtt_i^2) / (sum_i(cwnd_i/rtt_i))^2, over all paths
    /// of the group with `own` standing in for `member`.
    ///
    /// alpha sets how aggressive the whole connection is: with n identical paths it is 1/n, so that the
    /// n paths together get what one single-path flow gets. It is 1 for a path alone, and also when no path
    /// has a window (nothing to couple with).
    public func linkedIncreasesAlpha(as member: Member, own: CoupledPathState) -> Double {
        let sums = self.linkedIncreasesSums(as: member, own: own)
        guard sums.rate > 0, sums.maxRateGrowth > 0 else { return 1 }
        let alpha = sums.totalWindow * sums.maxRateGrowth / (sums.rate * sums.rate)
        return alpha.isFinite ? alpha : 1
    }

    /// The bytes `member` must see acknowledged in congestion avoidance to grow its window by one maximum
    /// datagram size.
    ///
    /// RFC 6356 §3 increases cwnd_i for each ACK by "min(alpha*bytes_acked*MSS_i/cwnd_total,
    /// bytes_acked*MSS_i/cwnd_i)", which is bytes_acked * MSS_i / max(cwnd_total/alpha, cwnd_i). Counting
    /// acknowledged bytes up to max(cwnd_total/alpha, cwnd_i) and then adding MSS_i is the same rate
    /// without rounding away fractions of a byte, and for a path alone (alpha = 1, cwnd_total = cwnd_i) it
    /// is exactly NewReno's byte counting (RFC 9002 §7.3.3). cwnd_total/alpha is computed directly as
    /// (sum_i cwnd_i/rtt_i)^2 / max_i(cwnd_i/rtt_i^2).
    public func linkedIncreaseThreshold(as member: Member, own: CoupledPathState) -> Int {
        let ownWindow = Swift.max(own.congestionWindow, 1)
        let sums = self.linkedIncreasesSums(as: member, own: own)
        guard sums.maxRateGrowth > 0 else { return ownWindow }
        let coupled = (sums.rate * sums.rate / sums.maxRateGrowth).rounded()
        // Beyond 10^18 bytes per datagram of growth the window does not grow in practice; the bound also keeps
        // the conversion to Int in range.
        guard coupled.isFinite, coupled < 1e18 else { return Int.max / 2 }
        return Swift.max(ownWindow, Int(coupled))
    }

    /// One pass over the paths: cwnd_total, sum_i cwnd_i/rtt_i and max_i cwnd_i/rtt_i^2.
    @inlinable
    func linkedIncreasesSums(as member: Member,
                             own: CoupledPathState) -> (totalWindow: Double, rate: Double, maxRateGrowth: Double) {
        var totalWindow = 0.0
        var rate = 0.0
        var maxRateGrowth = 0.0
        self.forEachPath(as: member, own: own) { path in
            totalWindow += path.window
            rate += path.rate
            maxRateGrowth = Swift.max(maxRateGrowth, path.rateGrowth)
        }
        return (totalWindow, rate, maxRateGrowth)
    }
}
