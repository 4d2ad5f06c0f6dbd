import Dispatch
import Foundation
import Synchronization

/// One run of a batch: a scenario, a strategy that applies to it, and a seed.
public struct LabRunSpec: Sendable, Hashable {
    public var scenario: LabScenario
    public var strategy: LabStrategy
    public var seed: UInt64

    public init(scenario: LabScenario, strategy: LabStrategy, seed: UInt64) {
        self.scenario = scenario
        self.strategy = strategy
        self.seed = seed
    }

    public var strategyName: String { self.strategy.name(in: self.scenario) }
}

/// A run of a batch that just finished, for a progress line.
public struct LabProgress: Sendable {
    /// How many runs have finished, this one included (1-based), and how many the batch has.
    public var finished: Int
    public var total: Int
    public var spec: LabRunSpec
    public var result: LabResult
    /// Seconds the run took on the clock the caller handed in, if it handed one in.
    public var elapsed: Double?

    /// The run's value of its scenario's objective.
    public var objectiveValue: Double? { self.result.value(of: self.spec.scenario.objective.measure) }
}

/// Every scenario x strategy x seed of a report, run on worker threads. Each run is set up and run entirely on one
/// thread; only the results cross threads. The results come back in plan order (scenario, strategy, seed), so they
/// are the same whatever the number of workers.
public struct LabBatch: Sendable {
    /// The runs in result order.
    public var plan: [LabRunSpec]

    /// Every scenario, every strategy that applies to it, every seed, in that order.
    public init(scenarios: [LabScenario], seeds: [UInt64]) {
        self.plan = scenarios.flatMap { scenario in
            scenario.strategies.flatMap { strategy in
                seeds.map { LabRunSpec(scenario: scenario, strategy: strategy, seed: $0) }
            }
        }
    }

    /// Exactly these runs, in this order.
    public init(plan: [LabRunSpec]) {
        self.plan = plan
    }

    /// Runs the plan on `workers` threads (at least one, at most one per run). `progress` is called on the calling
    /// thread after each run, in the order they finish. `clock`, if given, is read around each run for
    /// ``LabProgress/elapsed`` (the lab reads no clock of its own). The first error stops the batch once the runs
    /// under way have finished.
    public func run(workers: Int, clock: (@Sendable () -> Double)? = nil,
                    progress: (LabProgress) -> Void = { _ in }) throws(LabError) -> [LabResult] {
        let plan = self.plan
        guard !plan.isEmpty else { return [] }
        let board = LabBatchBoard(total: plan.count)
        for _ in 0..<min(max(workers, 1), plan.count) {
            let thread = Thread { board.work(plan: plan, clock: clock) }
            thread.name = "lab-worker"
            thread.start()
        }
        var results = [LabResult?](repeating: nil, count: plan.count)
        var finished = 0
        var firstError: LabError?
        while let finishedRun = board.next() {
            let (index, outcome, elapsed) = finishedRun
            switch outcome {
            case .success(let result):
                finished += 1
                results[index] = result
                progress(LabProgress(finished: finished, total: plan.count, spec: plan[index], result: result,
                                     elapsed: elapsed))
            case .failure(let error):
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        return results.compactMap { $0 }
    }
}

/// The state the workers of a batch share: the next run to take, and the finished runs the calling thread has not
/// collected yet.
private final class LabBatchBoard: Sendable {
    private struct State {
        var nextRun = 0
        /// Runs taken and not yet collected by the calling thread.
        var outstanding = 0
        var stopped = false
        var done: [(Int, Result<LabResult, LabError>, Double?)] = []
    }

    private let total: Int
    private let state = Mutex(State())
    /// Signalled once per finished run.
    private let finished = DispatchSemaphore(value: 0)

    init(total: Int) {
        self.total = total
    }

    /// A worker's loop: takes runs until none is left or the batch stopped.
    func work(plan: [LabRunSpec], clock: (@Sendable () -> Double)?) {
        while let index = self.take() {
            let spec = plan[index]
            let start = clock?()
            let outcome = Result { () throws(LabError) -> LabResult in
                try LabRunner.run(spec.scenario, strategy: spec.strategy, seed: spec.seed)
            }
            let elapsed = clock.flatMap { clock in start.map { clock() - $0 } }
            self.state.withLock { state in
                state.done.append((index, outcome, elapsed))
                if case .failure = outcome { state.stopped = true }
            }
            self.finished.signal()
        }
    }

    private func take() -> Int? {
        self.state.withLock { state in
            guard !state.stopped, state.nextRun < self.total else { return nil }
            defer { state.nextRun += 1 }
            state.outstanding += 1
            return state.nextRun
        }
    }

    /// The next finished run, waiting for one while any is under way; nil when every run taken was collected and
    /// no more will be taken.
    func next() -> (Int, Result<LabResult, LabError>, Double?)? {
        while true {
            let waiting = self.state.withLock { state -> Bool in
                state.outstanding > 0 || (!state.stopped && state.nextRun < self.total)
            }
            guard waiting else { return nil }
            self.finished.wait()
            let item = self.state.withLock { state -> (Int, Result<LabResult, LabError>, Double?)? in
                guard !state.done.isEmpty else { return nil }
                state.outstanding -= 1
                return state.done.removeFirst()
            }
            if let item { return item }
        }
    }
}
