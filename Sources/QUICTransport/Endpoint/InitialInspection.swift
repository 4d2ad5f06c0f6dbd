import QUICCrypto
import QUICWire

/// The check a server makes of a client's first Initial before anything exists for it (ARCHITECTURE.md §11):
/// the packet is opened with the Initial keys its Destination Connection ID gives (RFC 9001 §5.2) and its frames
/// are parsed; only a packet that authenticates, has zero reserved bits, holds nothing but frames allowed in an
/// Initial and carries the start of a ClientHello may create a connection.
///
/// Initial keys are public, so this is no proof of who sent the packet (Retry is, RFC 9000 §8.1.2); it is what
/// keeps a flood of well-formed headers with random payload from costing a connection each. The work is done
/// in a buffer the caller owns and reuses: an inspection allocates only the derived keys.
public enum InitialInspection {
    /// What the first packet of a datagram turned out to be.
    public enum Verdict: Hashable, Sendable {
        /// An authentic Initial whose CRYPTO data starts with a ClientHello.
        case clientHello
        /// Header protection or the AEAD tag did not check out with this Destination Connection ID's keys.
        case undecryptable
        /// It opened, but its reserved bits are set or its frames do not parse or are not allowed in an Initial.
        case malformed
        /// It opened and parsed, but no CRYPTO frame starts a ClientHello at offset 0.
        case noClientHello
    }

    /// RFC 8446 §4: HandshakeType client_hello(1).
    static let clientHelloType: UInt8 = 0x01
    /// RFC 8446 §4.1.2: a ClientHello body has at least its version (2), random (32), session ID length (1), one
    /// cipher suite with its length (4), compression methods (2) and the extensions length (2).
    static let minimumClientHelloLength = 43

    /// Inspects the first packet of `datagram`, an Initial whose header is `header`.
    ///
    /// - Parameter scratch: a buffer the caller keeps between calls; its contents are replaced.
    public static func inspect(_ datagram: ArraySlice<UInt8>, header: LongHeader,
                               scratch: inout [UInt8]) -> Verdict {
        guard header.type == .initial, header.packetEnd <= datagram.count,
              header.packetNumberOffset < header.packetEnd else { return .malformed }
        let protection: PacketProtection
        do {
            protection = try InitialSecrets(version: header.version,
                                            destinationConnectionID: header.destinationConnectionID)
                .clientProtection()
        } catch {
            return .undecryptable
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: datagram.prefix(header.packetEnd))
        let truncated: (packetNumberLength: Int, truncatedPacketNumber: UInt64)
        do {
            truncated = try protection.removeHeaderProtection(
                from: &scratch, packetStart: 0, packetNumberOffset: header.packetNumberOffset,
                packetEnd: header.packetEnd)
        } catch {
            return .undecryptable
        }
        let headerEnd = header.packetNumberOffset + truncated.packetNumberLength
        let ciphertextLength = header.packetEnd - headerEnd
        guard ciphertextLength >= 16 else { return .undecryptable }
        let packetNumber = PacketNumber.decode(truncated: truncated.truncatedPacketNumber,
                                               length: truncated.packetNumberLength, largestReceived: nil)
        let plaintextLength: Int
        do {
            plaintextLength = try protection.open(in: &scratch, headerRange: 0..<headerEnd,
                                                  ciphertextLength: ciphertextLength, packetNumber: packetNumber)
        } catch {
            return .undecryptable
        }
        // RFC 9000 §17.2: "The value included prior to protection MUST be set to 0."
        guard scratch[0] & 0x0c == 0 else { return .malformed }
        return Self.verdict(frames: scratch[headerEnd..<(headerEnd + plaintextLength)])
    }

    /// Parses an opened Initial payload: every frame must decode and be allowed at the Initial level (RFC 9000
    /// §12.4), and one CRYPTO frame must start a ClientHello.
    static func verdict(frames payload: ArraySlice<UInt8>) -> Verdict {
        var foundClientHello = false
        do {
            var decoder = try FrameDecoder(payload: payload, level: .initial)
            while let frame = try decoder.next() {
                guard case .crypto(let crypto) = frame, crypto.offset == 0 else { continue }
                foundClientHello = foundClientHello || Self.startsClientHello(crypto.data)
            }
        } catch {
            return .malformed
        }
        return foundClientHello ? .clientHello : .noClientHello
    }

    /// Whether CRYPTO data at offset 0 begins a handshake message of type client_hello with a plausible length
    /// (RFC 8446 §4: `HandshakeType msg_type; uint24 length;`).
    static func startsClientHello(_ data: ArraySlice<UInt8>) -> Bool {
        guard data.count >= 4, data[data.startIndex] == Self.clientHelloType else { return false }
        let start = data.startIndex
        let length = Int(data[start + 1]) << 16 | Int(data[start + 2]) << 8 | Int(data[start + 3])
        return length >= Self.minimumClientHelloLength
    }
}
