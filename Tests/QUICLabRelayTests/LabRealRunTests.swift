import QUICLab
import QUICLabRelay
import QUICSimulator
import Testing

/// Short lab runs over real sockets on loopback, through the relay.
@Suite("Lab runs over the relay", .serialized)
struct LabRealRunTests {
    static func scenario(timeline: [LabLinkEvent] = [], bytes: Int, stallThreshold: Double = 0.5,
                         firstMegabits: Double = 20) -> LabScenario {
        LabScenario(
            name: "tiny", summary: "", paths: [.symmetric("one", megabits: firstMegabits, oneWayMilliseconds: 5),
                                              .symmetric("two", megabits: 20, oneWayMilliseconds: 10)],
            timeline: timeline, workload: LabWorkload(bulk: BulkWorkload(bytes: bytes)), metrics: [.goodput],
            objective: LabObjective(measure: LabMeasure.goodput, label: "", lowerIsBetter: false), durationLimit: 30,
            stallThreshold: stallThreshold)
    }

    @Test("a 1 MB bulk download with minrtt completes with every byte, over both relay paths")
    func multipathBulk() async throws {
        let scenario = Self.scenario(bytes: 1_000_000)
        let result = try await LabRealRunner.run(scenario, strategy: .multipath(.minRTT))
        #expect(result.completed)
        #expect(result.bytesReceived == 1_000_000)
        #expect(result.strategy == "minrtt")
        // 1 MB at up to 40 Mbit/s cannot take less than 0.2 s (no upper bound: the machine may be loaded).
        #expect(result.seconds > 0.2, "\(result.seconds) s")
        #expect(result.goodputBitsPerSecond == Double(result.bytesReceived) * 8 / result.seconds)
        // Everything went through the relay: its paths carried the download and its acknowledgments.
        #expect(result.bytesPerPath.map(\.name) == ["one", "two"])
        #expect(result.bytesPerPath.reduce(0) { $0 + $1.bytes } > 1_000_000)
        #expect(result.series.paths.flatMap(\.down).reduce(0, +) > 1_000_000)
        #expect(result.migratedAt == nil)
    }

    @Test("migration: the first path goes down mid-download; the client moves to the other and completes")
    func migration() async throws {
        // 4 MB at 8 Mbit/s take 4 s: the path goes down half way, long after the handshake even on a loaded machine
        // (QUIC v1 cannot migrate before the handshake is confirmed).
        let scenario = Self.scenario(timeline: [LabLinkEvent(at: 2, path: 0, .down)], bytes: 4_000_000,
                                     stallThreshold: 0.05, firstMegabits: 8)
        let result = try await LabRealRunner.run(scenario, strategy: .migration)
        #expect(result.completed)
        #expect(result.bytesReceived == 4_000_000)
        let migratedAt = try #require(result.migratedAt)
        #expect(migratedAt > 2, "migrated at \(migratedAt) s")
        #expect(result.bytesPerPath[1].bytes > 100_000, "the rest came over the second path")
        // The gap: at least the migration rule's 100 ms of silence, then the new path's validation.
        #expect(result.longestStall > 0.1, "longest stall \(result.longestStall) s")
    }
}
