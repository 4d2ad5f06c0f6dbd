import Testing
@testable import QUICWire

@Suite("version_information transport parameter (RFC 9368 §3, §4)")
struct VersionInformationTests {
    private static let v1: [UInt8] = [0x00, 0x00, 0x00, 0x01]
    private static let v2: [UInt8] = [0x6b, 0x33, 0x43, 0xcf]
    private static let zero: [UInt8] = [0x00, 0x00, 0x00, 0x00]
    private static let grease: [UInt8] = [0x1a, 0x2a, 0x3a, 0x4a]

    private func decode(_ value: [UInt8], sender: EndpointRole) throws(WireError) -> VersionInformation? {
        let bytes: [UInt8] = [0x11, UInt8(value.count)] + value
        return try TransportParameters.decode(bytes[...], sender: sender).versionInformation
    }

    private func decodeError(_ value: [UInt8], sender: EndpointRole) -> WireError? {
        do {
            _ = try self.decode(value, sender: sender)
            return nil
        } catch {
            return error
        }
    }

    @Test("Chosen Version then Available Versions, four bytes each")
    func knownBytes() throws {
        let information = VersionInformation(chosenVersion: .v1, availableVersions: [.v1, .v2])
        var parameters = TransportParameters()
        parameters.versionInformation = information
        #expect(parameters.encoded == [0x11, 0x0c] + Self.v1 + Self.v1 + Self.v2)
        #expect(try self.decode(Self.v1 + Self.v1 + Self.v2, sender: .client) == information)
    }

    @Test("Round trips from either side, with reserved versions and an empty server list")
    func roundTrips() throws {
        let cases: [(VersionInformation, EndpointRole)] = [
            (VersionInformation(chosenVersion: .v1, availableVersions: [.v1]), .client),
            (VersionInformation(chosenVersion: .v2, availableVersions: [QUICVersion(rawValue: 0x1a2a_3a4a), .v2, .v1]),
             .client),
            (VersionInformation(chosenVersion: .v2, availableVersions: [.v1, .v2]), .server),
            (VersionInformation(chosenVersion: .v2, availableVersions: [.v1]), .server),
            (VersionInformation(chosenVersion: .v1, availableVersions: []), .server),
        ]
        for (information, sender) in cases {
            var parameters = TransportParameters()
            parameters.versionInformation = information
            parameters.initialMaxData = 1_000
            let decoded = try TransportParameters.decode(parameters.encoded[...], sender: sender)
            #expect(decoded == parameters, "\(information) from \(sender)")
        }
    }

    private static let malformed: [([UInt8], EndpointRole, String)] = [
        ([], .client, "empty"),
        ([], .server, "empty from a server"),
        ([0x00, 0x00, 0x01], .client, "three bytes"),
        (v1 + [0x00, 0x00], .server, "six bytes"),
        (v1 + v1 + [0x6b], .client, "nine bytes"),
        (zero, .server, "Chosen Version zero"),
        (zero + zero, .client, "Chosen Version zero listed as available"),
        (v1 + v1 + zero, .client, "an Available Version zero from a client"),
        (v2 + zero + v2, .server, "an Available Version zero from a server"),
        (v1, .client, "a client listing no Available Versions"),
        (v1 + v2, .client, "a client's Chosen Version missing from its Available Versions"),
        (v2 + grease + v1, .client, "a client's v2 missing from its Available Versions"),
    ]

    @Test("Malformed values are TRANSPORT_PARAMETER_ERROR", arguments: VersionInformationTests.malformed)
    func malformedValues(value: [UInt8], sender: EndpointRole, why: String) {
        let error = self.decodeError(value, sender: sender)
        #expect(error != nil, "accepted: \(why)")
        #expect(error?.code == .transportParameterError, "\(why)")
    }

    @Test("A server's Chosen Version need not be in its Available Versions")
    func serverChosenVersionOutsideItsList() throws {
        let decoded = try self.decode(Self.v2 + Self.v1, sender: .server)
        #expect(decoded == VersionInformation(chosenVersion: .v2, availableVersions: [.v1]))
    }

    @Test("A repeated version_information is TRANSPORT_PARAMETER_ERROR")
    func duplicate() {
        let bytes: [UInt8] = [0x11, 0x08] + Self.v1 + Self.v1 + [0x11, 0x08] + Self.v1 + Self.v1
        #expect(throws: WireError.self) { try TransportParameters.decode(bytes[...], sender: .client) }
    }

    @Test("Truncating the parameter anywhere inside it fails")
    func truncations() {
        let bytes: [UInt8] = [0x11, 0x0c] + Self.v1 + Self.v1 + Self.v2
        for cut in 1..<bytes.count {
            #expect(throws: WireError.self, "cut at \(cut)") {
                try TransportParameters.decode(bytes.prefix(cut), sender: .client)
            }
        }
    }

    @Test("Versions 1 and 2 are compatible both ways; nothing else is assumed compatible (RFC 9368 §2.2)")
    func compatibility() {
        #expect(QUICVersion.v1.isCompatible(with: .v2))
        #expect(QUICVersion.v2.isCompatible(with: .v1))
        #expect(QUICVersion.v1.isCompatible(with: .v1))
        let other = QUICVersion(rawValue: 0xff00_001d)
        #expect(!QUICVersion.v1.isCompatible(with: other))
        #expect(!other.isCompatible(with: .v2))
        #expect(other.isCompatible(with: other))
    }
}
