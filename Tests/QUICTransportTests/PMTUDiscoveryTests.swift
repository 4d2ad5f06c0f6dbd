import Testing
@testable import QUICTransport

@Suite("PMTU discovery")
struct PMTUDiscoveryTests {
    /// Runs the search against a link that carries datagrams up to `linkMTU` bytes.
    private func search(maximum: Int, linkMTU: Int, discovery: inout PMTUDiscovery, now: UInt64 = 0) -> Int {
        var probes = 0
        while let size = discovery.probeToSend(now: now) {
            probes += 1
            if size <= linkMTU {
                discovery.onProbeAcknowledged(size: size, now: now)
            } else {
                discovery.onProbeLost(size: size, now: now)
            }
        }
        return probes
    }

    @Test func findsTheInterfaceMTUWithOneProbe() {
        var discovery = PMTUDiscovery(maximumSize: 1_472)
        let probes = self.search(maximum: 1_472, linkMTU: 1_472, discovery: &discovery)
        #expect(discovery.currentSize == 1_472)
        #expect(probes == 1)
        #expect(discovery.state == .searchComplete)
    }

    @Test(arguments: [1_200, 1_280, 1_350, 1_400, 1_452, 1_471])
    func convergesBelowASmallerLinkMTU(linkMTU: Int) {
        var discovery = PMTUDiscovery(maximumSize: 1_472)
        _ = self.search(maximum: 1_472, linkMTU: linkMTU, discovery: &discovery)
        #expect(discovery.currentSize <= linkMTU)
        #expect(linkMTU - discovery.currentSize <= discovery.precision)
        #expect(discovery.state == .searchComplete)
    }

    @Test func blackHoleFallsBackAndSearchesAgainBelow() {
        var discovery = PMTUDiscovery(maximumSize: 1_472)
        _ = self.search(maximum: 1_472, linkMTU: 1_472, discovery: &discovery)
        discovery.onBlackHoleDetected(now: 10)
        #expect(discovery.currentSize == PMTUDiscovery.baseSize)
        _ = self.search(maximum: 1_472, linkMTU: 1_300, discovery: &discovery, now: 10)
        #expect(discovery.currentSize <= 1_300 && discovery.currentSize > 1_300 - discovery.precision)
    }

    @Test func raiseTimerProbesAgain() {
        var discovery = PMTUDiscovery(maximumSize: 1_472)
        _ = self.search(maximum: 1_472, linkMTU: 1_300, discovery: &discovery)
        let raise = discovery.nextTimeout ?? 0
        #expect(raise == PMTUDiscovery.raiseInterval)
        #expect(discovery.probeToSend(now: raise - 1) == nil)
        _ = self.search(maximum: 1_472, linkMTU: 1_472, discovery: &discovery, now: raise)
        #expect(discovery.currentSize == 1_472)
    }
}
