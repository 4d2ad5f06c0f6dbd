import Foundation

/// A benchmark of complete TLS 1.3 handshakes for QUIC, for `mpquic bench handshake`: a client and a server
/// wired back to back in memory, the server presenting a P-256 development certificate that the client verifies
/// for real (X.509 path to the certificate as trust root, host name, validity, CertificateVerify signature).
///
/// It reads no clock (nothing below the driver does): the caller passes a monotonic nanosecond counter.
/// Certificate validity is checked at a fixed date, the one the certificate is generated for.
public enum HandshakeBenchmark {
    /// The groups `mpquic bench handshake --group all` measures.
    public static let groups: [NamedGroup] = [.x25519, .secp256r1, .x25519MLKEM768]

    /// The date the development certificate is issued for and validated at.
    static let validationTime = Date(timeIntervalSince1970: 1_800_000_000)
    static let serverName = "localhost"
    static let alpn: [[UInt8]] = [Array("bench".utf8)]

    /// The result of one run.
    public struct Measurement: Sendable, Hashable {
        public var group: NamedGroup
        public var handshakes: Int
        public var elapsedNanoseconds: UInt64

        public var handshakesPerSecond: Double {
            Double(self.handshakes) / max(Double(self.elapsedNanoseconds) / 1e9, 1e-9)
        }

        public var microsecondsPerHandshake: Double {
            Double(self.elapsedNanoseconds) / 1e3 / Double(max(self.handshakes, 1))
        }
    }

    /// Why a run stopped: the setup or a handshake failed (a bug, not a measurement).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { self.reason }
    }

    /// Runs full handshakes with `group` until `seconds` have passed on `nanoseconds` (at least one).
    ///
    /// A fresh development certificate is made per call (not timed); each handshake generates fresh key shares,
    /// signs, verifies the chain and the signature, and derives every secret.
    public static func run(
        group: NamedGroup,
        seconds: Double,
        nanoseconds: () -> UInt64
    ) async throws(Failure) -> Measurement {
        let identity: CertificateIdentity
        do {
            identity = try DevelopmentCertificate.generate(now: Self.validationTime)
        } catch {
            throw Failure(reason: "cannot generate the development certificate: \(error)")
        }
        var common = TLSConfiguration(alpn: Self.alpn, transportParameters: [0x04, 0x04, 0x80, 0x10, 0x00, 0x00])
        common.groups = [group]
        let client = TLSClientConfiguration(common: common, serverName: Self.serverName)
        common.signer = identity
        let server = TLSServerConfiguration(common: common)
        let verifier = PeerCertificateVerifier(trustRoots: TrustRoots(identity.chain.certificates))

        let budget = UInt64(max(seconds, 0) * 1e9)
        let start = nanoseconds()
        var handshakes = 0
        var elapsed: UInt64 = 0
        repeat {
            try await Self.handshake(client: client, server: server, verifier: verifier)
            handshakes += 1
            let now = nanoseconds()
            elapsed = now >= start ? now - start : 0
        } while elapsed < budget
        return Measurement(group: group, handshakes: handshakes, elapsedNanoseconds: elapsed)
    }

    /// One complete handshake; returns the number of handshake bytes exchanged.
    @discardableResult
    static func handshake(
        client clientConfiguration: TLSClientConfiguration,
        server serverConfiguration: TLSServerConfiguration,
        verifier: PeerCertificateVerifier
    ) async throws(Failure) -> Int {
        var bytes = 0
        var complete = false
        do throws(TLSHandshakeError) {
            var client: TLSClientHandshake
            do {
                client = try TLSClientHandshake(configuration: clientConfiguration)
            } catch {
                throw .alert(error)
            }
            var server = TLSServerHandshake(configuration: serverConfiguration)
            var progress = true
            while progress {
                let sent = try Self.deliver(from: &client, to: &server)
                let serverVerified = try await Self.answerVerification(&server, verifier: verifier)
                let answered = try Self.deliver(from: &server, to: &client)
                let clientVerified = try await Self.answerVerification(&client, verifier: verifier)
                bytes += sent + answered
                progress = sent > 0 || answered > 0 || serverVerified || clientVerified
                while client.pollSecret() != nil {}
                while server.pollSecret() != nil {}
            }
            complete = client.isComplete && server.isComplete
        } catch {
            throw Failure(reason: "the in-memory handshake failed: \(error)")
        }
        guard complete else {
            throw Failure(reason: "the in-memory handshake stalled before completing")
        }
        return bytes
    }

    /// Moves every pending flight of `sender` into `receiver`; returns the number of bytes moved.
    static func deliver(
        from sender: inout some TLSHandshaker,
        to receiver: inout some TLSHandshaker
    ) throws(TLSHandshakeError) -> Int {
        var bytes = 0
        while let flight = sender.pollOutput() {
            bytes += flight.bytes.count
            try receiver.receive(flight.bytes[...], at: flight.level)
        }
        return bytes
    }

    /// Answers the verification requests among `side`'s events; returns whether there was one.
    static func answerVerification(
        _ side: inout some TLSHandshaker,
        verifier: PeerCertificateVerifier
    ) async throws(TLSHandshakeError) -> Bool {
        var answered = false
        while let event = side.pollEvent() {
            if case .verifyPeer(let request) = event {
                answered = true
                try side.provideVerdict(await verifier.verdict(for: request, now: Self.validationTime))
            }
        }
        return answered
    }
}
