import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire
import Testing

@Suite("Path MTU discovery in the simulator")
struct PMTUTests {
    /// The simulator checks a link's MTU against the UDP payload size (``SimDatagram/size``): no IP or UDP
    /// header is counted, so the largest datagram a 1,500-byte link carries is 1,500 bytes.
    static let linkMTU = 1_500

    static func link(mtu: Int) -> LinkParameters {
        LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: 20_000_000), delay: .milliseconds(10),
                       queueCapacity: 100_000, mtu: mtu)
    }

    static func harness() throws -> EngineHarness {
        try EngineHarness(clientToServer: Self.link(mtu: Self.linkMTU), serverToClient: Self.link(mtu: Self.linkMTU)) {
            $0.maxUDPPayloadSize = 1_600
        } server: { $0.connection.maxUDPPayloadSize = 1_600 }
    }

    @Test("DPLPMTUD raises the datagram size to within the search precision of the link's 1,500 bytes")
    func discoversLinkMTU() throws {
        let harness = try Self.harness()
        let application = DownloadApplication(size: 2_000_000)
        application.install(on: harness)
        #expect(harness.pair.drive(until: SimInstant.zero + .seconds(30)) { application.clientFinished })
        #expect(application.hashesMatch)
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        let precision = PMTUDiscovery(maximumSize: 1_600).precision
        for size in [client.maxDatagramSize, server.maxDatagramSize] {
            #expect(size <= Self.linkMTU && size > Self.linkMTU - precision, "found \(size)")
        }
        let statistics = try #require(harness.pair.network.statistics(link: "pair", direction: .bToA))
        #expect(statistics.droppedMTU > 0)
    }

    @Test("The link MTU drops to 1,300 mid-transfer: black-hole detection falls back, the transfer completes")
    func blackHoleRecovery() throws {
        let newMTU = 1_300
        let size = 5_000_000
        let harness = try Self.harness()
        let application = DownloadApplication(size: size)
        application.install(on: harness)
        let changeAt = SimInstant.zero + .seconds(1)
        let change = ScheduledLinkChange(at: changeAt, link: "pair", .parameters(Self.link(mtu: newMTU)))
        harness.pair.network.schedule(change)
        #expect(harness.pair.drive(until: changeAt) { false } == false)
        let server = try #require(harness.server)
        let client = try #require(harness.client)
        #expect(server.maxDatagramSize > Self.linkMTU - 16, "before the change: \(server.maxDatagramSize)")
        #expect(!application.clientFinished)
        #expect(harness.pair.drive(until: SimInstant.zero + .seconds(60)) { application.clientFinished })
        #expect(application.hashesMatch)
        #expect(!client.isClosed && !server.isClosed)
        #expect(server.stats.pmtuBlackHoles >= 1)
        let precision = PMTUDiscovery(maximumSize: 1_600).precision
        #expect(server.maxDatagramSize <= newMTU && server.maxDatagramSize > newMTU - precision,
                "after the change: \(server.maxDatagramSize)")
        let elapsed = try #require(application.finishedAt).inSeconds
        #expect(elapsed < 10, "took \(elapsed) s")
    }
}
