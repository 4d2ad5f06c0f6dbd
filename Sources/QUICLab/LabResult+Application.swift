extension LabResult {
    /// The result of a run measured outside the simulator (over real sockets), assembled the way the simulator
    /// assembles its own: `seconds` from the first request to `end`, goodput over them, percentiles over every
    /// completion time (a request still open at the end counting with the time it had waited), metered bytes the
    /// sum of the metered interfaces' bytes. `measures` stays empty.
    public static func measured(
        scenario: LabScenario, strategy: LabStrategy, seed: UInt64, completed: Bool, end: Double,
        recorder: LabApplicationRecorder, openRequestSeconds: Double?, requestsIssued: Int,
        bytesPerPath: [LabPathBytes], migratedAt: Double?, series: LabSeries
    ) -> LabResult {
        recorder.finish(at: end)
        var completions = recorder.completions
        if let openRequestSeconds { completions.append(openRequestSeconds) }
        let start = recorder.firstRequest ?? 0
        let seconds = max(end - start, 0)
        return LabResult(
            scenario: scenario, strategy: strategy, seed: seed, completed: completed, seconds: seconds,
            bytesRead: recorder.bytesRead, requestsIssued: requestsIssued,
            requestsCompleted: recorder.completions.count, completionTimes: completions,
            stalls: (recorder.totalStall, recorder.longestStall, recorder.stallCount), bytesPerPath: bytesPerPath,
            migratedAt: migratedAt, measures: [:], series: series)
    }
}

extension LabPathBytes {
    /// The bytes the interface called `path` carried (the memberwise initializer is internal).
    public init(path name: String, bytes: Int, metered: Bool) {
        self.name = name
        self.bytes = bytes
        self.metered = metered
    }
}
