import QUICWire
import Testing

@testable import QUICCrypto

/// Protects a packet as a sender would: header, payload, room for the tag, seal, then header protection.
func protect(
    _ protector: some PacketProtector,
    header: [UInt8],
    payload: [UInt8],
    packetNumber: UInt64,
    packetNumberOffset: Int,
    pathID: UInt32 = 0
) throws -> [UInt8] {
    var buffer = header + payload + [UInt8](repeating: 0, count: protector.cipherSuite.tagLength)
    let end = try protector.seal(
        in: &buffer, headerRange: 0..<header.count, payloadLength: payload.count,
        packetNumber: packetNumber, pathID: pathID)
    #expect(end == buffer.count)
    try protector.applyHeaderProtection(
        to: &buffer, packetStart: 0, packetNumberOffset: packetNumberOffset, packetEnd: end)
    return buffer
}

/// Unprotects a packet as a receiver would; the packet number is taken as given (no reconstruction needed
/// for these vectors) and checked against the truncated value.
func unprotect(
    _ protector: some PacketProtector,
    packet: [UInt8],
    packetNumber: UInt64,
    packetNumberOffset: Int,
    pathID: UInt32 = 0
) throws -> (header: [UInt8], payload: [UInt8]) {
    var buffer = packet
    let (pnLength, truncated) = try protector.removeHeaderProtection(
        from: &buffer, packetStart: 0, packetNumberOffset: packetNumberOffset, packetEnd: buffer.count)
    let mask: UInt64 = pnLength == 4 ? 0xffff_ffff : (1 << (8 * UInt64(pnLength))) - 1
    #expect(truncated == packetNumber & mask)
    let headerEnd = packetNumberOffset + pnLength
    let plaintextLength = try protector.open(
        in: &buffer, headerRange: 0..<headerEnd, ciphertextLength: buffer.count - headerEnd,
        packetNumber: packetNumber, pathID: pathID)
    return (Array(buffer[0..<headerEnd]), Array(buffer[headerEnd..<(headerEnd + plaintextLength)]))
}

@Suite("Initial packets (RFC 9001 A.2/A.3, RFC 9369 A.2/A.3)")
struct InitialPacketTests {
    static func secrets(_ version: QUICVersion) throws -> InitialSecrets {
        try InitialSecrets(
            version: version, destinationConnectionID: ConnectionID(literal: hexBytes(Vectors.dcid) ?? []))
    }

    static func clientPayload() throws -> [UInt8] {
        let frame = try #require(hexBytes(Vectors.clientCryptoFrame))
        return frame + [UInt8](repeating: 0, count: 1162 - frame.count)
    }

    @Test("Client Initial protects to the published packet", arguments: [QUICVersion.v1, .v2])
    func clientInitial(version: QUICVersion) throws {
        let protection = try Self.secrets(version).clientProtection()
        let header = try #require(hexBytes(version == .v1 ? Vectors.v1ClientHeader : Vectors.v2ClientHeader))
        let expected = try #require(hexBytes(version == .v1 ? Vectors.v1ClientPacket : Vectors.v2ClientPacket))
        let payload = try Self.clientPayload()
        let packet = try protect(protection, header: header, payload: payload, packetNumber: 2, packetNumberOffset: 18)
        #expect(packet.count == 1200)
        #expect(hexString(packet) == hexString(expected))

        let opened = try unprotect(protection, packet: expected, packetNumber: 2, packetNumberOffset: 18)
        #expect(opened.header == header)
        #expect(opened.payload == payload)
    }

    @Test("Server Initial protects to the published packet", arguments: [QUICVersion.v1, .v2])
    func serverInitial(version: QUICVersion) throws {
        let protection = try Self.secrets(version).serverProtection()
        let header = try #require(hexBytes(version == .v1 ? Vectors.v1ServerHeader : Vectors.v2ServerHeader))
        let expected = try #require(hexBytes(version == .v1 ? Vectors.v1ServerPacket : Vectors.v2ServerPacket))
        let payload = try #require(hexBytes(Vectors.serverPayload))
        let packet = try protect(protection, header: header, payload: payload, packetNumber: 1, packetNumberOffset: 18)
        #expect(hexString(packet) == hexString(expected))

        let opened = try unprotect(protection, packet: expected, packetNumber: 1, packetNumberOffset: 18)
        #expect(opened.header == header)
        #expect(opened.payload == payload)
    }

    @Test("Header protection masks match the published samples")
    func headerProtectionMasks() throws {
        let cases: [(QUICVersion, Bool, String, String)] = [
            (.v1, true, "d1b1c98dd7689fb8ec11d242b123dc9b", "437b9aec36"),
            (.v1, false, "2cd0991cd25b0aac406a5816b6394100", "2ec0d8356a"),
            (.v2, true, "ffe67b6abcdb4298b485dd04de806071", "94a0c95e80"),
            (.v2, false, "6f05d8a4398c47089698baeea26b91eb", "4dd92e91ea"),
        ]
        for (version, isClient, sample, mask) in cases {
            let secrets = try Self.secrets(version)
            let protection = try isClient ? secrets.clientProtection() : secrets.serverProtection()
            let computed = try protection.headerProtectionKey.mask(sample: try #require(hexBytes(sample)))
            #expect(hexString(computed) == mask)
        }
    }

    @Test("The client cannot open with the server's keys")
    func wrongDirection() throws {
        let secrets = try Self.secrets(.v1)
        let packet = try #require(hexBytes(Vectors.v1ClientPacket))
        var buffer = packet
        let server = try secrets.serverProtection()
        let client = try secrets.clientProtection()
        _ = try client.removeHeaderProtection(from: &buffer, packetStart: 0, packetNumberOffset: 18, packetEnd: 1200)
        #expect(throws: CryptoError.authenticationFailure) {
            _ = try server.open(in: &buffer, headerRange: 0..<22, ciphertextLength: 1178, packetNumber: 2, pathID: 0)
        }
    }
}
