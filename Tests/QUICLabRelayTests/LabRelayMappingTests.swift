import QUICLab
import QUICLabRelay
import QUICRelay
import QUICSimulator
import Testing

/// How lab scenarios become relay configurations, and what the real runner refuses.
@Suite("Lab scenario to relay mapping")
struct LabRelayMappingTests {
    static func listen() throws -> [RelaySocketAddress] {
        [try RelaySocketAddress(parsing: "127.0.0.2:0"), try RelaySocketAddress(parsing: "127.0.0.3:0")]
    }

    static func target() throws -> RelaySocketAddress {
        try RelaySocketAddress(parsing: "127.0.0.1:4433")
    }

    static func configuration(_ scenario: LabScenario, offset: Double = 0) throws -> RelayConfiguration {
        try LabRelayMapping.configuration(for: scenario, listen: try Self.listen(), target: try Self.target(),
                                          seed: 7, timelineOffset: offset)
    }

    static func scenario(timeline: [LabLinkEvent] = [], uplink: LinkParameters = LinkParameters(rate: 1_000),
                         workload: LabWorkload = LabWorkload(bulk: BulkWorkload(bytes: 1_000))) -> LabScenario {
        let link = LinkParameters(rate: 125_000, delay: .milliseconds(5), queueCapacity: 30_000)
        return LabScenario(
            name: "test", summary: "", paths: [LabPath(name: "a", uplink: uplink, downlink: link),
                                              LabPath(name: "b", uplink: link, downlink: link)],
            timeline: timeline, workload: workload, metrics: [.goodput],
            objective: LabObjective(measure: LabMeasure.goodput, label: "", lowerIsBetter: false), durationLimit: 5)
    }

    @Test("voice-assistant: each path's rate (bits), delay, queue per direction; the timeline's three changes")
    func voiceAssistant() throws {
        let configuration = try Self.configuration(LabCatalog.voiceAssistant)
        #expect(configuration.paths.map(\.name) == ["wifi", "lte"])
        #expect(configuration.paths.map(\.listen) == (try Self.listen()))
        #expect(configuration.target == (try Self.target()))
        #expect(configuration.seed == 7)
        let wifi = configuration.paths[0]
        for direction in [wifi.up, wifi.down] {
            #expect(direction == RelayDirectionParameters(rate: 30_000_000, delay: 10_000_000,
                                                          loss: LabPath.residualLoss, queue: 375_000))
        }
        #expect(configuration.paths[1].down == RelayDirectionParameters(rate: 10_000_000, delay: 25_000_000,
                                                                         loss: LabPath.residualLoss, queue: 125_000))
        #expect(configuration.timeline.changes == [
            RelayChange(time: 10_000_000_000, path: "wifi",
                        action: .set(RelaySetting(directions: .both, value: .rate(2_000_000)))),
            RelayChange(time: 10_000_000_000, path: "wifi",
                        action: .set(RelaySetting(directions: .both, value: .delay(150_000_000)))),
            RelayChange(time: 20_000_000_000, path: "wifi", action: .link(up: false)),
        ])
        // The relay accepts it as it is.
        #expect(throws: Never.self) { try configuration.validate() }
    }

    @Test("high-speed-rail: a down/up pair per handover, in time order; the offset and the scale move them")
    func highSpeedRail() throws {
        let changes = try Self.configuration(LabCatalog.highSpeedRail.scaled(by: 0.5), offset: 0.25).timeline.changes
        #expect(changes.count == 10)
        #expect(changes.allSatisfy { $0.path == "cellular" })
        var times: [UInt64] = []
        for start in [5.0, 18, 31, 44, 57] {
            let down: Double = (start * 0.5 + 0.25) * 1e9
            let up: Double = ((start + 2) * 0.5 + 0.25) * 1e9
            times += [UInt64(down), UInt64(up)]
        }
        #expect(changes.map(\.time) == times)
        #expect(changes.enumerated().allSatisfy { $0.element.action == .link(up: $0.offset % 2 == 1) })
    }

    @Test("asymmetric paths: the uplink is the relay's up direction; Bernoulli loss and jitter carry over")
    func directions() throws {
        let uplink = LinkParameters(rate: 1_000, delay: .milliseconds(40), jitter: .milliseconds(3),
                                    queueCapacity: nil, loss: .bernoulli(probability: 0.02))
        let path = try Self.configuration(Self.scenario(uplink: uplink)).paths[0]
        #expect(path.up == RelayDirectionParameters(rate: 8_000, delay: 40_000_000, jitter: 3_000_000, loss: 0.02,
                                                    queue: nil))
        #expect(path.down == RelayDirectionParameters(rate: 1_000_000, delay: 5_000_000, queue: 30_000))
    }

    @Test("rate, delay, jitter, loss and parameter changes become relay settings on both directions")
    func settingChanges() throws {
        let replacement = LinkParameters(rate: 2_000, delay: .milliseconds(7), queueCapacity: 9_000,
                                         loss: .bernoulli(probability: 0.1))
        let scenario = Self.scenario(timeline: [
            LabLinkEvent(at: 1, path: 1, .rate(500)), LabLinkEvent(at: 1.5, path: 1, .jitter(.milliseconds(2))),
            LabLinkEvent(at: 2, path: 0, .loss(.bernoulli(probability: 0.05))), LabLinkEvent(at: 2.5, path: 0, .up),
            LabLinkEvent(at: 3, path: 1, .parameters(replacement)),
        ])
        let changes = try Self.configuration(scenario).timeline.changes
        let settings = changes.map { change -> RelaySetting.Value? in
            if case .set(let setting) = change.action {
                #expect(setting.directions == .both)
                return setting.value
            }
            return nil
        }
        #expect(settings == [.rate(4_000), .jitter(2_000_000), .loss(0.05), nil, .rate(16_000), .delay(7_000_000),
                             .jitter(0), .loss(0.1), .queue(9_000)])
        #expect(changes.map(\.path) == ["b", "b", "a", "a", "b", "b", "b", "b", "b"])
        #expect(changes[3].action == .link(up: true))
        #expect(changes.suffix(5).allSatisfy { $0.time == 3_000_000_000 })
    }

    @Test("events the relay cannot express are refused with their index and path", arguments: [
        LinkChange.natRebinding(nil), .addressChange(SimAddress.v4(10, 0, 0, 9, port: 1)),
        .loss(.gilbertElliott(p: 0.1, r: 0.5, lossInBad: 1, lossInGood: 0)), .loss(.bitmask(mask: 1, length: 2)),
        .parameters(LinkParameters(rate: 1_000, mtu: 1_200)),
    ])
    func refusedEvents(change: LinkChange) throws {
        let scenario = Self.scenario(timeline: [LabLinkEvent(at: 1, path: 0, .down), LabLinkEvent(at: 4, path: 1, change)])
        let error = #expect(throws: LabRelayError.self) { try Self.configuration(scenario) }
        guard case .unsupportedEvent(let index, let at, let path, _, _) = error else {
            Issue.record("\(change): \(String(describing: error))")
            return
        }
        #expect(index == 1 && at == 4 && path == "b")
        #expect(error?.description.contains("timeline event #1") == true)
        #expect(throws: LabRelayError.self) { try LabRealRunner.validate(scenario) }
    }

    @Test("link parameters the relay does not emulate are refused, naming the path and direction", arguments: [
        LinkParameters(rate: 1_000, duplicateProbability: 0.01), LinkParameters(rate: 1_000, reorderProbability: 0.1),
        LinkParameters(rate: 1_000, mtu: 1_300), LinkParameters(rate: 1_000, ceMarkingThreshold: 10_000),
        LinkParameters(rate: 1_000, loss: .dropIndices([3])),
        LinkParameters(rate: 1_000, loss: .gilbertElliott(p: 0.1, r: 0.5, lossInBad: 1, lossInGood: 0)),
        LinkParameters(rate: .max),
    ])
    func refusedLinks(uplink: LinkParameters) throws {
        let error = #expect(throws: LabRelayError.self) { try Self.configuration(Self.scenario(uplink: uplink)) }
        guard case .unsupportedLink(let path, let direction, _) = error else {
            Issue.record("\(uplink): \(String(describing: error))")
            return
        }
        #expect(path == "a" && direction == "uplink")
    }

    @Test("a timeline event on a path the scenario lacks is refused")
    func unknownPath() {
        #expect(throws: LabRelayError.unknownPath(index: 0, path: 2)) {
            try Self.configuration(Self.scenario(timeline: [LabLinkEvent(at: 1, path: 2, .down)]))
        }
    }

    @Test("the catalog's download and request scenarios map; the other workloads are refused before a run")
    func catalog() throws {
        var accepted: [String] = []
        for scenario in LabCatalog.scenarios {
            if scenario.workload.hasOnlyBulkAndRequests {
                #expect(throws: Never.self) { try LabRealRunner.validate(scenario) }
                accepted.append(scenario.name)
            } else {
                #expect(throws: LabRelayError.self) { try LabRealRunner.validate(scenario) }
            }
        }
        #expect(accepted == ["voice-assistant", "high-speed-rail", "satellite-terrestrial", "5g-coverage-holes"])
        #expect(LabWorkload().hasOnlyBulkAndRequests)
    }

    @Test("a change to one direction maps to that direction; taking one direction down is refused")
    func oneDirection() throws {
        let rate = LabLinkEvent(at: 1, path: 0, directions: .aToB, .rate(250_000))
        let changes = try LabRelayMapping.changes(for: rate, index: 0, in: Self.scenario(timeline: [rate]))
        #expect(changes.count == 1)
        guard case .set(let setting) = changes.first?.action else {
            Issue.record("expected a setting, got \(changes)")
            return
        }
        #expect(setting.directions == .up && setting.value == .rate(2_000_000))
        let down = LabLinkEvent(at: 1, path: 0, directions: .bToA, .down)
        #expect(throws: LabRelayError.self) {
            try LabRelayMapping.changes(for: down, index: 0, in: Self.scenario(timeline: [down]))
        }
    }

    @Test("the request line round-trips, pads to the request size and rejects malformed requests")
    func requestLine() {
        let line = LabRequestLine(bytes: 20_000, interactive: true)
        #expect(line.encoded() == Array("GET 20000 i\r\n".utf8))
        let padded = line.encoded(size: 200)
        #expect(padded.count == 200)
        #expect(LabRequestLine(parsing: padded) == line)
        #expect(LabRequestLine(parsing: LabRequestLine(bytes: 0, interactive: false).encoded())?.interactive == false)
        #expect(line.encoded(size: 4).count == 13)
        for bad in ["", "GET", "GET -1 b", "PUT 10 b", "GET x b", "GET 10"] {
            #expect(LabRequestLine(parsing: Array(bad.utf8)) == nil, "\(bad)")
        }
    }
}
