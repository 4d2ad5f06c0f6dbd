import QUICTransport
import QUICWire

/// Milliseconds in nanoseconds, for readable snapshots.
func milliseconds(_ value: UInt64) -> UInt64 { value * 1_000_000 }

/// A path with room for plenty of packets unless told otherwise.
func snapshot(
    _ id: PathID,
    rtt: UInt64,
    status: PathStatus = .available,
    cwnd: Int = 100_000,
    inFlight: Int = 0,
    ptos: Int = 0,
    cost: PathCost = .free,
    validated: Bool = true,
    label: String = ""
) -> PathSnapshot {
    PathSnapshot(
        pathID: id, status: status, smoothedRTT: milliseconds(rtt), rttVariance: milliseconds(rtt) / 4,
        congestionWindow: cwnd, bytesInFlight: inFlight, consecutivePTOs: ptos, cost: cost, label: label,
        isValidated: validated
    )
}

let packet = SendIntent(kind: .bulk, size: 1200)

/// A tiny path model for sequences of decisions: sends add to bytes in flight, acknowledgments remove.
struct SimulatedPaths {
    var paths: [PathSnapshot]

    mutating func send(_ bytes: Int, on id: PathID) {
        guard let index = self.paths.firstIndex(where: { $0.pathID == id }) else { return }
        self.paths[index].bytesInFlight += bytes
        self.paths[index].bytesSent += UInt64(bytes)
    }

    mutating func acknowledgeAll(on id: PathID) {
        guard let index = self.paths.firstIndex(where: { $0.pathID == id }) else { return }
        self.paths[index].bytesInFlight = 0
    }

    subscript(id: PathID) -> PathSnapshot {
        get { self.paths.first { $0.pathID == id }! }
        set {
            if let index = self.paths.firstIndex(where: { $0.pathID == id }) { self.paths[index] = newValue }
        }
    }
}
