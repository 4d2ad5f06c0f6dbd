import QUIC
import QUICInterop
import QUICTransport

extension TransferSummary.Path {
    /// A path's line in the summary and the JSON report; with multipath, its ID, label and status too.
    init(_ path: QUICPathStatistics, multipath: Bool) {
        self.init(name: "\(path.fourTuple)", bytesSent: path.bytesSent, bytesReceived: path.bytesReceived,
                  smoothedRTTMilliseconds: Console.seconds(path.smoothedRTT) * 1_000, packetsLost: path.packetsLost)
        guard multipath else { return }
        self.pathID = path.id
        self.label = path.label
        self.status = "\(path.status)"
        self.congestionWindow = path.congestionWindow
        self.recentLossRate = path.recentLossRate
        self.metered = path.cost.isMetered
    }
}
