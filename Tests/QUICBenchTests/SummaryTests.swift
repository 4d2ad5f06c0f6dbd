import QUICBench
import QUICTransport
import Testing

@Suite("Benchmark summaries and /proc parsing")
struct SummaryTests {
    @Test("percentiles of recorded durations")
    func percentiles() throws {
        var recorder = LatencyRecorder()
        for millisecond in 1...1_000 {
            recorder.record(seconds: Double(millisecond) / 1_000)
        }
        let summary = try #require(recorder.summary)
        #expect(summary.count == 1_000)
        // HdrHistogram with three significant digits: within 0.1% of the exact value.
        #expect(abs(summary.p50Ms - 500) <= 0.5)
        #expect(abs(summary.p99Ms - 990) <= 1)
        #expect(abs(summary.p999Ms - 999) <= 1)
        #expect(abs(summary.maxMs - 1_000) <= 1)
        #expect(LatencyRecorder().summary == nil)
    }

    @Test("odd durations are clamped, not trapped on")
    func clamping() throws {
        var recorder = LatencyRecorder()
        recorder.record(seconds: -1)
        recorder.record(seconds: .infinity)
        recorder.record(seconds: .nan)
        recorder.record(seconds: 1e12)
        let summary = try #require(recorder.summary)
        #expect(summary.count == 4)
        #expect(summary.maxMs <= Double(LatencyRecorder.highestMicroseconds) / 1_000 * 1.001)
    }

    @Test("summary text and number formatting")
    func formatting() {
        let summary = LatencySummary(count: 10, p50Ms: 0.4123, p99Ms: 12.44, p999Ms: 150.2, maxMs: 1_520,
                                     meanMs: 3)
        #expect(summary.text == "p50 0.412 ms  p99 12.4 ms  p99.9 150 ms  max 1520 ms (10 samples)")
        #expect(BenchFormat.fixed(1.25, decimals: 1) == "1.3")
        #expect(BenchFormat.fixed(-2.5, decimals: 0) == "-3")
        #expect(BenchFormat.fixed(3.14159, decimals: 3) == "3.142")
        #expect(BenchFormat.fixed(0.05, decimals: 1) == "0.1")
        #expect(BenchFormat.fixed(7, decimals: 0) == "7")
        #expect(BenchFormat.bytes(512) == "512 B")
        #expect(BenchFormat.bytes(3_300) == "3.2 KiB")
        #expect(BenchFormat.bytes(47_290_000) == "45.1 MiB")
        #expect(BenchFormat.percent(199, of: 200) == "99.50%")
        #expect(BenchFormat.percent(1, of: 0) == "-")
    }

    @Test("VmRSS and CPU ticks from /proc texts")
    func procParsing() {
        let status = "Name:\tmpquic\nVmPeak:\t  200000 kB\nVmRSS:\t   12345 kB\nThreads:\t4\n"
        #expect(ProcessSample.residentBytes(status: status) == 12_345 * 1_024)
        #expect(ProcessSample.residentBytes(status: "Name:\tx\n") == nil)
        #expect(ProcessSample.residentBytes(status: "VmRSS:\tlots kB\n") == nil)
        let stat = "4242 (mp quic) (x)) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 3 0 1000 0 0"
        #expect(ProcessSample.cpuTicks(stat: stat) == 325)
        #expect(ProcessSample.cpuTicks(stat: "4242 (short) S 1") == nil)
        #expect(ProcessSample.cpuTicks(stat: "no parenthesis") == nil)
    }

    @Test("failures keep the first few reasons and count them all")
    func failures() {
        var tally = FailureTally(keep: 2)
        for reason in ["timeout", "refused", "timeout", "reset", "timeout"] {
            tally.record(reason)
        }
        #expect(tally.count == 5)
        #expect(tally.reasons.map(\.reason) == ["timeout", "refused"])
        #expect(tally.text == "3 x timeout; 1 x refused; 1 x other reasons")
    }

    @Test("only loopback and own addresses are targets")
    func targets() throws {
        #expect(BenchTarget.isLoopback(.ipv4(127, 0, 0, 1, port: 4_433)))
        #expect(BenchTarget.isLoopback(.ipv4(127, 255, 3, 9, port: 1)))
        #expect(!BenchTarget.isLoopback(.ipv4(128, 0, 0, 1, port: 1)))
        #expect(!BenchTarget.isLoopback(.ipv4(10, 0, 0, 1, port: 1)))
        #expect(BenchTarget.isLoopback(NetworkAddress(ip: .v6(high: 0, low: 1), port: 1)))
        #expect(BenchTarget.isLoopback(NetworkAddress(ip: .v6(high: 0, low: 0xffff_7f00_0001), port: 1)))
        #expect(!BenchTarget.isLoopback(NetworkAddress(ip: .v6(high: 0x2001_0db8 << 32, low: 1), port: 1)))
        let own = NetworkAddress.ipv4(10, 1, 2, 3, port: 0)
        #expect(throws: Never.self) { try BenchTarget.check(.ipv4(10, 1, 2, 3, port: 4_433), ownAddresses: [own]) }
        #expect(throws: BenchTarget.Refusal.self) {
            try BenchTarget.check(.ipv4(8, 8, 8, 8, port: 443), ownAddresses: [own])
        }
    }
}
