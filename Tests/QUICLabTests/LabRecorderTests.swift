import Foundation
import QUICSimulator
import Testing

@testable import QUICLab

/// The metric bookkeeping on its own: stalls, percentiles, scaling and the JSON form of a result.
@Suite("Lab metrics")
struct LabRecorderTests {
    private func at(_ milliseconds: UInt64) -> SimInstant { .zero + .milliseconds(milliseconds) }

    @Test("a gap longer than the threshold while waiting is a stall; idle time between requests is not")
    func stalls() {
        let recorder = LabRecorder(stallThreshold: .milliseconds(500))
        recorder.begin(now: self.at(0))
        recorder.read(100, now: self.at(100))
        recorder.read(100, now: self.at(900))  // 800 ms without data: a stall
        recorder.end(now: self.at(900), requestSeconds: 0.9)
        recorder.begin(now: self.at(5_000))  // 4.1 s idle before: not a stall
        recorder.read(100, now: self.at(5_200))
        recorder.end(now: self.at(5_200), requestSeconds: 0.2)
        recorder.begin(now: self.at(6_000))
        recorder.finish(now: self.at(7_000))  // still waiting at the end: 1 s stall
        #expect(recorder.stallCount == 2)
        #expect(abs(recorder.totalStall.seconds - 1.8) < 1e-9)
        #expect(abs(recorder.longestStall.seconds - 1.0) < 1e-9)
        #expect(recorder.completions == [0.9, 0.2])
        #expect(recorder.bytesRead == 300)
    }

    @Test("nearest-rank percentiles")
    func percentiles() {
        #expect(LabResult.percentile(50, of: []) == nil)
        #expect(LabResult.percentile(50, of: [3]) == 3)
        #expect(LabResult.percentile(50, of: [4, 1, 3, 2]) == 2)
        #expect(LabResult.percentile(99, of: [4, 1, 3, 2]) == 4)
        #expect(LabResult.percentile(0, of: [4, 1, 3, 2]) == 1)
    }

    @Test("scaling shortens times and the download but keeps the links")
    func scaling() {
        let scenario = LabCatalog.highSpeedRail
        let scaled = scenario.scaled(by: 0.5)
        #expect(scaled.paths == scenario.paths)
        #expect(scaled.durationLimit == scenario.durationLimit / 2)
        #expect(scaled.workload.bulk?.bytes == 20_000_000)
        #expect(scaled.timeline.map(\.at) == scenario.timeline.map { $0.at / 2 })
    }

    @Test("a result survives a JSON round trip")
    func jsonRoundTrip() throws {
        let result = try LabRunner.run(LabCatalog.voiceAssistant.scaled(by: 0.05), strategy: .singlePath(1), seed: 3)
        let decoded = try JSONDecoder().decode(LabResult.self, from: try JSONEncoder().encode(result))
        #expect(decoded == result)
        #expect(result.completed)
        #expect(result.bytesPerPath.map(\.name) == ["wifi", "lte"])
        #expect(result.bytesPerPath[0].bytes == 0, "single-lte sends nothing on Wi-Fi")
        #expect(result.meteredBytes == result.bytesPerPath[1].bytes)
    }
}
