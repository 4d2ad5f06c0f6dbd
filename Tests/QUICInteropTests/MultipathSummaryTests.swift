import Foundation
import QUICInterop
import Testing

@Suite("Multipath transfer summary")
struct MultipathSummaryTests {
    @Test("with several paths each line names the path, its share of the bytes, its RTT, loss and status")
    func multipathLines() {
        var wifi = TransferSummary.Path(name: "127.0.0.1:5000 <-> 127.0.0.1:4433", bytesSent: 10_000,
                                        bytesReceived: 30_000_000, smoothedRTTMilliseconds: 21.5, packetsLost: nil)
        wifi.pathID = 0
        wifi.label = "wifi"
        wifi.status = "abandoned"
        wifi.recentLossRate = 0.012
        var cellular = TransferSummary.Path(name: "127.0.0.2:5001 <-> 127.0.0.1:4433", bytesSent: 5_000,
                                            bytesReceived: 10_000_000, smoothedRTTMilliseconds: 60, packetsLost: nil)
        cellular.pathID = 1
        cellular.label = "cellular"
        cellular.status = "available"
        let summary = TransferSummary(bytes: 40_000_000, seconds: 4, handshakeMilliseconds: nil,
                                      paths: [wifi, cellular])
        #expect(summary.lines == [
            "received 40.0 MB (40000000 bytes) in 4.000 s: 80.0 Mbit/s",
            "  path 0 wifi (127.0.0.1:5000 <-> 127.0.0.1:4433): sent 10.0 kB, received 30.0 MB (75%), "
                + "srtt 21.50 ms, recent loss 1.2%, abandoned",
            "  path 1 cellular (127.0.0.2:5001 <-> 127.0.0.1:4433): sent 5.0 kB, received 10.0 MB (25%), "
                + "srtt 60.00 ms",
        ])
    }

    @Test("the JSON report carries the per-path fields and omits them for a single path")
    func json() throws {
        var report = ClientReport(ok: true)
        var path = TransferSummary.Path(name: "a <-> b", bytesSent: 1, bytesReceived: 2, smoothedRTTMilliseconds: 3,
                                        packetsLost: nil)
        path.pathID = 1
        path.label = "cellular"
        path.metered = true
        report.paths = [path, .init(name: "c <-> d", bytesSent: 4, bytesReceived: 5, smoothedRTTMilliseconds: 6,
                                    packetsLost: 7)]
        let line = report.jsonLine()
        #expect(line.contains("\"label\":\"cellular\""))
        #expect(line.contains("\"pathID\":1"))
        #expect(line.contains("\"metered\":true"))
        let decoded = try JSONDecoder().decode(ClientReport.self, from: Data(line.utf8))
        #expect(decoded.paths == report.paths)
        #expect(decoded.paths[1].pathID == nil && decoded.paths[1].packetsLost == 7)
    }
}
