import Crypto
import QUICWire

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The Retry Integrity Tag (RFC 9001 §5.8, RFC 9369 §3.3.3).
///
/// The tag is AEAD_AES_128_GCM with a fixed per-version key and nonce, an empty plaintext, and the Retry
/// Pseudo-Packet as associated data:
///
///     Retry Pseudo-Packet { ODCID Length (8), Original Destination Connection ID (0..160),
///                           <the Retry packet without its tag> }
public enum RetryIntegrity {
    /// Length of the tag in bytes.
    public static let tagLength = 16

    /// Builds the Retry Pseudo-Packet: the ODCID length and bytes prepended to the Retry packet without its tag.
    public static func pseudoPacket(
        originalDestinationConnectionID: ConnectionID,
        retryPacketWithoutTag: some Collection<UInt8>
    ) -> [UInt8] {
        var pseudo: [UInt8] = []
        pseudo.reserveCapacity(1 + originalDestinationConnectionID.length + retryPacketWithoutTag.count)
        pseudo.append(UInt8(truncatingIfNeeded: originalDestinationConnectionID.length))
        pseudo.append(contentsOf: originalDestinationConnectionID.bytes)
        pseudo.append(contentsOf: retryPacketWithoutTag)
        return pseudo
    }

    /// Computes the 16-byte tag for a Retry packet (given without its tag).
    public static func tag(
        version: QUICVersion,
        originalDestinationConnectionID: ConnectionID,
        retryPacketWithoutTag: some Collection<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        let parameters = try VersionParameters.forVersion(version)
        let pseudo = Self.pseudoPacket(
            originalDestinationConnectionID: originalDestinationConnectionID,
            retryPacketWithoutTag: retryPacketWithoutTag)
        let tag: Data
        do {
            let box = try AES.GCM.seal(
                [UInt8](),
                using: SymmetricKey(data: parameters.retryKey),
                nonce: AES.GCM.Nonce(data: parameters.retryNonce),
                authenticating: pseudo
            )
            tag = box.tag
        } catch {
            throw .backendFailure
        }
        guard tag.count == Self.tagLength else { throw .backendFailure }
        return Array(tag)
    }

    /// Checks the tag at the end of a received Retry packet. Returns false for a wrong tag or a packet too short
    /// to hold one; throws only for an unsupported version or a backend failure.
    public static func isValid(
        version: QUICVersion,
        originalDestinationConnectionID: ConnectionID,
        retryPacket: some Collection<UInt8>
    ) throws(CryptoError) -> Bool {
        let packet = Array(retryPacket)
        guard packet.count >= Self.tagLength else { return false }
        let split = packet.count - Self.tagLength
        let expected = try Self.tag(
            version: version,
            originalDestinationConnectionID: originalDestinationConnectionID,
            retryPacketWithoutTag: packet[..<split]
        )
        // Compare without an early exit.
        var difference: UInt8 = 0
        for (a, b) in zip(expected, packet[split...]) {
            difference |= a ^ b
        }
        return difference == 0
    }
}
