import QUIC
import QUICLab
import QUICTransport
import QUICWire

/// Watches the client's connection during a real run: the bytes each interface carried per time bin
/// (``LabSeries``, from the client's per-path counters: received = down, sent = up, each path's growth counted on
/// the interface its local address belongs to), when the client last received a packet, and the `migration`
/// strategy's rule: no packet for 3 x the smoothed RTT (at least ``LabRunner/migrationFloor``) while the
/// application waits for data moves the connection to the other interface.
final class LabRealMonitor {
    private let connection: QUICConnection
    /// The client's address on each interface.
    private let clientIPs: [NetworkAddress.IP?]
    private var series: LabSeries
    private var lastCounters: [PathID: (down: UInt64, up: UInt64)] = [:]
    private var packetsReceived: UInt64 = 0
    /// Seconds since the origin when the last packet was seen to arrive.
    private(set) var lastReceive: Double?
    private(set) var smoothedRTT: Double = 0

    init(connection: QUICConnection, paths: [LabPath], clientHosts: [String]) {
        self.connection = connection
        self.clientIPs = clientHosts.map { NetworkAddress(parsing: $0, defaultPort: 0)?.ip }
        self.series = LabSeries(binSeconds: LabRunner.seriesBinSeconds, paths: paths.map { LabSeries.Path(name: $0.name) })
    }

    /// Reads the connection's counters at `now` (seconds since the origin).
    func sample(at now: Double) async {
        guard let statistics = try? await self.connection.statistics() else { return }
        if statistics.packetsReceived != self.packetsReceived {
            self.packetsReceived = statistics.packetsReceived
            self.lastReceive = now
        }
        self.smoothedRTT = Double(statistics.smoothedRTT.components.attoseconds) / 1e18
            + Double(statistics.smoothedRTT.components.seconds)
        let bin = max(Int(now / self.series.binSeconds), 0)
        for path in statistics.paths {
            let last = self.lastCounters[path.id] ?? (0, 0)
            self.lastCounters[path.id] = (path.bytesReceived, path.bytesSent)
            guard let index = self.clientIPs.firstIndex(of: path.fourTuple.local.ip),
                  self.series.paths.indices.contains(index) else { continue }
            Self.add(Int(path.bytesReceived &- min(last.down, path.bytesReceived)), to: &self.series.paths[index].down,
                     bin: bin)
            Self.add(Int(path.bytesSent &- min(last.up, path.bytesSent)), to: &self.series.paths[index].up, bin: bin)
        }
    }

    /// Whether the `migration` rule fires at `now`, the application waiting since `waiting`.
    func migrationDue(at now: Double, waitingSince waiting: Double?) -> Bool {
        guard let waiting else { return false }
        let quiet = max(3 * self.smoothedRTT, LabRunner.migrationFloor)
        return now >= max(self.lastReceive ?? waiting, waiting) + quiet
    }

    /// The bytes per bin seen so far.
    var result: LabSeries { self.series }

    private static func add(_ bytes: Int, to bins: inout [Int], bin: Int) {
        guard bytes > 0 else { return }
        if bins.count <= bin { bins.append(contentsOf: repeatElement(0, count: bin + 1 - bins.count)) }
        bins[bin] += bytes
    }
}
