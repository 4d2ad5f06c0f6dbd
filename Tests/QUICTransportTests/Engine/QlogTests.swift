import Foundation
import QUICQlog
import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire
import Testing

@Suite("qlog of a simulated transfer")
struct ConnectionQlogTests {
    @Test("A 1 MB download logs packets, losses and metrics to a JSON-SEQ file that parses record by record")
    func transferTrace() throws {
        let path = ProcessInfo.processInfo.environment["QLOG_TEST_OUTPUT"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString).sqlog").path
        let link = LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: 20_000_000),
                                  delay: .milliseconds(15), queueCapacity: 60_000, loss: .bernoulli(probability: 0.01))
        let harness = try EngineHarness(clientToServer: link, serverToClient: link, seed: 7)
        let client = try #require(harness.client)
        let sink = try QlogFileSink(path: path, trace: QlogTrace(
            title: "1 MB download", vantagePoint: .client, originalDestinationCID: client.originalDestinationConnectionID,
            referenceNanoseconds: 0))
        client.qlog = sink
        let application = DownloadApplication(size: 1_000_000)
        application.install(on: harness)
        harness.pair.drive(until: SimInstant.zero + .seconds(30)) { application.clientFinished }
        #expect(application.hashesMatch)
        try sink.close()

        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let records = bytes.split(separator: 0x1e, omittingEmptySubsequences: true)
        #expect(records.count > 500)
        var names: [String: Int] = [:]
        var lastTime = -1.0
        for (index, record) in records.enumerated() {
            #expect(record.last == 0x0a)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(record)) as? [String: Any])
            if index == 0 {
                #expect(object["qlog_format"] as? String == "JSON-SEQ")
                continue
            }
            let name = try #require(object["name"] as? String)
            let time = try #require(object["time"] as? Double)
            #expect(time >= lastTime)
            lastTime = time
            #expect(object["data"] is [String: Any])
            names[name, default: 0] += 1
        }
        #expect((names["transport:packet_sent"] ?? 0) > 100)
        #expect((names["transport:packet_received"] ?? 0) > 500)
        #expect((names["recovery:metrics_updated"] ?? 0) > 50)
        #expect(names["connectivity:connection_state_updated"] != nil)
        if ProcessInfo.processInfo.environment["QLOG_TEST_OUTPUT"] == nil {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
