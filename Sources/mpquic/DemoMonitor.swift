import Foundation
import QUIC
import QUICInterop
import QUICTransport
import QUICWire

/// Watches the demo's download: a line per second with each path's rate, RTT and share, the relay's cut when it
/// happens, and, as the client's own failure detector, the abandonment of a path that stays silent while another
/// delivers (a downloading client sends only acknowledgments, so its probe timeouts would not notice).
actor DemoMonitor {
    private let connection: QUICConnection
    private let clock = ContinuousClock()
    /// Relay time 0 (the relay's timeline counts from there).
    private let origin: ContinuousClock.Instant
    private let cutAt: Double
    private var rates = PathRates()
    /// When each path last received a byte, in relay seconds, and how many it had then.
    private var lastGrowth: [PathID: (time: Double, bytes: UInt64)] = [:]
    private var abandoned: Set<PathID> = []
    private var cutAnnounced = false
    private var nextLine: Double
    /// The latest numbers of every path seen, for the summary.
    private(set) var lastSeen: [PathID: QUICPathStatistics] = [:]

    init(connection: QUICConnection, origin: ContinuousClock.Instant, start: Double, cutAt: Double) {
        self.connection = connection
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
        guard let statistics = try? await self.connection.statistics() else { return }
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
        }
        await self.abandonSilentPaths(entries, at: time)
        if time >= self.nextLine {
            self.nextLine += 1
            let paths = entries.map(\.text).map { $0.replacingOccurrences(of: "  ", with: " ") }
            Console.out(Self.stamp(time) + Formatting.bytes(progress.bytes) + " | " + paths.joined(separator: " | "))
        }
    }

    /// A live path that received nothing for 4 smoothed RTTs (at least 250 ms) while another live path received
    /// something is abandoned; its data in flight is then sent again on the others.
    private func abandonSilentPaths(_ entries: [PathRates.Entry], at time: Double) async {
        let live = entries.filter { $0.path.status == .available || $0.path.status == .backup }
        guard live.count > 1 else { return }
        for entry in live where !self.abandoned.contains(entry.path.id) {
            let window = max(0.25, 4 * Console.seconds(entry.path.smoothedRTT))
            guard let last = self.lastGrowth[entry.path.id], time - last.time > window else { continue }
            let others = live.filter { other in
                other.path.id != entry.path.id && (self.lastGrowth[other.path.id].map { time - $0.time < window }
                    ?? false)
            }
            guard !others.isEmpty else { continue }
            self.abandoned.insert(entry.path.id)
            let name = entry.path.label.isEmpty ? "path \(entry.path.id)" : entry.path.label
            Console.out(Self.stamp(time) + String(format: "client: nothing received on %@ for %.2f s while %@ "
                + "delivers: abandoning path %u", name, time - last.time, others[0].path.label, entry.path.id))
            do {
                try await self.connection.abandonPath(entry.path.id,
                                                      errorCode: TransportErrorCode.pathUnstableOrPoor.rawValue)
            } catch {
                Console.out(Self.stamp(self.now()) + "client: could not abandon path \(entry.path.id): \(error)")
            }
        }
    }
}
