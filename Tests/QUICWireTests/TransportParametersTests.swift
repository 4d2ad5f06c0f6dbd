import QUICTestSupport
import Testing
@testable import QUICWire

@Suite("Transport parameters")
struct TransportParametersTests {
    private func full() -> TransportParameters {
        var parameters = TransportParameters()
        parameters.originalDestinationConnectionID = ConnectionID(literal: [1, 2, 3, 4, 5, 6, 7, 8])
        parameters.maxIdleTimeout = 30_000
        parameters.statelessResetToken = StatelessResetToken(high: 1, low: 2)
        parameters.maxUDPPayloadSize = 1_200
        parameters.initialMaxData = VarInt.max
        parameters.initialMaxStreamDataBidiLocal = 16_384
        parameters.initialMaxStreamDataBidiRemote = 16_383
        parameters.initialMaxStreamDataUni = 64
        parameters.initialMaxStreamsBidi = 1 << 60
        parameters.initialMaxStreamsUni = 63
        parameters.ackDelayExponent = 20
        parameters.maxAckDelay = (1 << 14) - 1
        parameters.disableActiveMigration = true
        parameters.preferredAddress = PreferredAddress(
            ipv4: (0x7f00_0001, 4433), ipv6: (0x2001_0db8_0000_0000, 1, 443),
            connectionID: ConnectionID(literal: Array(repeating: 0xaa, count: 20)),
            statelessResetToken: StatelessResetToken(high: 3, low: 4))
        parameters.activeConnectionIDLimit = 8
        parameters.initialSourceConnectionID = .empty
        parameters.retrySourceConnectionID = ConnectionID(literal: [9])
        parameters.versionInformation = VersionInformation(chosenVersion: .v1, availableVersions: [.v1, .v2])
        parameters.maxDatagramFrameSize = 0
        parameters.greaseQUICBit = true
        parameters.minAckDelay = 1_000
        parameters.initialMaxPathID = UInt32.max
        return parameters
    }

    private func decodeError(_ bytes: [UInt8], sender: EndpointRole = .server) -> WireError? {
        do {
            _ = try TransportParameters.decode(bytes[...], sender: sender)
            return nil
        } catch {
            return error
        }
    }

    @Test func everyParameterRoundTrips() throws {
        let parameters = self.full()
        let decoded = try TransportParameters.decode(parameters.encoded[...], sender: .server)
        #expect(decoded == parameters)
    }

    @Test func defaultsAreNotEncoded() throws {
        #expect(TransportParameters().encoded.isEmpty)
        let decoded = try TransportParameters.decode([][...], sender: .client)
        #expect(decoded == TransportParameters())
        #expect(decoded.maxUDPPayloadSize == 65_527 && decoded.ackDelayExponent == 3 && decoded.maxAckDelay == 25)
        #expect(decoded.activeConnectionIDLimit == 2 && decoded.maxDatagramFrameSize == nil)
    }

    /// A hand-built encoding: max_idle_timeout 30000 ms, initial_max_data 1048576, disable_active_migration,
    /// max_datagram_frame_size 65535, initial_max_path_id 3.
    @Test func knownBytes() throws {
        let bytes: [UInt8] = [0x01, 0x04, 0x80, 0x00, 0x75, 0x30,
                              0x04, 0x04, 0x80, 0x10, 0x00, 0x00,
                              0x0c, 0x00,
                              0x20, 0x04, 0x80, 0x00, 0xff, 0xff,
                              0x3e, 0x01, 0x03]
        let decoded = try TransportParameters.decode(bytes[...], sender: .client)
        #expect(decoded.maxIdleTimeout == 30_000)
        #expect(decoded.initialMaxData == 1_048_576)
        #expect(decoded.disableActiveMigration)
        #expect(decoded.maxDatagramFrameSize == 65_535)
        #expect(decoded.initialMaxPathID == 3)
    }

    private static let zeros25 = [UInt8](repeating: 0, count: 25)
    private static let zeros16 = [UInt8](repeating: 0, count: 16)
    private static let invalidCases: [([UInt8], String)] = [
        ([0x03, 0x02, 0x44, 0xaf], "max_udp_payload_size 1199"),
        ([0x0a, 0x01, 0x15], "ack_delay_exponent 21"),
        ([0x0b, 0x04, 0x80, 0x00, 0x40, 0x00], "max_ack_delay 2^14"),
        ([0x0e, 0x01, 0x01], "active_connection_id_limit 1"),
        ([0x08, 0x08, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01], "initial_max_streams_bidi above 2^60"),
        ([0x09, 0x08, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01], "initial_max_streams_uni above 2^60"),
        ([0x01, 0x02, 0x05], "integer shorter than its length"),
        ([0x01, 0x02, 0x05, 0x00], "integer with a trailing byte"),
        ([0x0c, 0x01, 0x00], "disable_active_migration with a value"),
        ([0x0f, 0x15] + zeros25.prefix(21), "21-byte connection ID"),
        ([0x11, 0x03, 0, 0, 1], "version_information not a multiple of 4"),
        ([0x11, 0x08, 0, 0, 0, 1, 0, 0, 0, 0], "version_information listing version 0"),
        ([0x11, 0x04, 0, 0, 0, 0], "version_information choosing version 0"),
        ([0xc0, 0x00, 0x00, 0x00, 0xff, 0x04, 0xde, 0x1b, 0x04, 0x80, 0x00, 0x7d, 0x00], "min_ack_delay 32000 µs above 25 ms"),
        ([0x3e, 0x08, 0xc0, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00], "initial_max_path_id above 2^32-1"),
        ([0x0d, 0x29] + zeros25 + zeros16, "zero-length preferred CID"),
        ([0x04, 0x01, 0x01, 0x04, 0x01, 0x02], "duplicate initial_max_data"),
        ([0x1b, 0x00, 0x1b, 0x00], "duplicate grease"),
        ([0x40, 0x40, 0x00, 0x40, 0x40, 0x00], "duplicate unknown"),
        ([0x04, 0x05, 0x01], "length beyond the input"),
        ]

    @Test(arguments: TransportParametersTests.invalidCases)
    func invalidParametersAreTransportParameterErrors(bytes: [UInt8], why: String) {
        let error = self.decodeError(bytes)
        #expect(error != nil, "accepted: \(why)")
        #expect(error?.code == .transportParameterError, "\(why)")
    }

    @Test func serverOnlyParametersFromAClient() {
        let serverOnly: [[UInt8]] = [[0x00, 0x01, 0x01], [0x02, 0x10] + [UInt8](repeating: 1, count: 16),
                                     [0x10, 0x01, 0x01],
                                     [0x0d, 0x2a] + [UInt8](repeating: 0, count: 24) + [1, 1] + [UInt8](repeating: 0, count: 16)]
        for bytes in serverOnly {
            #expect(self.decodeError(bytes, sender: .client)?.code == .transportParameterError)
            #expect(self.decodeError(bytes, sender: .server) == nil)
        }
    }

    @Test func greaseAndUnknownParametersAreIgnored() throws {
        var random = SplitMix64(seed: 8)
        var parameters = TransportParameters()
        parameters.initialMaxData = 10
        let grease = UnknownTransportParameter.grease(using: &random)
        #expect(TransportParameterID.isGrease(grease.id))
        parameters.unknownParameters = [grease, UnknownTransportParameter(id: 0x7777, value: [1, 2])]
        let decoded = try TransportParameters.decode(parameters.encoded[...], sender: .client)
        #expect(decoded.initialMaxData == 10)
        #expect(decoded.unknownParameters == [UnknownTransportParameter(id: 0x7777, value: [1, 2])])
    }

    @Test func everyTruncationThrows() {
        let bytes = self.full().encoded
        var parameterStarts: Set<Int> = []
        var reader = ByteReader(bytes)
        while !reader.isAtEnd {
            parameterStarts.insert(reader.offset)
            _ = try? reader.readVarInt()
            _ = try? reader.readVarIntPrefixedBytes()
        }
        for cut in 0..<bytes.count where !parameterStarts.contains(cut) {
            #expect(self.decodeError(Array(bytes.prefix(cut))) != nil, "cut at \(cut)")
        }
    }

    /// Seeded random parameter sets survive encoding and decoding.
    @Test(arguments: [UInt64(21), 22, 23, 24])
    func randomRoundTrips(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        func value(_ limit: UInt64 = VarInt.max) -> UInt64 { random.next() % (limit + 1) }
        for _ in 0..<300 {
            var parameters = TransportParameters()
            parameters.maxIdleTimeout = value()
            parameters.maxUDPPayloadSize = 1_200 + value(70_000)
            parameters.initialMaxData = value()
            parameters.initialMaxStreamDataBidiLocal = value()
            parameters.initialMaxStreamDataBidiRemote = value()
            parameters.initialMaxStreamDataUni = value()
            parameters.initialMaxStreamsBidi = value(1 << 60)
            parameters.initialMaxStreamsUni = value(1 << 60)
            parameters.ackDelayExponent = value(20)
            parameters.maxAckDelay = value((1 << 14) - 1)
            parameters.activeConnectionIDLimit = 2 + value(100)
            parameters.disableActiveMigration = random.next() % 2 == 0
            parameters.initialSourceConnectionID = ConnectionID(literal: (0..<Int(value(20))).map { UInt8($0) })
            parameters.maxDatagramFrameSize = random.next() % 2 == 0 ? value() : nil
            parameters.minAckDelay = random.next() % 2 == 0 ? value(parameters.maxAckDelay * 1_000) : nil
            parameters.initialMaxPathID = random.next() % 2 == 0 ? PathID(truncatingIfNeeded: random.next()) : nil
            let decoded = try TransportParameters.decode(parameters.encoded[...], sender: .client)
            #expect(decoded == parameters)
        }
    }

    @Test func randomBytesNeverCrash() {
        var random = SplitMix64(seed: 31)
        for _ in 0..<20_000 {
            let bytes = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next() % 0x50) }
            _ = self.decodeError(bytes, sender: random.next() % 2 == 0 ? .client : .server)
        }
    }
}
