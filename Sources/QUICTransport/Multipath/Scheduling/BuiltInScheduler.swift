import QUICWire

/// One of the built-in schedulers, held by value.
///
/// The connection stores this enum rather than `any PacketScheduler` so that the per-packet call is a
/// switch, not an existential dispatch through a boxed value, and so that switching scheduler at run time
/// (the "set scheduler" command) does not allocate.
public enum BuiltInScheduler: PacketScheduler, Sendable {
    case minRTT(MinRTTScheduler)
    case roundRobin(RoundRobinScheduler)
    case redundant(RedundantScheduler)
    case backup(BackupScheduler)
    case interactive(InteractiveScheduler)
    case costAware(CostAwareScheduler)
    case ecf(ECFScheduler)

    /// Which scheduler this is.
    public var kind: SchedulerKind {
        switch self {
        case .minRTT: return .minRTT
        case .roundRobin: return .roundRobin
        case .redundant: return .redundant
        case .backup: return .backup
        case .interactive: return .interactive
        case .costAware: return .costAware
        case .ecf: return .ecf
        }
    }

    public mutating func choosePaths(for intent: SendIntent, paths: [PathSnapshot], now: UInt64) -> SchedulingDecision {
        switch self {
        case .minRTT(var scheduler):
            let decision = scheduler.choosePaths(for: intent, paths: paths, now: now)
            self = .minRTT(scheduler)
            return decision
        case .roundRobin(var scheduler):
            let decision = scheduler.choosePaths(for: intent, paths: paths, now: now)
            self = .roundRobin(scheduler)
            return decision
        case .redundant(var scheduler):
            let decision = scheduler.choosePaths(for: intent, paths: paths, now: now)
            self = .redundant(scheduler)
            return decision
        case .backup(var scheduler):
            let decision = scheduler.choosePaths(for: intent, paths: paths, now: now)
            self = .backup(scheduler)
            return decision
        case .interactive(var scheduler):
            let decision = scheduler.choosePaths(for: intent, paths: paths, now: now)
            self = .interactive(scheduler)
            return decision
        case .costAware(var scheduler):
            let decision = scheduler.choosePaths(for: intent, paths: paths, now: now)
            self = .costAware(scheduler)
            return decision
        case .ecf(var scheduler):
            let decision = scheduler.choosePaths(for: intent, paths: paths, now: now)
            self = .ecf(scheduler)
            return decision
        }
    }

    public mutating func onPacketSent(on path: PathSnapshot, bytes: Int, packetClass: PacketClass, now: UInt64) {
        func run<S: PacketScheduler>(_ value: S) -> S {
            var scheduler = value
            scheduler.onPacketSent(on: path, bytes: bytes, packetClass: packetClass, now: now)
            return scheduler
        }
        switch self {
        case .minRTT(let value): self = .minRTT(run(value))
        case .roundRobin(let value): self = .roundRobin(run(value))
        case .redundant(let value): self = .redundant(run(value))
        case .backup(let value): self = .backup(run(value))
        case .interactive(let value): self = .interactive(run(value))
        case .costAware(let value): self = .costAware(run(value))
        case .ecf(let value): self = .ecf(run(value))
        }
    }

    public mutating func onAcked(on path: PathSnapshot, bytes: Int, now: UInt64) {
        func run<S: PacketScheduler>(_ value: S) -> S {
            var scheduler = value
            scheduler.onAcked(on: path, bytes: bytes, now: now)
            return scheduler
        }
        switch self {
        case .minRTT(let value): self = .minRTT(run(value))
        case .roundRobin(let value): self = .roundRobin(run(value))
        case .redundant(let value): self = .redundant(run(value))
        case .backup(let value): self = .backup(run(value))
        case .interactive(let value): self = .interactive(run(value))
        case .costAware(let value): self = .costAware(run(value))
        case .ecf(let value): self = .ecf(run(value))
        }
    }

    public mutating func onLost(on path: PathSnapshot, bytes: Int, now: UInt64) {
        func run<S: PacketScheduler>(_ value: S) -> S {
            var scheduler = value
            scheduler.onLost(on: path, bytes: bytes, now: now)
            return scheduler
        }
        switch self {
        case .minRTT(let value): self = .minRTT(run(value))
        case .roundRobin(let value): self = .roundRobin(run(value))
        case .redundant(let value): self = .redundant(run(value))
        case .backup(let value): self = .backup(run(value))
        case .interactive(let value): self = .interactive(run(value))
        case .costAware(let value): self = .costAware(run(value))
        case .ecf(let value): self = .ecf(run(value))
        }
    }
}
