import QUICLab
import QUICTransport
import Testing

/// The five use-case scenarios at reduced scale: each completes with multipath, and each shows the point of its use
/// case (deterministic: one seed, virtual time).
@Suite("Lab use-case scenarios")
struct LabUseCaseTests {
    private func run(_ scenario: LabScenario, _ strategy: LabStrategy) throws -> LabResult {
        let result = try LabRunner.run(scenario, strategy: strategy, seed: 1)
        print("\(scenario.name) \(result.strategy): done \(result.completed) \(result.seconds) s, "
              + "goodput \(result.goodputBitsPerSecond), p99 \(result.completionP99 ?? -1), "
              + "stall \(result.totalStall), metered \(result.meteredBytes), \(result.measures)")
        return result
    }

    @Test("music streaming: cost-aware multipath avoids the rebuffering of Wi-Fi alone, with LTE for a minority")
    func musicStreaming() throws {
        // Full scale: the buffer (20 s) and the Wi-Fi outage (20 s) only interact at their real lengths; the audio is
        // light (about 5 MB), so the run is cheap.
        let scenario = LabCatalog.musicStreaming
        let wifi = try self.run(scenario, .singlePath(0))
        let costAware = try self.run(scenario, .multipath(.costAware))
        #expect(costAware.completed)
        let wifiRebuffering = try #require(wifi.value(of: LabMeasure.rebufferSeconds))
        #expect(wifiRebuffering > 5)
        #expect(try #require(costAware.value(of: LabMeasure.rebufferSeconds)) < wifiRebuffering / 5)
        #expect(try #require(costAware.value(of: LabMeasure.meteredShare)) < 0.5)
    }

    @Test("short video: multipath lowers the p99 chunk time of the congested Wi-Fi; ECF keeps chunk tails off it")
    func shortVideo() throws {
        let scenario = LabCatalog.shortVideo.scaled(by: 0.5)
        let wifi = try self.run(scenario, .singlePath(0))
        let minRTT = try self.run(scenario, .multipath(.minRTT))
        let ecf = try self.run(scenario, .multipath(.ecf))
        #expect(minRTT.completed)
        #expect(ecf.completed)
        #expect(try #require(minRTT.completionP99) < (try #require(wifi.completionP99)))
        // MinRTT spills chunk tails onto the Wi-Fi's deep queue when the 4G window fills; ECF waits for the 4G.
        #expect(try #require(ecf.completionP99) < (try #require(minRTT.completionP99)) * 0.6)
        #expect(try #require(ecf.completionP95) < (try #require(minRTT.completionP95)) * 0.6)
    }

    @Test("live uplink: multipath has fewer late frames than the better carrier alone")
    func liveUplink() throws {
        let scenario = LabCatalog.liveUplink.scaled(by: 0.5)
        let carrierA = try self.run(scenario, .singlePath(0))
        let carrierB = try self.run(scenario, .singlePath(1))
        let minRTT = try self.run(scenario, .multipath(.minRTT))
        #expect(minRTT.completed)
        let single = min(carrierA.value(of: LabMeasure.lateFrames) ?? 1, carrierB.value(of: LabMeasure.lateFrames) ?? 1)
        #expect((minRTT.value(of: LabMeasure.lateFrames) ?? 1) < single)
    }

    @Test("5G coverage holes: multipath keeps the download going through the holes")
    func coverageHoles() throws {
        let scenario = LabCatalog.coverageHoles5G.scaled(by: 0.3)
        let nr = try self.run(scenario, .singlePath(0))
        let minRTT = try self.run(scenario, .multipath(.minRTT))
        #expect(minRTT.completed)
        #expect(minRTT.longestStall < nr.longestStall)
    }

    @Test("hybrid access: cost-aware multipath carries the tunnel's excess over DSL on LTE, and only the excess")
    func hybridAccess() throws {
        let scenario = LabCatalog.hybridAccess.scaled(by: 0.3)
        let dsl = try self.run(scenario, .singlePath(0))
        let costAware = try self.run(scenario, .multipath(.costAware))
        #expect(costAware.completed)
        let dslRate = try #require(dsl.value(of: LabMeasure.aggregateRate))
        #expect(dslRate < 17_000_000, "DSL carries at most its 16 Mbit/s")
        #expect(try #require(costAware.value(of: LabMeasure.aggregateRate)) > dslRate * 1.3)
        #expect(try #require(costAware.value(of: LabMeasure.datagramLoss)) < 0.05)
        #expect(dsl.value(of: LabMeasure.meteredShare) == 0)
        // The offer is 1.5 x DSL: LTE needs a third of the bytes; allow for acknowledgments and probing.
        #expect(try #require(costAware.value(of: LabMeasure.meteredShare)) < 0.4)
    }
}
