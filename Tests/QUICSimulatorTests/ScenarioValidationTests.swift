import Testing
@testable import QUICSimulator

@Suite struct ScenarioValidationTests {
    let a = SimAddress.v4(10, 0, 0, 1, port: 1)
    let b = SimAddress.v4(10, 0, 0, 2, port: 2)
    let c = SimAddress.v4(10, 0, 0, 3, port: 3)

    @Test func validScenarioBuilds() throws {
        var scenario = SimScenario(seed: 1, links: [
            SimLinkSpec(name: "x", a: a, b: b, symmetric: LinkParameters(loss: .bitmask(mask: 1, length: 64))),
            SimLinkSpec(name: "y", a: c, b: b, symmetric: LinkParameters()),
        ])
        scenario.addOutage(link: "y", from: .zero, for: .seconds(1))
        let network = try SimNetwork(scenario: scenario)
        #expect(network.parameters(link: "x", direction: .aToB)?.loss == .bitmask(mask: 1, length: 64))
        #expect(network.statistics(link: "missing", direction: .aToB) == nil)
    }

    @Test func duplicateNamesAreRejected() {
        let scenario = SimScenario(seed: 1, links: [
            SimLinkSpec(name: "x", a: a, b: b, symmetric: LinkParameters()),
            SimLinkSpec(name: "x", a: c, b: b, symmetric: LinkParameters()),
        ])
        #expect(throws: SimScenarioError.duplicateLinkName("x")) { try scenario.validate() }
    }

    @Test func unknownLinksInTheScheduleAreRejected() {
        let scenario = SimScenario(seed: 1, links: [SimLinkSpec(name: "x", a: a, b: b, symmetric: LinkParameters())],
                                   schedule: [ScheduledLinkChange(at: .zero, link: "nope", .down)])
        #expect(throws: SimScenarioError.unknownLink("nope")) { try SimNetwork(scenario: scenario) }
    }

    @Test func badProbabilitiesAndMasksAreRejected() {
        let ge = LossModel.gilbertElliott(p: 0.1, r: 1.5, lossInBad: 1, lossInGood: 0)
        let cases: [(LinkParameters, SimScenarioError)] = [
            (LinkParameters(loss: .bernoulli(probability: -0.1)), .probabilityOutOfRange(link: "x", value: -0.1)),
            (LinkParameters(loss: ge), .probabilityOutOfRange(link: "x", value: 1.5)),
            (LinkParameters(duplicateProbability: 2), .probabilityOutOfRange(link: "x", value: 2)),
            (LinkParameters(reorderProbability: .nan), .probabilityOutOfRange(link: "x", value: .nan)),
            (LinkParameters(loss: .bitmask(mask: 1, length: 65)), .invalidBitmaskLength(link: "x", length: 65)),
        ]
        for (parameters, expected) in cases {
            let scenario = SimScenario(seed: 1, links: [
                SimLinkSpec(name: "x", a: a, b: b, aToB: LinkParameters(), bToA: parameters),
            ])
            do {
                try scenario.validate()
                Issue.record("expected \(expected)")
            } catch {
                #expect(error.description == expected.description)
            }
        }
        let scheduled = SimScenario(seed: 1, links: [SimLinkSpec(name: "x", a: a, b: b, symmetric: LinkParameters())],
                                    schedule: [ScheduledLinkChange(at: .zero, link: "x", .loss(.bitmask(mask: 0,
                                                                                                    length: 0)))])
        #expect(throws: SimScenarioError.invalidBitmaskLength(link: "x", length: 0)) { try scheduled.validate() }
    }

    @Test func ambiguousRoutesAreRejected() {
        let scenario = SimScenario(seed: 1, links: [
            SimLinkSpec(name: "x", a: a, b: b, symmetric: LinkParameters()),
            SimLinkSpec(name: "y", a: a, b: b, symmetric: LinkParameters()),
        ])
        #expect(throws: SimScenarioError.ambiguousRoute(link: "y", source: a, destination: b)) {
            try scenario.validate()
        }
    }
}
