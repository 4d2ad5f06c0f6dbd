import QUICTestSupport
import Testing
import QUICWire
@testable import QUICTransport

@Suite("Address-validation tokens and stateless reset keys")
struct AddressValidationTokenTests {
    private let key = [UInt8](repeating: 7, count: 32)
    private let client = NetworkAddress.ipv4(192, 0, 2, 1, port: 50_000)
    private let second: UInt64 = 1_000_000_000

    @Test func retryTokenRoundTrips() throws {
        let tokens = AddressValidationTokens(key: self.key)
        let odcid = ConnectionID(literal: [1, 2, 3, 4, 5, 6, 7, 8])
        let rscid = ConnectionID(literal: [9, 9, 9])
        let token = tokens.makeRetryToken(client: self.client, originalDestination: odcid, retrySource: rscid,
                                          now: 100 * self.second)
        let result = try tokens.validate(token[...], client: self.client, now: 101 * self.second)
        #expect(result.kind == .retry)
        #expect(result.retry == .init(originalDestinationConnectionID: odcid, retrySourceConnectionID: rscid))
    }

    @Test func refusals() {
        let tokens = AddressValidationTokens(key: self.key)
        let token = tokens.makeRetryToken(client: self.client, originalDestination: .empty, retrySource: .empty,
                                          now: 100 * self.second)
        #expect(throws: AddressValidationTokens.Failure.expired) {
            try tokens.validate(token[...], client: self.client, now: 111 * self.second)
        }
        #expect(throws: AddressValidationTokens.Failure.wrongAddress) {
            try tokens.validate(token[...], client: .ipv4(192, 0, 2, 1, port: 50_001), now: 100 * self.second)
        }
        var tampered = token
        tampered[tampered.count - 1] ^= 1
        #expect(throws: AddressValidationTokens.Failure.forged) {
            try tokens.validate(tampered[...], client: self.client, now: 100 * self.second)
        }
        var relabelled = token
        relabelled[0] = AddressValidationTokens.Kind.newToken.rawValue
        #expect(throws: AddressValidationTokens.Failure.forged) {
            try tokens.validate(relabelled[...], client: self.client, now: 100 * self.second)
        }
        let other = AddressValidationTokens(key: [UInt8](repeating: 8, count: 32))
        #expect(throws: AddressValidationTokens.Failure.forged) {
            try other.validate(token[...], client: self.client, now: 100 * self.second)
        }
        #expect(throws: AddressValidationTokens.Failure.malformed) {
            try tokens.validate([0x52, 1, 2][...], client: self.client, now: 0)
        }
    }

    @Test func newTokensIgnoreThePort() throws {
        let tokens = AddressValidationTokens(key: self.key)
        let token = tokens.makeNewToken(client: self.client, now: 0)
        let result = try tokens.validate(token[...], client: .ipv4(192, 0, 2, 1, port: 1), now: 3_600 * self.second)
        #expect(result.kind == .newToken && result.retry == nil)
        #expect(throws: AddressValidationTokens.Failure.wrongAddress) {
            try tokens.validate(token[...], client: .ipv4(192, 0, 2, 2, port: 1), now: 0)
        }
    }

    @Test func resetTokensAreStablePerConnectionID() {
        let resets = StatelessResetKey(key: self.key)
        let a = ConnectionID(literal: [1, 2, 3, 4])
        let b = ConnectionID(literal: [1, 2, 3, 5])
        #expect(resets.token(for: a) == StatelessResetKey(key: self.key).token(for: a))
        #expect(resets.token(for: a) != resets.token(for: b))
        #expect(resets.token(for: a) != StatelessResetKey(key: [UInt8](repeating: 1, count: 32)).token(for: a))
    }

    /// Random garbage never crashes validation.
    @Test func garbageIsRefused() {
        let tokens = AddressValidationTokens(key: self.key)
        var random = SplitMix64(seed: 3)
        for _ in 0..<500 {
            let length = Int.random(in: 0..<120, using: &random)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(throws: AddressValidationTokens.Failure.self) {
                try tokens.validate(bytes[...], client: self.client, now: 0)
            }
        }
    }
}
