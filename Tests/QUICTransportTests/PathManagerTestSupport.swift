import QUICTransport
import QUICWire

/// Shared endpoints, times and helpers for the path manager tests.
enum PathManagerFixture {
    static let millisecond: UInt64 = 1_000_000
    static let second: UInt64 = 1_000_000_000
    static let unstable = TransportErrorCode.pathUnstableOrPoor.rawValue

    static let wifi = LocalPathEndpoint(address: .ipv4(192, 168, 1, 10, port: 5000), label: "wifi")
    static let dsl = LocalPathEndpoint(address: .ipv4(10, 0, 0, 2, port: 5000), label: "dsl")
    static let lte = LocalPathEndpoint(
        address: .ipv4(100, 64, 0, 7, port: 5000), label: "lte", cost: .metered(costPerByte: 0.01), isBackup: true
    )
    static let satellite = LocalPathEndpoint(
        address: .ipv4(172, 16, 0, 9, port: 5000), label: "satellite", cost: .metered(costPerByte: 0.1),
        isBackup: true
    )

    static func manager(
        _ locals: [LocalPathEndpoint],
        maxPaths: Int = 4,
        configure: (inout PathManagerConfiguration) -> Void = { _ in }
    ) -> PathManager {
        var configuration = PathManagerConfiguration(locals: locals, maxPaths: maxPaths)
        configure(&configuration)
        return PathManager(configuration: configuration)
    }

    static func snapshot(_ id: PathID, rtt: UInt64 = 20 * millisecond, inFlight: Int = 0, ptos: Int = 0)
        -> PathSnapshot
    {
        PathSnapshot(
            pathID: id, smoothedRTT: rtt, minRTT: rtt / 2, congestionWindow: 12_000, bytesInFlight: inFlight,
            consecutivePTOs: ptos
        )
    }
}

extension PathManager {
    /// Every queued event, oldest first.
    mutating func drainEvents() -> [PathEvent] {
        var events: [PathEvent] = []
        while let event = self.pollEvent() { events.append(event) }
        return events
    }

    /// Reports a path as opened and validated at `now`, then evaluates, returning the actions.
    mutating func openAndValidate(_ id: PathID, _ local: LocalPathEndpoint, now: UInt64) -> [PathAction] {
        self.pathOpened(id, local: local, now: now)
        self.pathValidated(id, now: now)
        return self.evaluate(paths: [], now: now)
    }
}
