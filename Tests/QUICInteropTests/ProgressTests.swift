import Foundation
import QUICInterop
import QUICTestSupport
import Testing

@Suite("ProgressBar, RateMeter, TransferSummary, ClientReport")
struct ProgressTests {
    @Test("the rate is measured over the last second")
    func rateMeter() {
        var meter = RateMeter(window: 1.0)
        #expect(meter.bytesPerSecond == 0)
        meter.record(totalBytes: 0, at: 10.0)
        #expect(meter.bytesPerSecond == 0)
        for step in 1...20 {
            meter.record(totalBytes: UInt64(step) * 1_000, at: 10.0 + Double(step) * 0.1)
        }
        #expect(abs(meter.bytesPerSecond - 10_000) < 1)
        // The rate changes: only the last second counts.
        for step in 1...10 {
            meter.record(totalBytes: 20_000 + UInt64(step) * 5_000, at: 12.0 + Double(step) * 0.1)
        }
        #expect(abs(meter.bytesPerSecond - 50_000) < 1)
        // A stall longer than the window reads as 0.
        meter.record(totalBytes: 70_000, at: 14.5)
        meter.record(totalBytes: 70_000, at: 15.6)
        #expect(meter.bytesPerSecond == 0)
        // Going back in time restarts the meter instead of producing a negative rate.
        meter.record(totalBytes: 10, at: 1.0)
        #expect(meter.bytesPerSecond == 0)
    }

    @Test("the line shows bytes, total, percent, rate and time")
    func renderKnownTotal() {
        let line = ProgressBar.render(bytes: 50_000_000, total: 100_000_000, elapsed: 2.5, bytesPerSecond: 20_000_000)
        #expect(line.hasPrefix("["))
        #expect(line.contains("50.0 MB / 100.0 MB"))
        #expect(line.contains(" 50% "))
        #expect(line.contains("160.0 Mbit/s"))
        #expect(line.contains("2.5s"))
        #expect(line.count <= 79)
        let done = ProgressBar.render(bytes: 100, total: 100, elapsed: 1, bytesPerSecond: 0)
        #expect(done.contains("100%") && !done.contains(">") && !done.contains("[ "))
        let empty = ProgressBar.render(bytes: 0, total: 100, elapsed: 0, bytesPerSecond: 0)
        #expect(empty.hasPrefix("[>"))
    }

    @Test("without a total there is no bar")
    func renderUnknownTotal() {
        let line = ProgressBar.render(bytes: 1_234_567, total: nil, elapsed: 65, bytesPerSecond: 2e9)
        #expect(line == "1.2 MB  16.00 Gbit/s  1:05")
    }

    @Test("every line fits its width, whatever the numbers")
    func fits() {
        var random = SplitMix64(seed: 80)
        for _ in 0..<2_000 {
            let total: UInt64? = random.bool() ? random.next() >> random.int(0...63) : nil
            let bytes = random.next() >> random.int(0...63)
            let width = random.int(0...120)
            let elapsed = [0, 0.3, 59.99, 3_599, 1e12, -.infinity, .nan][random.int(0...6)]
            let rate = [0, 1, 1e6, 1e15, .infinity, .nan, -5][random.int(0...6)]
            let line = ProgressBar.render(bytes: bytes, total: total, elapsed: elapsed, bytesPerSecond: rate,
                                          width: width)
            #expect(line.count <= width)
            #expect(!line.contains("\n"))
        }
    }

    @Test("units")
    func units() {
        #expect(Formatting.bytes(0) == "0 B")
        #expect(Formatting.bytes(999) == "999 B")
        #expect(Formatting.bytes(1_000) == "1.0 kB")
        #expect(Formatting.bytes(999_960) == "1.0 MB")
        #expect(Formatting.bytes(UInt64.max) == "18.4 EB")
        #expect(Formatting.rate(bytesPerSecond: 125_000_000) == "1.00 Gbit/s")
        #expect(Formatting.duration(seconds: 7_384) == "2:03:04")
        #expect(Formatting.megabitsPerSecond(bytes: 1_000_000, seconds: 0) == 0)
        #expect(Formatting.megabitsPerSecond(bytes: 1_000_000, seconds: 2) == 4)
    }

    @Test("sizes typed on a command line")
    func byteCounts() {
        #expect(Formatting.parseByteCount("100M") == 100_000_000)
        #expect(Formatting.parseByteCount("1k") == 1_000)
        #expect(Formatting.parseByteCount("1T") == 1_000_000_000_000)
        #expect(Formatting.parseByteCount("12345") == 12_345)
        #expect(Formatting.parseByteCount("18446744073709551615") == UInt64.max)
        for bad in ["", "M", "-1", "+1", "1.5G", "1MB", "20000000T", "18446744073709551616", " 1"] {
            #expect(Formatting.parseByteCount(bad) == nil, "\(bad)")
        }
    }

    @Test("resource errors map to the documented reset codes")
    func resetCodes() {
        #expect(HQErrorCode.code(for: .notFound("/x")) == 0x11)
        #expect(HQErrorCode.code(for: .notARegularFile("/")) == 0x11)
        #expect(HQErrorCode.code(for: .forbidden("/..")) == 0x12)
        #expect(HQErrorCode.code(for: .invalidEncoding("/%")) == 0x10)
        #expect(HQErrorCode.code(for: .readFailed("io")) == 0x13)
    }

    @Test("the summary names bytes, seconds, Mbit/s, the handshake and each path")
    func summary() {
        let summary = TransferSummary(
            bytes: 100_000_000, seconds: 2, handshakeMilliseconds: 3.25,
            paths: [.init(name: "127.0.0.1:5000 <-> 127.0.0.1:4433", bytesSent: 20_000, bytesReceived: 100_500_000,
                          smoothedRTTMilliseconds: 0.5, packetsLost: 7)],
            notes: ["resumed"])
        #expect(summary.megabitsPerSecond == 400)
        #expect(summary.lines == [
            "received 100.0 MB (100000000 bytes) in 2.000 s: 400.0 Mbit/s, handshake 3.2 ms, resumed",
            "  path 127.0.0.1:5000 <-> 127.0.0.1:4433: sent 20.0 kB, received 100.5 MB, srtt 0.50 ms, lost 7",
        ])
    }

    @Test("the JSON report has the agreed keys and reads back")
    func report() throws {
        var report = ClientReport(ok: true)
        report.bytes = 5
        report.handshakeMs = 1.5
        report.zeroRTT = "accepted"
        report.files = [.init(url: "https://127.0.0.1:4433/5", bytes: 5, sha256: "ab")]
        let line = report.jsonLine()
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        for key in ["ok", "bytes", "seconds", "mbps", "handshakeMs", "resumed", "zeroRTT", "retry", "cipherSuite",
                    "keyUpdates", "migrated", "files"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(line.contains("\"url\":\"https://127.0.0.1:4433/5\""))
        #expect(try JSONDecoder().decode(ClientReport.self, from: Data(line.utf8)) == report)
    }
}
