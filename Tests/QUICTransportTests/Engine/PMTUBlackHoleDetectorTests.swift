import QUICTransport
import Testing

@Suite("PMTU black-hole detector")
struct PMTUBlackHoleDetectorTests {
    @Test("Three large packets lost after the last acknowledged large one mean a black hole")
    func lossSignal() {
        var detector = PMTUBlackHoleDetector()
        detector.onAcknowledged(packetNumber: 10, size: 1_400)
        detector.onLost(packetNumber: 11, size: 1_400)
        detector.onLost(packetNumber: 12, size: 1_400)
        #expect(!detector.isBlackHole)
        // Small packets lost do not count.
        detector.onLost(packetNumber: 13, size: 1_200)
        #expect(!detector.isBlackHole)
        detector.onLost(packetNumber: 14, size: 1_400)
        #expect(detector.isBlackHole)
        detector.reset()
        #expect(!detector.isBlackHole)
    }

    @Test("Congestion losses behind an acknowledged large packet are not a black hole")
    func congestionLossIgnored() {
        var detector = PMTUBlackHoleDetector()
        // An ACK for 20 declares 15...19 lost: the path carried the size, the losses are congestion.
        detector.onAcknowledged(packetNumber: 20, size: 1_400)
        for packetNumber in UInt64(15)...19 { detector.onLost(packetNumber: packetNumber, size: 1_400) }
        #expect(!detector.isBlackHole)
        // An acknowledged large packet clears losses counted before it.
        detector.onLost(packetNumber: 21, size: 1_400)
        detector.onLost(packetNumber: 22, size: 1_400)
        detector.onAcknowledged(packetNumber: 23, size: 1_400)
        detector.onLost(packetNumber: 24, size: 1_400)
        #expect(!detector.isBlackHole)
    }

    @Test("Three probe timeouts in a row with large packets in flight mean a black hole; an ACK resets")
    func timeoutSignal() {
        var detector = PMTUBlackHoleDetector()
        detector.onProbeTimeout(largePacketsInFlight: true)
        detector.onProbeTimeout(largePacketsInFlight: true)
        detector.onAcknowledged(packetNumber: 5, size: 100)
        detector.onProbeTimeout(largePacketsInFlight: true)
        detector.onProbeTimeout(largePacketsInFlight: true)
        #expect(!detector.isBlackHole)
        detector.onProbeTimeout(largePacketsInFlight: false)
        detector.onProbeTimeout(largePacketsInFlight: true)
        detector.onProbeTimeout(largePacketsInFlight: true)
        #expect(!detector.isBlackHole)
        detector.onProbeTimeout(largePacketsInFlight: true)
        #expect(detector.isBlackHole)
    }
}
