import Crypto
import QUICWire
import Testing

@testable import QUICTLS

/// A test signer: the "certificate" is an opaque blob, "p256:" followed by the raw P-256 public key. Real
/// X.509 chains plug into the handshake through the same ``TLSCertificateSigner`` protocol.
struct TestP256Signer: TLSCertificateSigner {
    static let prefix: [UInt8] = Array("p256:".utf8)
    let key: P256.Signing.PrivateKey

    init(key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) {
        self.key = key
    }

    var scheme: SignatureScheme { .ecdsaSecp256r1SHA256 }
    var certificateChain: [[UInt8]] { [Self.prefix + Array(self.key.publicKey.rawRepresentation)] }

    func sign(_ content: [UInt8]) throws -> [UInt8] {
        Array(try self.key.signature(for: content).derRepresentation)
    }
}

/// The verifier that matches ``TestP256Signer``: checks the signature with the key inside the blob.
enum TestP256Verifier {
    static func verdict(for request: PeerVerificationRequest) -> PeerVerdict {
        guard let leaf = request.certificateChain.first, leaf.starts(with: TestP256Signer.prefix),
            let key = try? P256.Signing.PublicKey(rawRepresentation: leaf.dropFirst(TestP256Signer.prefix.count))
        else {
            return .rejected(TLSAlert(.badCertificate, reason: "not a test certificate"))
        }
        guard request.scheme == .ecdsaSecp256r1SHA256,
            let signature = try? P256.Signing.ECDSASignature(derRepresentation: request.signature),
            key.isValidSignature(signature, for: request.signedContent)
        else {
            return .rejected(TLSAlert(.decryptError, reason: "CertificateVerify signature does not verify"))
        }
        return .trusted
    }
}

let testALPN: [UInt8] = Array("h3".utf8)
let testTicketKey = SymmetricKey(size: .bits256)

func makeClientConfiguration(
    suites: [CipherSuite]? = nil, groups: [NamedGroup]? = nil, alpn: [[UInt8]] = [testALPN]
) -> TLSClientConfiguration {
    var common = TLSConfiguration(alpn: alpn, transportParameters: [0x01, 0x02, 0x43, 0xe8])
    if let suites { common.cipherSuites = suites }
    if let groups { common.groups = groups }
    common.keyLogEnabled = true
    return TLSClientConfiguration(common: common, serverName: "example.test")
}

func makeServerConfiguration(
    suites: [CipherSuite]? = nil, groups: [NamedGroup]? = nil, alpn: [[UInt8]] = [testALPN]
) -> TLSServerConfiguration {
    var common = TLSConfiguration(alpn: alpn, transportParameters: [0x03, 0x02, 0x45, 0xc0], signer: TestP256Signer())
    if let suites { common.cipherSuites = suites }
    if let groups { common.groups = groups }
    common.keyLogEnabled = true
    return TLSServerConfiguration(common: common, ticketKey: testTicketKey)
}

/// Splits a run of handshake bytes into whole messages.
func splitMessages(_ bytes: [UInt8]) -> [[UInt8]] {
    var messages: [[UInt8]] = []
    var index = 0
    while index + 4 <= bytes.count {
        let length = Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
        let end = min(index + 4 + length, bytes.count)
        messages.append(Array(bytes[index..<end]))
        index = end
    }
    return messages
}

/// A client and a server wired back to back in memory: bytes move per level, verification requests are
/// answered with ``TestP256Verifier``, and secrets and events are collected per side.
struct HandshakePair {
    var client: TLSClientHandshake
    var server: TLSServerHandshake
    var clientSecrets: [TLSSecret] = []
    var serverSecrets: [TLSSecret] = []
    var clientEvents: [TLSHandshakeEvent] = []
    var serverEvents: [TLSHandshakeEvent] = []
    var clientFlights: [(level: EncryptionLevel, bytes: [UInt8])] = []
    var serverFlights: [(level: EncryptionLevel, bytes: [UInt8])] = []
    /// Key-log lines the client produced.
    var keyLog: [String] = []
    /// Key-log lines the server produced.
    var serverKeyLog: [String] = []
    /// Lets a test change bytes in flight: (sent by the client, level, bytes).
    var tamper: ((Bool, EncryptionLevel, inout [UInt8]) -> Void)?

    init(client: TLSClientConfiguration, server: TLSServerConfiguration, now: UInt64 = 0) throws {
        self.client = try TLSClientHandshake(configuration: client, nowMilliseconds: now)
        self.server = TLSServerHandshake(configuration: server, nowMilliseconds: now)
    }

    /// Runs until neither side has anything left to do. Returns the failing side and its error, if any.
    mutating func run() -> (clientFailed: Bool, error: TLSHandshakeError)? {
        var progress = true
        while progress {
            progress = false
            while let secret = self.client.pollSecret() { self.clientSecrets.append(secret) }
            while let line = self.client.pollKeyLogLine() { self.keyLog.append(line) }
            while let event = self.client.pollEvent() {
                progress = true
                self.clientEvents.append(event)
                if case .verifyPeer(let request) = event {
                    do { try self.client.provideVerdict(TestP256Verifier.verdict(for: request)) } catch {
                        return (true, error)
                    }
                }
            }
            while var flight = self.client.pollOutput() {
                progress = true
                self.clientFlights.append(flight)
                self.tamper?(true, flight.level, &flight.bytes)
                do { try self.server.receive(flight.bytes[...], at: flight.level) } catch { return (false, error) }
            }
            while let secret = self.server.pollSecret() { self.serverSecrets.append(secret) }
            while let line = self.server.pollKeyLogLine() { self.serverKeyLog.append(line) }
            while let event = self.server.pollEvent() {
                progress = true
                self.serverEvents.append(event)
                if case .verifyPeer(let request) = event {
                    do { try self.server.provideVerdict(TestP256Verifier.verdict(for: request)) } catch {
                        return (false, error)
                    }
                }
            }
            while var flight = self.server.pollOutput() {
                progress = true
                self.serverFlights.append(flight)
                self.tamper?(false, flight.level, &flight.bytes)
                do { try self.client.receive(flight.bytes[...], at: flight.level) } catch { return (true, error) }
            }
        }
        return nil
    }

    /// The secret one side installed for a level and direction.
    func secret(client: Bool, _ level: EncryptionLevel, _ direction: TLSSecretDirection) -> TLSSecret? {
        (client ? self.clientSecrets : self.serverSecrets).first { $0.level == level && $0.direction == direction }
    }

    /// The ticket the client received, if any.
    var ticket: TLSSessionTicket? {
        for event in self.clientEvents {
            if case .newSessionTicket(let ticket) = event { return ticket }
        }
        return nil
    }
}
