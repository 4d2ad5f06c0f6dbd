import QUICQlog
import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire
import Testing

@Suite("qlog of a multipath transfer")
struct MultipathQlogTests {
    @Test("Every 1-RTT packet_sent and packet_received names its path, and the server's per-path counts match its links")
    func packetEventsCarryPathIDs() throws {
        let link = LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: 10_000_000),
                                  delay: .milliseconds(20), queueCapacity: 60_000, loss: .none)
        let harness = try MultipathHarness(size: 3_000_000, first: link, second: link)
        var attached = false
        harness.serverEventHook = { connection, _ in
            guard !attached else { return }
            attached = true
            connection.qlog = QlogMemorySink()
        }
        #expect(harness.runDownload(deadline: .zero + .seconds(30)))
        #expect(harness.application.hashesMatch)
        let server = try #require(harness.serverConnection)
        let sink = try #require(server.qlog as? QlogMemorySink)
        var sentPerPath: [UInt64: Int] = [:]
        var unlabelled = 0
        for event in sink.events {
            guard case .packetSent(let packet) = event.data, packet.header.packetType == .oneRTT else {
                if case .packetReceived(let packet) = event.data, packet.header.packetType == .oneRTT {
                    if event.pathID == nil { unlabelled += 1 }
                }
                continue
            }
            guard let pathID = event.pathID else {
                unlabelled += 1
                continue
            }
            sentPerPath[pathID, default: 0] += 1
        }
        #expect(unlabelled == 0)
        #expect(Set(sentPerPath.keys) == [0, 1])
        // The trace and the network agree on how the download was split: each path's share of the server's 1-RTT
        // packets is its link's share of the server's datagrams, within a few percent (handshake packets and
        // coalescing differ).
        let first = Double(harness.serverBytes(onLink: MultipathHarness.firstLink))
        let second = Double(harness.serverBytes(onLink: MultipathHarness.secondLink))
        let traceShare = Double(sentPerPath[0] ?? 0) / Double((sentPerPath[0] ?? 0) + (sentPerPath[1] ?? 0))
        let linkShare = first / (first + second)
        #expect(abs(traceShare - linkShare) < 0.05, "trace \(traceShare), links \(linkShare)")
    }
}
