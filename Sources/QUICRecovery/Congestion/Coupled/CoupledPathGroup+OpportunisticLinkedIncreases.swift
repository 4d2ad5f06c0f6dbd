/// The coupling terms of the Opportunistic Linked Increases Algorithm (OLIA: Khalili, Gast, Popovic,
/// Le Boudec, "MPTCP is not Pareto-optimal", and draft-khalili-mptcp-congestion-control-05).
extension CoupledPathGroup {
    /// OLIA's per-ACK increase of path r in congestion avoidance, in window units per window unit acknowledged:
    /// (w_r/rtt_r^2) / (sum_p w_p/rtt_p)^2 + alpha_r / w_r.
    public struct OpportunisticIncrease: Hashable, Sendable {
        /// (w_r/rtt_r^2) / (sum_p w_p/rtt_p)^2 with windows in bytes, so in 1/bytes: times the bytes
        /// acknowledged and the maximum datagram size it is the increase in bytes. For a path alone it is
        /// 1/w_r, Reno's increase.
        public var coupled: Double
        /// alpha_r, which moves window from the paths with the largest windows to the presumably best paths.
        public var alpha: Double

        public init(coupled: Double, alpha: Double) {
            self.coupled = coupled
            self.alpha = alpha
        }

        /// The window increase in bytes for `bytesAcked` acknowledged on a path whose window is `window`
        /// bytes. Counted in datagrams, the window grows by (w_r/rtt_r^2) / (sum_p w_p/rtt_p)^2 + alpha_r / w_r
        /// per datagram acknowledged; counted in bytes that is bytes_acked * MSS * (coupled + alpha_r / window).
        /// Negative when alpha_r is and outweighs the coupled term.
        public func bytes(acked bytesAcked: Int, window: Double, maxDatagramSize: Int) -> Double {
            guard window > 0 else { return 0 }
            return Double(bytesAcked) * Double(maxDatagramSize) * (self.coupled + self.alpha / window)
        }
    }

    /// The increase terms of `member`, with `own` standing in for its published state.
    ///
    /// OLIA sets alpha_r = (1/|R_u|) / |B \ M| for r in B \ M, alpha_r = -(1/|R_u|) / |M| for r in M when
    /// B \ M is not empty, and alpha_r = 0 otherwise, where R_u is the set of paths, M the paths with the
    /// largest window and B the presumably best paths, those with the largest l_r / rtt_r^2 (l_r the bytes
    /// between the last two losses, or since the last loss when that is more). A TCP flow's rate is about
    /// sqrt(2 / p) / rtt and l_r estimates 1 / p, so the best paths are those where a single-path flow
    /// would get the most.
    public func opportunisticIncrease(as member: Member, own: CoupledPathState) -> OpportunisticIncrease {
        var rate = 0.0
        var pathCount = 0
        var largestWindow = Int.min
        var bestScore = -Double.infinity
        self.forEachPath(as: member, own: own) { path in
            rate += path.rate
            pathCount += 1
            largestWindow = Swift.max(largestWindow, path.windowInDatagrams)
            bestScore = Swift.max(bestScore, Self.bestPathScore(path))
        }
        guard rate > 0, rate.isFinite else { return OpportunisticIncrease(coupled: 0, alpha: 0) }
        let coupled = own.rateGrowth / (rate * rate)

        var largestCount = 0
        var collectedCount = 0
        self.forEachPath(as: member, own: own) { path in
            if path.windowInDatagrams == largestWindow {
                largestCount += 1
            } else if Self.bestPathScore(path) == bestScore {
                collectedCount += 1
            }
        }
        var alpha = 0.0
        if collectedCount > 0 {
            if own.windowInDatagrams == largestWindow {
                alpha = -1 / Double(pathCount * largestCount)
            } else if Self.bestPathScore(own) == bestScore {
                alpha = 1 / Double(pathCount * collectedCount)
            }
        }
        return OpportunisticIncrease(coupled: coupled.isFinite ? coupled : 0, alpha: alpha)
    }

    /// l_r / rtt_r^2, which orders paths by how much a single-path flow would get on them.
    @inlinable
    static func bestPathScore(_ path: CoupledPathState) -> Double {
        let rtt = path.rttSeconds
        return Double(Swift.max(path.interLossBytes, 0)) / (rtt * rtt)
    }
}
