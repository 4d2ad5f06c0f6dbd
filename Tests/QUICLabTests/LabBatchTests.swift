import Foundation
import Testing

@testable import QUICLab

/// Batches of simulated runs on worker threads, and the files a report writes.
@Suite("Lab report batch")
struct LabBatchTests {
    private var plan: [LabRunSpec] {
        let scenario = LabCatalog.voiceAssistant.scaled(by: 0.1)
        return [LabStrategy.singlePath(1), .multipath(.minRTT)].flatMap { strategy in
            [UInt64(1), 2].map { LabRunSpec(scenario: scenario, strategy: strategy, seed: $0) }
        }
    }

    private func report(workers: Int, progress: inout [LabProgress]) throws -> LabReport {
        var seen: [LabProgress] = []
        let results = try LabBatch(plan: self.plan).run(workers: workers, progress: { seen.append($0) })
        progress = seen
        let scenario = LabCatalog.voiceAssistant.scaled(by: 0.1)
        return LabReport(scenarios: [LabScenarioDescription(scenario)], results: results, seeds: [1, 2], scale: 0.1,
                         command: "mpquic lab report")
    }

    @Test("one worker and two workers give the same results JSON, in plan order")
    func deterministic() throws {
        var serialProgress: [LabProgress] = []
        var parallelProgress: [LabProgress] = []
        let serial = try self.report(workers: 1, progress: &serialProgress)
        let parallel = try self.report(workers: 2, progress: &parallelProgress)
        #expect(try serial.json() == parallel.json())
        #expect(serial.results.map(\.strategy) == ["single-lte", "single-lte", "minrtt", "minrtt"])
        #expect(serial.results.map(\.seed) == [1, 2, 1, 2])
        #expect(parallelProgress.map(\.finished) == [1, 2, 3, 4])
        #expect(parallelProgress.allSatisfy { $0.total == 4 && $0.elapsed == nil })
        #expect(Set(parallelProgress.map { "\($0.spec.strategyName) \($0.spec.seed)" }).count == 4)
        #expect(serial.aggregates.count == 2)
        #expect(serial.aggregates.allSatisfy { $0.runs == 2 })
        let winner = try #require(serial.winner(of: "voice-assistant"))
        #expect(["single-lte", "minrtt"].contains(winner.strategy))
        #expect(winner.migration == nil, "migration did not run")
        let decoded = try JSONDecoder().decode(LabReport.self, from: try serial.json())
        #expect(decoded == serial)
    }

    @Test("the whole catalog's plan: every scenario x strategy x seed, in order")
    func planOrder() {
        let batch = LabBatch(scenarios: LabCatalog.scenarios, seeds: [1, 2, 5])
        let expected = LabCatalog.scenarios.reduce(0) { $0 + $1.strategies.count } * 3
        #expect(batch.plan.count == expected)
        #expect(batch.plan.prefix(3).map(\.seed) == [1, 2, 5])
        #expect(batch.plan.first?.scenario.name == LabCatalog.scenarios.first?.name)
        #expect(batch.plan.last?.scenario.name == LabCatalog.scenarios.last?.name)
    }

    @Test("an empty batch returns at once; a clock handed in times each run")
    func clock() throws {
        #expect(try LabBatch(plan: []).run(workers: 4).isEmpty)
        let spec = try #require(self.plan.first)
        var elapsed: [Double?] = []
        _ = try LabBatch(plan: [spec]).run(workers: 3, clock: { 42 }) { elapsed.append($0.elapsed) }
        #expect(elapsed == [0])
    }

    @Test("the report goes to a directory it creates; a file in the way is a clear error")
    func writing() throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("lab-report-test-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: base) }
        let report = LabReport(scenarios: [], results: [], seeds: [1], scale: 1, command: "mpquic lab report")
        let files = try report.write(to: base.appendingPathComponent("nested/dir").path)
        #expect(files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["results.json", "report.html"])
        #expect(files.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        let blocker = base.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        #expect(throws: LabReportError.outputNotWritable(path: blocker.path, reason: "it is a file")) {
            try LabReport.prepare(directory: blocker.path)
        }
        #expect(throws: LabReportError.self) { try report.write(to: blocker.appendingPathComponent("below").path) }
    }
}
