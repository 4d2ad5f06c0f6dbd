import Testing
@testable import QUICRelay

@Suite("Relay timeline")
struct RelayTimelineTests {
    @Test func changesParse() throws {
        #expect(try RelayChange(parsing: "10s:wifi=down") == RelayChange(
            time: 10_000_000_000, path: "wifi", action: .link(up: false)))
        #expect(try RelayChange(parsing: "12s:wifi=up") == RelayChange(
            time: 12_000_000_000, path: "wifi", action: .link(up: true)))
        #expect(try RelayChange(parsing: "5s:lte.rate=5mbit") == RelayChange(
            time: 5_000_000_000, path: "lte",
            action: .set(RelaySetting(directions: .both, value: .rate(5_000_000)))))
        #expect(try RelayChange(parsing: "250ms:lte.down.delay=40ms") == RelayChange(
            time: 250_000_000, path: "lte",
            action: .set(RelaySetting(directions: .down, value: .delay(40_000_000)))))
        #expect(try RelayChange(parsing: "1s lte.up.loss=2%") == RelayChange(
            time: 1_000_000_000, path: "lte", action: .set(RelaySetting(directions: .up, value: .loss(0.02)))))
    }

    @Test(arguments: ["wifi=down", "10:wifi=down", "10s:wifi", "10s:wifi=sideways", "10s:wifi.speed=1mbit",
                      "10s:=down", "10s:lte.rate=fast"])
    func badChangesAreRefused(_ text: String) {
        #expect(throws: RelayError.self) { try RelayChange(parsing: text) }
    }

    @Test func timelineOrdersByTimeKeepingGivenOrderForTies() throws {
        let texts = ["5s:a=down", "1s:a.rate=1mbit", "5s:a=up", "0s:b=down", "1s:a.rate=2mbit", "5s:a.delay=1ms"]
        let timeline = RelayTimeline(try texts.map { try RelayChange(parsing: $0) })
        let expected = ["0s:b=down", "1s:a.rate=1mbit", "1s:a.rate=2mbit", "5s:a=down", "5s:a=up", "5s:a.delay=1ms"]
        #expect(timeline.changes == (try expected.map { try RelayChange(parsing: $0) }))
    }

    @Test func lineScenarioWithCommentsAndBlankLines() throws {
        let text = """
            # Wi-Fi drops out for two seconds
            10s:wifi=down

            12s wifi=up   # back
            5s:lte.rate=5mbit
            """
        let changes = try RelayTimeline.parseScenario(text)
        #expect(changes == (try ["10s:wifi=down", "12s:wifi=up", "5s:lte.rate=5mbit"].map {
            try RelayChange(parsing: $0)
        }))
    }

    @Test func jsonScenariosCarryTheSameContent() throws {
        let expected = try ["10s:wifi=down", "5s:lte.rate=5mbit"].map { try RelayChange(parsing: $0) }
        #expect(try RelayTimeline.parseScenario(#"["10s:wifi=down", "5s:lte.rate=5mbit"]"#) == expected)
        #expect(try RelayTimeline.parseScenario(
            #"{"changes": [{"at": "10s", "change": "wifi=down"}, {"at": "5s", "change": "lte.rate=5mbit"}]}"#)
            == expected)
        #expect(throws: RelayError.self) { try RelayTimeline.parseScenario(#"[{"when": "10s"}]"#) }
        #expect(throws: RelayError.self) { try RelayTimeline.parseScenario("10s:wifi=down\nnonsense") }
    }
}
