import QUICTransport

/// How the client uses its two interfaces in a lab run.
public enum LabStrategy: Sendable, Hashable {
    /// QUIC v1 on one interface only (index into ``LabScenario/paths``), no multipath, no migration.
    case singlePath(Int)
    /// QUIC v1 on the first interface; when it fails (no packet received for 3 x RTT, at least
    /// ``LabRunner/migrationFloor``, while the application waits for data) the client moves the connection to
    /// the other interface with `migrate(toLocalAddress:)` (RFC 9000 §9.2).
    case migration
    /// Multipath QUIC on both interfaces with a built-in scheduler on both endpoints.
    case multipath(SchedulerKind)

    /// The command-line name in `scenario`: "single-<path name>", "migration", or the scheduler's name.
    public func name(in scenario: LabScenario) -> String {
        switch self {
        case .singlePath(let index):
            return "single-" + (scenario.paths.indices.contains(index) ? scenario.paths[index].name : "\(index)")
        case .migration:
            return "migration"
        case .multipath(let kind):
            return kind.cliName
        }
    }

    /// Parses a strategy name for `scenario`: "single-wifi" or just "wifi" (a path name), "migration", or a
    /// scheduler name ("minrtt", "roundrobin", ...).
    public init(parsing name: String, in scenario: LabScenario) throws(LabError) {
        let normalized = name.lowercased()
        for strategy in scenario.strategies {
            if strategy.name(in: scenario) == normalized {
                self = strategy
                return
            }
        }
        if let index = scenario.paths.firstIndex(where: { $0.name == normalized }) {
            self = .singlePath(index)
            return
        }
        throw LabError.unknownStrategy(name, valid: scenario.strategies.map { $0.name(in: scenario) })
    }
}

/// A lab request that cannot be carried out; the message lists what would be valid.
public enum LabError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownScenario(String, valid: [String])
    case unknownStrategy(String, valid: [String])
    case setupFailed(String)

    public var description: String {
        switch self {
        case .unknownScenario(let name, let valid):
            return "unknown scenario \"\(name)\"; valid names: \(valid.joined(separator: ", "))"
        case .unknownStrategy(let name, let valid):
            return "unknown strategy \"\(name)\"; valid names: \(valid.joined(separator: ", "))"
        case .setupFailed(let reason):
            return "the simulated connection could not be set up: \(reason)"
        }
    }
}
