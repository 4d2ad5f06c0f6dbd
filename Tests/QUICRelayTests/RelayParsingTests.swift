import Testing
@testable import QUICRelay

@Suite("Relay flag parsing")
struct RelayParsingTests {
    @Test func rates() throws {
        #expect(try RelayUnits.bitsPerSecond("20mbit") == 20_000_000)
        #expect(try RelayUnits.bitsPerSecond("500kbit") == 500_000)
        #expect(try RelayUnits.bitsPerSecond("1gbit") == 1_000_000_000)
        #expect(try RelayUnits.bitsPerSecond("1.5Mbit") == 1_500_000)
        #expect(try RelayUnits.bitsPerSecond("64000bit") == 64_000)
        #expect(try RelayUnits.bitsPerSecond("10mbps") == 10_000_000)
        #expect(try RelayUnits.bitsPerSecond("0") == 0)
        #expect(try RelayUnits.bitsPerSecond("unlimited") == 0)
    }

    @Test func durations() throws {
        #expect(try RelayUnits.nanoseconds("15ms") == 15_000_000)
        #expect(try RelayUnits.nanoseconds("250us") == 250_000)
        #expect(try RelayUnits.nanoseconds("2s") == 2_000_000_000)
        #expect(try RelayUnits.nanoseconds("1.5ms") == 1_500_000)
        #expect(try RelayUnits.nanoseconds("0") == 0)
    }

    @Test func percentagesAndSizes() throws {
        #expect(try RelayUnits.probability("0.5%") == 0.005)
        #expect(try RelayUnits.probability("100%") == 1)
        #expect(try RelayUnits.bytes("64kb") == 65_536)
        #expect(try RelayUnits.bytes("1mb") == 1_048_576)
        #expect(try RelayUnits.bytes("1500b") == 1_500)
    }

    @Test(arguments: ["", "mbit", "20", "20mbits", "-5mbit", "1e3mbit", "fast", "5000000gbit"])
    func badRatesAreRefused(_ text: String) {
        #expect(throws: RelayError.self) { try RelayUnits.bitsPerSecond(text) }
    }

    @Test(arguments: ["15", "ms", "15 ms", "-1ms", "15min", "1.2.3s"])
    func badDurationsAreRefused(_ text: String) {
        #expect(throws: RelayError.self) { try RelayUnits.nanoseconds(text) }
    }

    @Test(arguments: ["0.5", "101%", "-1%", "%", "abc%"])
    func badPercentagesAreRefused(_ text: String) {
        #expect(throws: RelayError.self) { try RelayUnits.probability(text) }
    }

    @Test func unitErrorNamesTheKeyAndAnExample() {
        let expected = "a duration such as 15ms, 250us or 2s"
        #expect(throws: RelayError.invalidValue(key: "delay", value: "15", expected: expected)) {
            try RelayUnits.nanoseconds("15")
        }
        let message = RelayError.invalidValue(key: "rate", value: "x", expected: "a rate such as 20mbit").description
        #expect(message.contains("rate") && message.contains("20mbit"))
    }

    @Test func fullPathSpec() throws {
        let path = try RelayPathConfiguration(
            parsing: "wifi=127.0.0.1:5001,rate=20mbit,delay=15ms,jitter=2ms,loss=0.5%,queue=64kb")
        #expect(path.name == "wifi")
        #expect(path.listen.description == "127.0.0.1:5001")
        let expected = RelayDirectionParameters(
            rate: 20_000_000, delay: 15_000_000, jitter: 2_000_000, loss: 0.005, queue: 65_536)
        #expect(path.up == expected)
        #expect(path.down == expected)
    }

    @Test func perDirectionSettingsOverrideOnlyTheirDirection() throws {
        let path = try RelayPathConfiguration(
            parsing: "lte=[::1]:6000,rate=10mbit,down.delay=40ms,up.rate=2mbit,up.queue=unlimited,queue=32kb")
        #expect(path.listen.description == "[::1]:6000")
        #expect(path.up.rate == 2_000_000)
        #expect(path.down.rate == 10_000_000)
        #expect(path.up.delay == 0)
        #expect(path.down.delay == 40_000_000)
        #expect(path.up.queue == 32_768)
        #expect(path.down.queue == 32_768)
    }

    @Test(arguments: [
        "127.0.0.1:5001", "=127.0.0.1:5001", "wi.fi=127.0.0.1:5001", "wifi=", "wifi=127.0.0.1",
        "wifi=127.0.0.1:99999", "wifi=example.com:80", "wifi=127.0.0.1:5001,rate", "wifi=127.0.0.1:5001,speed=1mbit",
        "wifi=127.0.0.1:5001,up.loss=2", "wifi=[::1:5001",
    ])
    func badPathSpecsAreRefused(_ spec: String) {
        #expect(throws: RelayError.self) { try RelayPathConfiguration(parsing: spec) }
    }

    @Test func addressesAndLoopback() throws {
        #expect(try RelaySocketAddress(parsing: "127.0.0.1:1").isLoopback)
        #expect(try RelaySocketAddress(parsing: "127.200.3.4:1").isLoopback)
        #expect(try RelaySocketAddress(parsing: "[::1]:1").isLoopback)
        #expect(try RelaySocketAddress(parsing: "[::ffff:127.0.0.1]:1").isLoopback)
        #expect(try RelaySocketAddress(parsing: "localhost:443").isLoopback)
        #expect(try !RelaySocketAddress(parsing: "10.0.0.1:1").isLoopback)
        #expect(try !RelaySocketAddress(parsing: "128.0.0.1:1").isLoopback)
        #expect(try !RelaySocketAddress(parsing: "[::2]:1").isLoopback)
        #expect(try RelaySocketAddress(parsing: "127.0.0.1:7") == RelaySocketAddress(parsing: "127.0.0.1:7"))
        #expect(try RelaySocketAddress(parsing: "127.0.0.1:7") != RelaySocketAddress(parsing: "127.0.0.1:8"))
    }

    @Test func nonLoopbackTargetIsRefusedUnlessAllowed() throws {
        let path = try RelayPathConfiguration(parsing: "wifi=127.0.0.1:5001")
        var configuration = RelayConfiguration(paths: [path], target: try RelaySocketAddress(parsing: "192.0.2.1:443"))
        #expect(throws: RelayError.nonLoopbackAddress("192.0.2.1:443")) { try configuration.validate() }
        #expect(RelayError.nonLoopbackAddress("x").description.contains("--allow-non-loopback"))
        configuration.allowNonLoopback = true
        try configuration.validate()
    }

    @Test func duplicatePathsAndUnknownTimelinePathsAreRefused() throws {
        let target = try RelaySocketAddress(parsing: "127.0.0.1:4433")
        let a = try RelayPathConfiguration(parsing: "a=127.0.0.1:5001")
        let sameName = try RelayPathConfiguration(parsing: "a=127.0.0.1:5002")
        let sameAddress = try RelayPathConfiguration(parsing: "b=127.0.0.1:5001")
        #expect(throws: RelayError.duplicatePath("a")) {
            try RelayConfiguration(paths: [a, sameName], target: target).validate()
        }
        #expect(throws: RelayError.duplicatePath("b")) {
            try RelayConfiguration(paths: [a, sameAddress], target: target).validate()
        }
        let timeline = RelayTimeline([try RelayChange(parsing: "1s:c=down")])
        #expect(throws: RelayError.unknownPath("c")) {
            try RelayConfiguration(paths: [a], target: target, timeline: timeline).validate()
        }
    }
}
