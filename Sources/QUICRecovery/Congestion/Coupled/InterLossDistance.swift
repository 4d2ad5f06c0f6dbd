/// OLIA's l_r for one path: how many bytes the path delivers between losses.
///
/// OLIA (Khalili et al.): l_1r is the number of bytes acknowledged between the last two losses and l_2r
/// the number acknowledged since the last loss; l_r = max(l_1r, l_2r). Before the first loss l_r counts
/// every byte acknowledged. A loss here is a congestion event that starts a recovery period (loss or
/// ECN-CE), so the several packets lost in one round trip count once.
public struct InterLossDistance: Hashable, Sendable {
    /// l_1r: bytes acknowledged between the last two congestion events.
    public private(set) var betweenLastTwoLosses: Int
    /// l_2r: bytes acknowledged since the last congestion event.
    public private(set) var sinceLastLoss: Int

    public init() {
        self.betweenLastTwoLosses = 0
        self.sinceLastLoss = 0
    }

    /// l_r = max(l_1r, l_2r).
    @inlinable
    public var bytes: Int {
        Swift.max(self.betweenLastTwoLosses, self.sinceLastLoss)
    }

    /// Counts acknowledged bytes; the count saturates instead of overflowing.
    public mutating func onBytesAcked(_ bytes: Int) {
        let (sum, overflow) = self.sinceLastLoss.addingReportingOverflow(Swift.max(bytes, 0))
        self.sinceLastLoss = overflow ? .max : sum
    }

    /// A congestion event started a recovery period: the bytes since the previous one become l_1r. Two
    /// events with nothing acknowledged in between keep the earlier distance.
    public mutating func onLoss() {
        guard self.sinceLastLoss > 0 else { return }
        self.betweenLastTwoLosses = self.sinceLastLoss
        self.sinceLastLoss = 0
    }
}
