import Foundation
import QUIC
import QUICInterop
import QUICTransport
import QUICWire

/// Watches the demo's download: a line per second with each path's rate, RTT (the sender's estimate, from the
/// server's side of the connection) and share, the relay's cut when it happens, and, as the client's own failure
/// detector, the abandonment of a path that was carrying the download and stays silent while another
/// delivers (a downloading client sends only acknowledgments, so its probe timeouts would not notice).
///
/// A path the server's scheduler leaves idle (a standby under `backup`, the slower path under `interactive`) is
/// not judged by the data it was never given: it stays open, kept validated by the engine's probes, and judged by
/// their timeouts, so that it is there when the sender moves to it.
actor DemoMonitor {
    private let connection: QUICConnection
    /// The server's side of the connection: it sends the download, so its RTT estimates are sampled all the time.
    private let sender: QUICConnection?
    /// The sender's latest smoothed RTT per path.
    private var senderRTTs: [PathID: Duration] = [:]
    private let clock = ContinuousClock()
    /// Relay time 0 (the relay's timeline counts from there).
    private let origin: ContinuousClock.Instant
    private let cutAt: Double
    private var rates = PathRates()
    /// When each path last received a byte, in relay seconds, and how many it had then.
    private var lastGrowth: [PathID: (time: Double, bytes: UInt64)] = [:]
    /// Whether each path was carrying the download (at least ``carryingRate``) when it last received a byte.
    private var carrying: [PathID: Bool] = [:]
    /// Bytes a second over the rate meter's window from which a path counts as carrying the download: far above
    /// what path validation and acknowledgment-only traffic bring.
    static let carryingRate = 32_768.0
    private var abandoned: Set<PathID> = []
    private var cutAnnounced = false
    private var nextLine: Double
    /// The latest numbers of every path seen, for the summary.
    private(set) var lastSeen: [PathID: QUICPathStatistics] = [:]

    init(connection: QUICConnection, sender: QUICConnection?, origin: ContinuousClock.Instant, start: Double,
         cutAt: Double) {
        self.connection = connection
        self.sender = sender
        self.origin = origin
        self.cutAt = cutAt
        self.nextLine = start + 1
    }

    /// Seconds since relay time 0.
    nonisolated func now() -> Double {
        Console.seconds(ContinuousClock().now - self.origin)
    }

    /// `t= 3.00 s  ` in front of each timeline line.
    nonisolated static func stamp(_ time: Double) -> String {
        String(format: "t=%5.2f s  ", time)
    }

    /// Looks at the paths ten times a second until cancelled.
    func run(progress: TransferProgress) async {
        while !Task.isCancelled {
            await self.tick(progress: progress)
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func tick(progress: TransferProgress) async {
        guard var statistics = try? await self.connection.statistics() else { return }
        if let sender = self.sender, let paths = try? await sender.statistics().paths {
            for path in paths where path.smoothedRTT > .zero {
                self.senderRTTs[path.id] = path.smoothedRTT
            }
        }
        self.useSenderRTTs(in: &statistics.paths)
        let time = self.now()
        if !self.cutAnnounced, time >= self.cutAt {
            self.cutAnnounced = true
            Console.out(Self.stamp(self.cutAt) + "relay: the wifi link goes down")
        }
        let entries = self.rates.update(statistics.paths, at: time)
        for entry in entries {
            self.lastSeen[entry.path.id] = entry.path
            if let last = self.lastGrowth[entry.path.id], last.bytes == entry.path.bytesReceived { continue }
            self.lastGrowth[entry.path.id] = (time, entry.path.bytesReceived)
            self.carrying[entry.path.id] = entry.rate >= Self.carryingRate
        }
        await self.abandonSilentPaths(entries, at: time)
        if time >= self.nextLine {
            self.nextLine += 1
            let paths = entries.map(\.text).map { $0.replacingOccurrences(of: "  ", with: " ") }
            Console.out(Self.stamp(time) + Formatting.bytes(progress.bytes) + " | " + paths.joined(separator: " | "))
        }
    }

    /// Replaces the client's RTT estimates (it mostly sends acknowledgments, which take no RTT samples) by the
    /// sender's.
    func useSenderRTTs(in paths: inout [QUICPathStatistics]) {
        for index in paths.indices {
            paths[index].smoothedRTT = self.senderRTTs[paths[index].id] ?? paths[index].smoothedRTT
        }
    }

    func useSenderRTTs(in paths: inout [PathID: QUICPathStatistics]) {
        for (id, rtt) in self.senderRTTs {
            paths[id]?.smoothedRTT = rtt
        }
    }

    /// A live path is abandoned when, having carried the download, it received nothing for 4 smoothed RTTs (at
    /// least 250 ms) while another live path received something, or when two probe timeouts in a row went unanswered on it (what the client
    /// sends there, such as flow-control credit, is not acknowledged); its data in flight is then sent again on
    /// the others.
    private func abandonSilentPaths(_ entries: [PathRates.Entry], at time: Double) async {
        let live = entries.filter { $0.path.status == .available || $0.path.status == .backup }
        guard live.count > 1 else { return }
        for entry in live where !self.abandoned.contains(entry.path.id) {
            let window = max(0.25, 4 * Console.seconds(entry.path.smoothedRTT))
            guard let last = self.lastGrowth[entry.path.id] else { continue }
            let others = live.filter { other in
                other.path.id != entry.path.id && (self.lastGrowth[other.path.id].map { time - $0.time < window }
                    ?? false)
            }
            let name = entry.path.label.isEmpty ? "path \(entry.path.id)" : entry.path.label
            let reason: String
            if self.carrying[entry.path.id] == true, time - last.time > window, let other = others.first {
                reason = String(format: "nothing received on %@ for %.2f s while %@ delivers", name,
                                time - last.time, other.path.label)
            } else if entry.path.consecutiveProbeTimeouts >= 2 {
                reason = "\(entry.path.consecutiveProbeTimeouts) probe timeouts in a row on \(name)"
            } else {
                continue
            }
            self.abandoned.insert(entry.path.id)
            Console.out(Self.stamp(time) + "client: \(reason): abandoning path \(entry.path.id)")
            do {
                try await self.connection.abandonPath(entry.path.id,
                                                      errorCode: TransportErrorCode.pathUnstableOrPoor.rawValue)
            } catch {
                Console.out(Self.stamp(self.now()) + "client: could not abandon path \(entry.path.id): \(error)")
            }
        }
    }
}
