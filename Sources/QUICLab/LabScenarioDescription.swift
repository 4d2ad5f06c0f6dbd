import QUICSimulator

/// What a report says about a scenario: its summary, paths, timeline and strategies, as plain values (a
/// ``LabScenario``'s link changes are not Codable).
public struct LabScenarioDescription: Sendable, Hashable, Codable {
    /// The name of the migration strategy (``LabStrategy/migration``), the reference winners are compared with.
    public static let migration = "migration"

    public var name: String
    public var summary: String
    public var objective: LabObjective
    public var paths: [LabPathDescription]
    public var events: [LabEventDescription]
    /// Virtual seconds after which a run stops.
    public var durationLimit: Double
    /// Every strategy that applies, in the scenario's order.
    public var strategies: [String]
    /// The strategies that use one interface only.
    public var singlePathStrategies: [String]

    public init(name: String, summary: String, objective: LabObjective, paths: [LabPathDescription],
                events: [LabEventDescription], durationLimit: Double, strategies: [String],
                singlePathStrategies: [String]) {
        self.name = name
        self.summary = summary
        self.objective = objective
        self.paths = paths
        self.events = events
        self.durationLimit = durationLimit
        self.strategies = strategies
        self.singlePathStrategies = singlePathStrategies
    }

    public init(_ scenario: LabScenario) {
        let strategies = scenario.strategies
        var singles: [String] = []
        for strategy in strategies {
            if case .singlePath = strategy { singles.append(strategy.name(in: scenario)) }
        }
        self.init(
            name: scenario.name, summary: scenario.summary, objective: scenario.objective,
            paths: scenario.paths.map(LabPathDescription.init),
            events: scenario.timeline.filter { scenario.paths.indices.contains($0.path) }.map {
                LabEventDescription($0, path: scenario.paths[$0.path].name)
            },
            durationLimit: scenario.durationLimit, strategies: strategies.map { $0.name(in: scenario) },
            singlePathStrategies: singles)
    }
}

/// One interface of a scenario: rates and delay in each direction and whether it is metered.
public struct LabPathDescription: Sendable, Hashable, Codable {
    public var name: String
    public var downMegabits: Double
    public var upMegabits: Double
    public var downDelayMilliseconds: Double
    public var upDelayMilliseconds: Double
    public var metered: Bool

    public init(_ path: LabPath) {
        self.name = path.name
        self.downMegabits = Double(path.downlink.rate) * 8 / 1e6
        self.upMegabits = Double(path.uplink.rate) * 8 / 1e6
        self.downDelayMilliseconds = Double(path.downlink.delay.nanoseconds) / 1e6
        self.upDelayMilliseconds = Double(path.uplink.delay.nanoseconds) / 1e6
        self.metered = path.cost.isMetered
    }

    /// "wifi: 30 Mbit/s down, 30 Mbit/s up, 10 ms one way, metered".
    public var text: String {
        let rates = self.downMegabits == self.upMegabits
            ? "\(LabFormat.number(self.downMegabits)) Mbit/s each way"
            : "\(LabFormat.number(self.downMegabits)) Mbit/s down, \(LabFormat.number(self.upMegabits)) Mbit/s up"
        let down = LabFormat.number(self.downDelayMilliseconds)
        let delays = self.downDelayMilliseconds == self.upDelayMilliseconds
            ? "\(down) ms one way" : "\(down) ms down, \(LabFormat.number(self.upDelayMilliseconds)) ms up"
        return "\(self.name): \(rates), \(delays)" + (self.metered ? ", metered" : "")
    }
}

/// A change to a path at a point of a run, described in words.
public struct LabEventDescription: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The path stops carrying traffic.
        case down
        /// It carries traffic again.
        case up
        /// Any other change (rate, delay, loss, NAT rebinding...).
        case change
    }

    /// Seconds from the start of the run.
    public var at: Double
    public var path: String
    public var kind: Kind
    /// "rate 2 Mbit/s".
    public var change: String

    public init(at: Double, path: String, kind: Kind, change: String) {
        self.at = at
        self.path = path
        self.kind = kind
        self.change = change
    }

    init(_ event: LabLinkEvent, path: String) {
        self.at = event.at
        self.path = path
        switch event.change {
        case .down:
            (self.kind, self.change) = (.down, "down")
        case .up:
            (self.kind, self.change) = (.up, "up")
        case .rate(let bytesPerSecond):
            (self.kind, self.change) = (.change, "rate \(LabFormat.number(Double(bytesPerSecond) * 8 / 1e6)) Mbit/s")
        case .delay(let delay):
            (self.kind, self.change) = (.change, "delay \(LabFormat.number(Double(delay.nanoseconds) / 1e6)) ms")
        case .jitter(let jitter):
            (self.kind, self.change) = (.change, "jitter \(LabFormat.number(Double(jitter.nanoseconds) / 1e6)) ms")
        case .loss:
            (self.kind, self.change) = (.change, "loss changes")
        case .parameters:
            (self.kind, self.change) = (.change, "new link parameters")
        case .natRebinding:
            (self.kind, self.change) = (.change, "NAT rebinding")
        case .addressChange:
            (self.kind, self.change) = (.change, "address change")
        }
    }

    /// "10 s wifi rate 2 Mbit/s".
    public var text: String { "\(LabFormat.number(self.at)) s \(self.path) \(self.change)" }
}
