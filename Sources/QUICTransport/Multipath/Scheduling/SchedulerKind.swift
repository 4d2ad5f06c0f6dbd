import QUICWire

/// The built-in schedulers, by name (ARCHITECTURE.md §5).
public enum SchedulerKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case minRTT = "minrtt"
    case roundRobin = "roundrobin"
    case redundant = "redundant"
    case backup = "backup"
    case interactive = "interactive"
    case costAware = "costaware"
    case ecf = "ecf"

    /// The default scheduler.
    public static let `default` = SchedulerKind.minRTT

    /// The spelling used on the command line and in configuration files.
    public var cliName: String { self.rawValue }

    public var description: String { self.rawValue }

    /// Every valid spelling, in declaration order.
    public static var validNames: [String] { SchedulerKind.allCases.map(\.cliName) }

    /// Parses a command-line spelling ("minrtt", "roundrobin", "redundant", "backup", "interactive",
    /// "costaware", "ecf"); letter case and surrounding white space are ignored.
    public init(parsing name: String) throws(SchedulerKindError) {
        let normalized = name.trimmingWhitespace().lowercased()
        guard let kind = SchedulerKind(rawValue: normalized) else {
            throw SchedulerKindError(name: name, validNames: SchedulerKind.validNames)
        }
        self = kind
    }

    /// A fresh scheduler of this kind configured from `options`.
    public func makeScheduler(options: SchedulerOptions = SchedulerOptions()) -> BuiltInScheduler {
        switch self {
        case .minRTT:
            return .minRTT(MinRTTScheduler())
        case .roundRobin:
            return .roundRobin(RoundRobinScheduler())
        case .redundant:
            return .redundant(RedundantScheduler())
        case .backup:
            return .backup(BackupScheduler(primary: options.primaryPath, failureThreshold: options.failureThreshold))
        case .interactive:
            return .interactive(InteractiveScheduler())
        case .costAware:
            return .costAware(CostAwareScheduler(targetRate: options.targetRate, meteredBudget: options.meteredBudget))
        case .ecf:
            return .ecf(ECFScheduler())
        }
    }
}

/// An unknown scheduler name; the message lists the valid ones so the user can correct it.
public struct SchedulerKindError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name as given.
    public var name: String
    public var validNames: [String]

    public var description: String {
        "unknown scheduler \"\(self.name)\"; valid names: \(self.validNames.joined(separator: ", "))"
    }
}

/// Settings for the schedulers that have any; the others ignore them.
public struct SchedulerOptions: Sendable, Hashable {
    /// `backup`: the path that carries traffic while healthy.
    public var primaryPath: PathID
    /// `backup`: consecutive PTOs at which the primary counts as failed.
    public var failureThreshold: Int
    /// `costAware`: target rate in bytes per second (0: none).
    public var targetRate: UInt64
    /// `costAware`: bytes that may be sent on metered paths in total.
    public var meteredBudget: UInt64

    public init(
        primaryPath: PathID = 0,
        failureThreshold: Int = BackupScheduler.defaultFailureThreshold,
        targetRate: UInt64 = 0,
        meteredBudget: UInt64 = 0
    ) {
        self.primaryPath = primaryPath
        self.failureThreshold = failureThreshold
        self.targetRate = targetRate
        self.meteredBudget = meteredBudget
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = self.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
