/// Errors from QUIC packet protection.
///
/// None of these is a connection error by itself: RFC 9001 §5.5 says a packet that fails
/// authentication or cannot be unprotected is discarded. The connection decides what to do next
/// (count it against the integrity limit, close on misuse of the API).
public enum CryptoError: Error, Hashable, Sendable {
    /// The AEAD tag did not verify (tampered, wrong keys or wrong packet number).
    case authenticationFailure
    /// RFC 9001 §5.4.2: the packet is too short to take the 16-byte header protection sample
    /// that starts 4 bytes after the start of the Packet Number field.
    case sampleTooShort
    /// The caller's buffer cannot hold the output (for example no room for the 16-byte tag).
    case bufferTooSmall
    /// Offsets or lengths passed in do not describe a region inside the buffer.
    case invalidRange
    /// The ciphertext is shorter than the AEAD tag.
    case ciphertextTooShort
    /// Packet numbers are 62-bit values (RFC 9000 §12.3).
    case packetNumberOutOfRange
    /// No Initial salt or labels are known for this QUIC version.
    case unsupportedVersion(UInt32)
    /// A secret or key has the wrong length for the cipher suite.
    case invalidKeyLength
    /// The crypto backend failed for a reason other than authentication.
    case backendFailure
}
