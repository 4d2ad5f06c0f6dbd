import Foundation
import QUICLab
import QUICSimulator
import QUICTransport
import Testing

/// Lab runs at reduced duration: reproducible, and the strategies compare the way the use cases need.
@Suite("Lab scenarios in the simulator")
struct LabRunnerTests {
    @Test("the same seed gives identical JSON")
    func sameSeedSameResult() throws {
        let scenario = LabCatalog.voiceAssistant.scaled(by: 0.1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let first = try encoder.encode(try LabRunner.run(scenario, strategy: .multipath(.minRTT), seed: 7))
        let second = try encoder.encode(try LabRunner.run(scenario, strategy: .multipath(.minRTT), seed: 7))
        #expect(first == second)
    }

    @Test("voice assistant: multipath has a lower p95 completion time than Wi-Fi alone")
    func voiceAssistantMultipathBeatsDyingWifi() throws {
        let scenario = LabCatalog.voiceAssistant.scaled(by: 0.3)
        let wifi = try LabRunner.run(scenario, strategy: .singlePath(0))
        let multipath = try LabRunner.run(scenario, strategy: .multipath(.minRTT))
        print("voice-assistant x0.3: single-wifi \(wifi), minrtt \(multipath)")
        #expect(multipath.completed)
        #expect(!wifi.completed)
        let multipathP95 = try #require(multipath.completionP95)
        let wifiP95 = try #require(wifi.completionP95)
        #expect(multipathP95 < wifiP95)
    }

    @Test("high-speed rail: migration survives the handover outage and completes")
    func migrationRecovers() throws {
        // At a tenth of the scale the first handover comes at 0.5 s; after it the download continues on the
        // 2 Mbit/s train Wi-Fi, so it needs more than a tenth of the original time limit.
        var scenario = LabCatalog.highSpeedRail.scaled(by: 0.1)
        scenario.durationLimit = 30
        let result = try LabRunner.run(scenario, strategy: .migration)
        print("high-speed-rail x0.1 migration: \(result)")
        #expect(result.migratedAt != nil)
        #expect(result.completed)
        #expect(result.bytesReceived == scenario.workload.bulk?.bytes)
    }

    @Test("every scenario runs to completion with multipath at 0.3 of its duration", arguments: LabCatalog.scenarios)
    func everyScenarioCompletes(_ scenario: LabScenario) throws {
        let result = try LabRunner.run(scenario.scaled(by: 0.3), strategy: .multipath(.minRTT))
        print("\(scenario.name) x0.3 minrtt: \(result)")
        #expect(result.completed)
        #expect(result.goodputBitsPerSecond > 0)
    }

    @Test("strategy names parse, and an unknown one lists the valid names")
    func strategyNames() throws {
        let scenario = LabCatalog.voiceAssistant
        #expect(try LabStrategy(parsing: "single-lte", in: scenario) == .singlePath(1))
        #expect(try LabStrategy(parsing: "wifi", in: scenario) == .singlePath(0))
        #expect(try LabStrategy(parsing: "migration", in: scenario) == .migration)
        #expect(try LabStrategy(parsing: "costaware", in: scenario) == .multipath(.costAware))
        #expect(throws: LabError.self) { try LabStrategy(parsing: "carrier-pigeon", in: scenario) }
        #expect(LabResult.percentile(95, of: Array(1...100).map(Double.init)) == 95)
    }
}
