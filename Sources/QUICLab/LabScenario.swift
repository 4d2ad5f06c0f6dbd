import QUICSimulator
import QUICTransport

/// One network interface of the client in a lab scenario, with its own link to the server.
public struct LabPath: Sendable, Hashable {
    /// A short name such as "wifi" or "lte"; also the link's name in the simulator and a strategy name suffix.
    public var name: String
    /// Client to server.
    public var uplink: LinkParameters
    /// Server to client.
    public var downlink: LinkParameters
    /// What the user pays for bytes on this interface.
    public var cost: PathCost

    public init(name: String, uplink: LinkParameters, downlink: LinkParameters, cost: PathCost = .free) {
        self.name = name
        self.uplink = uplink
        self.downlink = downlink
        self.cost = cost
    }

    /// A path with the same rate (bits per second) and one-way delay in both directions and a queue of
    /// `queueMilliseconds` at that rate.
    public static func symmetric(_ name: String, megabits: Double, oneWayMilliseconds: UInt64,
                                 queueMilliseconds: Double = 100, cost: PathCost = .free) -> LabPath {
        let link = Self.link(megabits: megabits, oneWayMilliseconds: oneWayMilliseconds,
                             queueMilliseconds: queueMilliseconds)
        return LabPath(name: name, uplink: link, downlink: link, cost: cost)
    }

    /// One direction of `megabits` per second and `oneWayMilliseconds` of delay, with a queue of `queueMilliseconds`
    /// at that rate (at least 30 kB) and independent random loss of `loss` (``residualLoss`` by default).
    public static func link(megabits: Double, oneWayMilliseconds: UInt64, queueMilliseconds: Double = 100,
                            loss: Double = Self.residualLoss) -> LinkParameters {
        let rate = UInt64(megabits * 1e6 / 8)
        let queue = max(Int(Double(rate) * queueMilliseconds / 1_000), 30_000)
        return LinkParameters(rate: rate, delay: .milliseconds(oneWayMilliseconds), queueCapacity: queue,
                              loss: loss > 0 ? .bernoulli(probability: loss) : .none)
    }

    /// The random loss every lab link has unless a scenario says otherwise: 0.01% of datagrams, a little of what
    /// radio links leave after their own retransmissions. It is drawn from the run's seed, so runs with different
    /// seeds differ and the report's spread means something, while each seed stays reproducible.
    public static let residualLoss = 0.000_1
}

/// A change to one of the scenario's paths, `at` seconds after the start of the run.
public struct LabLinkEvent: Sendable, Hashable {
    public var at: Double
    /// Index into ``LabScenario/paths``.
    public var path: Int
    /// Which directions change: `.aToB` is the uplink (client to server), `.bToA` the downlink.
    public var directions: LinkDirectionSelector
    public var change: LinkChange

    public init(at: Double, path: Int, directions: LinkDirectionSelector = .both, _ change: LinkChange) {
        self.at = at
        self.path = path
        self.directions = directions
        self.change = change
    }
}

/// What the applications do: a bulk download, a series of requests, media playback, a live uplink, a datagram
/// tunnel, or several of them at once.
public struct LabWorkload: Sendable, Hashable {
    public var bulk: BulkWorkload?
    public var requests: RequestResponseWorkload?
    public var playback: PlaybackWorkload?
    public var uplink: UplinkStreamWorkload?
    public var tunnel: DatagramTunnelWorkload?

    public init(bulk: BulkWorkload? = nil, requests: RequestResponseWorkload? = nil,
                playback: PlaybackWorkload? = nil, uplink: UplinkStreamWorkload? = nil,
                tunnel: DatagramTunnelWorkload? = nil) {
        self.bulk = bulk
        self.requests = requests
        self.playback = playback
        self.uplink = uplink
        self.tunnel = tunnel
    }

    /// The same workload with its durations and sizes multiplied by `factor` (rates stay).
    func scaled(by factor: Double) -> LabWorkload {
        var workload = self
        workload.bulk?.bytes = max(Int(Double(self.bulk?.bytes ?? 0) * factor), 1)
        workload.requests?.duration *= factor
        workload.playback?.clipSeconds *= factor
        workload.uplink?.duration *= factor
        workload.tunnel?.duration *= factor
        return workload
    }
}

/// A metric a scenario reports (the columns of its table).
public enum LabMetric: String, Sendable, Hashable, Codable, CaseIterable {
    case goodput
    case completionTime = "completion-time"
    case stalls
    case bytesPerPath = "bytes-per-path"
    case cost
}

/// The value a scenario is judged on: which of a run's values (``LabResult/value(of:)``) and which way is better.
/// The report names the strategy with the best mean of it the winner of the scenario.
public struct LabObjective: Sendable, Hashable, Codable {
    /// A key of ``LabMeasure`` or of a workload's measures.
    public var measure: String
    /// How the report labels it, with its unit: "p95 request time (s)".
    public var label: String
    public var lowerIsBetter: Bool

    public init(measure: String, label: String, lowerIsBetter: Bool) {
        self.measure = measure
        self.label = label
        self.lowerIsBetter = lowerIsBetter
    }
}

/// A named experiment from a use case (ARCHITECTURE.md §1, §6): two client interfaces, a timeline of link
/// changes, a workload and the metrics that matter for it. Every run of it is a value too: scenario, strategy
/// and seed (``LabRunner``).
public struct LabScenario: Sendable, Hashable {
    public var name: String
    /// One line saying what the scenario models.
    public var summary: String
    /// Exactly two interfaces; the first is the one single-path QUIC and migration start on.
    public var paths: [LabPath]
    public var timeline: [LabLinkEvent]
    public var workload: LabWorkload
    public var metrics: [LabMetric]
    /// What decides which strategy wins the scenario.
    public var objective: LabObjective
    /// Virtual seconds after which the run stops, finished or not.
    public var durationLimit: Double
    /// A gap in the data reaching the application longer than this, while the application waits for data,
    /// counts as a stall (seconds).
    public var stallThreshold: Double
    /// Settings for the multipath schedulers that take any (the cost-aware scheduler's target rate and metered
    /// budget, the backup scheduler's primary path).
    public var schedulerOptions: SchedulerOptions

    public init(name: String, summary: String, paths: [LabPath], timeline: [LabLinkEvent], workload: LabWorkload,
                metrics: [LabMetric], objective: LabObjective, durationLimit: Double, stallThreshold: Double = 0.5,
                schedulerOptions: SchedulerOptions = SchedulerOptions()) {
        precondition(paths.count == 2, "a lab scenario has two client interfaces")
        self.name = name
        self.summary = summary
        self.paths = paths
        self.timeline = timeline
        self.workload = workload
        self.metrics = metrics
        self.objective = objective
        self.durationLimit = durationLimit
        self.stallThreshold = stallThreshold
        self.schedulerOptions = schedulerOptions
    }

    /// The strategies that apply: each interface alone, migration, and multipath with each scheduler.
    public var strategies: [LabStrategy] {
        self.paths.indices.map { LabStrategy.singlePath($0) } + [.migration]
            + SchedulerKind.allCases.map { LabStrategy.multipath($0) }
    }

    /// The same scenario with every time (timeline, workload durations, limit) and the bulk size multiplied by
    /// `factor`, so that tests can run a shorter version of it. Link rates and delays stay.
    public func scaled(by factor: Double) -> LabScenario {
        var scenario = self
        scenario.timeline = self.timeline.map {
            LabLinkEvent(at: $0.at * factor, path: $0.path, directions: $0.directions, $0.change)
        }
        scenario.workload = self.workload.scaled(by: factor)
        scenario.durationLimit *= factor
        return scenario
    }
}
