import QUICTestSupport
import Testing
import QUICWire
@testable import QUICTransport

@Suite("Path validation and amplification")
struct PathValidationTests {
    private let ms: UInt64 = 1_000_000

    @Test func validatesOnAMatchingResponse() throws {
        var validation = PathValidation()
        var random = SplitMix64(seed: 1)
        validation.start(now: 0, timeout: 900 * self.ms)
        let first = try #require(validation.challengeToSend(now: 0, pto: 300 * self.ms, random: &random))
        #expect(validation.challengeToSend(now: 100 * self.ms, pto: 300 * self.ms, random: &random) == nil)
        let second = try #require(validation.challengeToSend(now: 300 * self.ms, pto: 300 * self.ms, random: &random))
        #expect(first != second)
        let wrong = validation.onResponse(first &+ 1)
        #expect(!wrong)
        #expect(validation.state == .validating)
        // A response to the earlier challenge also validates.
        let matched = validation.onResponse(first)
        #expect(matched)
        #expect(validation.state == .validated)
        #expect(validation.nextTimeout == nil)
    }

    @Test func failsAfterTheTimeout() {
        var validation = PathValidation()
        var random = SplitMix64(seed: 2)
        validation.start(now: 0, timeout: 900 * self.ms)
        _ = validation.challengeToSend(now: 0, pto: 300 * self.ms, random: &random)
        #expect(validation.nextTimeout == 300 * self.ms)
        let early = validation.onTimeout(now: 899 * self.ms)
        #expect(!early)
        let expired = validation.onTimeout(now: 900 * self.ms)
        #expect(expired)
        #expect(validation.state == .failed)
        let late = validation.onResponse(0)
        #expect(!late)
    }

    @Test func amplificationLimitIsThreeTimesReceived() {
        var limit = AmplificationLimit(validated: false)
        #expect(limit.allowance == 0)
        limit.onReceived(1_200)
        #expect(limit.allowance == 3_600)
        limit.onSent(3_000)
        #expect(limit.allowance == 600)
        limit.onSent(600)
        #expect(limit.allowance == 0)
        limit.markValidated()
        #expect(limit.allowance == .max)
    }
}
