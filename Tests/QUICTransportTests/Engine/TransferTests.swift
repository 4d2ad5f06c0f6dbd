import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire
import Testing

@Suite("Bulk transfers in the simulator")
struct TransferTests {
    /// 10 Mbit/s each way, 20 ms one-way delay, a drop-tail queue of about two bandwidth-delay products.
    static func link(loss: Double = 0) -> LinkParameters {
        LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: 10_000_000), delay: .milliseconds(20),
                       queueCapacity: 100_000, loss: loss > 0 ? .bernoulli(probability: loss) : .none)
    }

    @Test("10 MB over 10 Mbit/s and 40 ms RTT finishes within 1.15x the ideal time, byte-identical")
    func tenMegabytes() throws {
        let size = 10_000_000
        let harness = try EngineHarness(clientToServer: Self.link(), serverToClient: Self.link())
        let application = DownloadApplication(size: size)
        application.install(on: harness)
        harness.pair.drive(until: SimInstant.zero + .seconds(60)) { application.clientFinished }
        #expect(application.hashesMatch)
        // Ideal: the bytes at the link rate plus the handshake and request round trips.
        let ideal = Double(size) * 8 / 10_000_000 + 0.080
        let elapsed = Double(try #require(application.finishedAt).nanoseconds) / 1e9
        #expect(elapsed <= ideal * 1.15, "took \(elapsed) s, ideal \(ideal) s")
    }

    /// With 1% random loss a loss-based controller is limited to about MSS/RTT x 1.22/sqrt(p) (the Mathis
    /// model): 1,200 B / 40 ms x 12.2 = 2.9 Mbit/s, so 10 MB needs about 27 s. The budget is 30 s.
    @Test("10 MB with 1% random loss finishes within 30 s (the loss-limited rate), byte-identical")
    func tenMegabytesWithLoss() throws {
        let size = 10_000_000
        let harness = try EngineHarness(clientToServer: Self.link(loss: 0.01), serverToClient: Self.link(loss: 0.01))
        let application = DownloadApplication(size: size)
        application.install(on: harness)
        harness.pair.drive(until: SimInstant.zero + .seconds(120)) { application.clientFinished }
        #expect(application.hashesMatch)
        let ideal = Double(size) * 8 / 10_000_000 + 0.080
        let elapsed = Double(try #require(application.finishedAt).nanoseconds) / 1e9
        #expect(elapsed <= 30, "took \(elapsed) s, ideal without loss \(ideal) s")
    }
}
