import QUICWire
import Testing

@testable import QUICCrypto

@Suite("Retry Integrity Tag (RFC 9001 A.4, RFC 9369 A.4)")
struct RetryIntegrityTests {
    static let odcid = ConnectionID(literal: hexBytes(Vectors.dcid) ?? [])

    @Test("The tag over the published Retry packet matches", arguments: [QUICVersion.v1, .v2])
    func publishedTag(version: QUICVersion) throws {
        let packet = try #require(hexBytes(version == .v1 ? Vectors.v1Retry : Vectors.v2Retry))
        let split = packet.count - 16
        let tag = try RetryIntegrity.tag(
            version: version, originalDestinationConnectionID: Self.odcid, retryPacketWithoutTag: packet[..<split])
        #expect(tag == Array(packet[split...]))
        #expect(
            try RetryIntegrity.isValid(
                version: version, originalDestinationConnectionID: Self.odcid, retryPacket: packet))
    }

    @Test("The pseudo-packet prepends the ODCID length and bytes")
    func pseudoPacket() {
        let pseudo = RetryIntegrity.pseudoPacket(
            originalDestinationConnectionID: Self.odcid, retryPacketWithoutTag: [0xff, 0x00])
        #expect(hexString(pseudo) == "08" + Vectors.dcid + "ff00")
    }

    @Test("Any flipped bit, wrong ODCID or wrong version invalidates the tag")
    func tamper() throws {
        let packet = try #require(hexBytes(Vectors.v1Retry))
        for index in packet.indices {
            var tampered = packet
            tampered[index] ^= 0x01
            #expect(
                try !RetryIntegrity.isValid(
                    version: .v1, originalDestinationConnectionID: Self.odcid, retryPacket: tampered))
        }
        let otherODCID = ConnectionID(literal: [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x09])
        #expect(
            try !RetryIntegrity.isValid(version: .v1, originalDestinationConnectionID: otherODCID, retryPacket: packet))
        #expect(
            try !RetryIntegrity.isValid(version: .v2, originalDestinationConnectionID: Self.odcid, retryPacket: packet))
    }

    @Test("Truncated Retry packets are rejected without trapping")
    func truncated() throws {
        let packet = try #require(hexBytes(Vectors.v2Retry))
        for length in 0..<packet.count {
            #expect(
                try !RetryIntegrity.isValid(
                    version: .v2, originalDestinationConnectionID: Self.odcid, retryPacket: packet[..<length]))
        }
    }
}
