import Crypto
import Foundation
import QUICRecovery
import QUICSimulator
import QUICTLS
import QUICTransport
import QUICWire
import X509

/// Shared fixtures for connection tests: a development certificate, TLS settings, and the adapter that puts an
/// ``Endpoint`` into the simulator.
enum EngineFixtures {
    static let alpn: [UInt8] = Array("hq-interop".utf8)
    static let serverAddress = SimAddress.v4(10, 0, 0, 2, port: 4_433)
    static let clientAddress = SimAddress.v4(10, 0, 0, 1, port: 50_000)
    /// 2026-01-01, inside the certificate's validity.
    static let certificateTime = Date(timeIntervalSince1970: 1_767_225_600)

    static let identity: CertificateIdentity = {
        do {
            return try DevelopmentCertificate.generate(dnsNames: ["localhost"], now: certificateTime)
        } catch {
            fatalError("development certificate: \(error)")
        }
    }()

    /// Trusts exactly the development certificate and checks the CertificateVerify signature with its key.
    static let pinnedVerifier: @Sendable (PeerVerificationRequest) -> PeerVerdict = { request in
        let expected = identity.chain.derEncoded.first ?? []
        guard let leaf = request.certificateChain.first, leaf == expected,
              let certificate = try? Certificate(derEncoded: leaf),
              let key = P256.Signing.PublicKey(certificate.publicKey) else {
            return .rejected(TLSAlert(.badCertificate, reason: "not the pinned certificate"))
        }
        guard request.scheme == .ecdsaSecp256r1SHA256,
              let signature = try? P256.Signing.ECDSASignature(derRepresentation: request.signature),
              key.isValidSignature(signature, for: SHA256.hash(data: request.signedContent)) else {
            return .rejected(TLSAlert(.decryptError, reason: "CertificateVerify does not verify"))
        }
        return .trusted
    }

    static func connectionConfiguration() -> ConnectionConfiguration {
        var configuration = ConnectionConfiguration(alpn: [alpn])
        configuration.peerVerification = .immediate(pinnedVerifier)
        configuration.maxDatagramFrameSize = 65_535
        return configuration
    }

    static func clientTLS() -> TLSClientConfiguration {
        TLSClientConfiguration(common: TLSConfiguration(alpn: [alpn], transportParameters: []),
                               serverName: "localhost")
    }

    static func serverTLS() -> TLSServerConfiguration {
        TLSServerConfiguration(common: TLSConfiguration(alpn: [alpn], transportParameters: [], signer: identity),
                               ticketKey: SymmetricKey(size: .bits256))
    }
}

extension SimAddress {
    var networkAddress: NetworkAddress {
        switch self.host {
        case .v4(let value): return NetworkAddress(ip: .v4(value), port: self.port)
        case .v6(let high, let low): return NetworkAddress(ip: .v6(high: high, low: low), port: self.port)
        }
    }
}

extension NetworkAddress {
    var simAddress: SimAddress {
        switch self.ip {
        case .v4(let value): return SimAddress(host: .v4(value), port: self.port)
        case .v6(let high, let low): return SimAddress(host: .v6(high, low), port: self.port)
        }
    }
}

extension SimInstant {
    var quic: QUICInstant { QUICInstant(nanosecondsSinceOrigin: self.nanoseconds) }
}

/// An ``Endpoint`` as a simulator node.
final class SimQUICNode: SimulatedEndpoint {
    /// Replaceable, to model an endpoint that restarts and loses its connections.
    var endpoint: Endpoint
    var buffer: [UInt8] = []
    /// Called after every input so a test can react (read streams, write replies).
    var onActivity: ((SimQUICNode, SimInstant) -> Void)?

    init(endpoint: Endpoint) {
        self.endpoint = endpoint
    }

    func receive(_ datagram: SimDatagram, now: SimInstant) {
        let fourTuple = FourTuple(local: datagram.destination.networkAddress, remote: datagram.source.networkAddress)
        self.endpoint.handle(datagram: datagram.payload[...], from: fourTuple, ecn: datagram.ecn.rawValue,
                             now: now.quic)
        self.onActivity?(self, now)
    }

    func pollTransmit(now: SimInstant) -> SimDatagram? {
        guard let transmit = self.endpoint.pollTransmit(now: now.quic, into: &self.buffer) else { return nil }
        return SimDatagram(source: transmit.fourTuple.local.simAddress, destination: transmit.fourTuple.remote.simAddress,
                           ecn: SimECN(rawValue: transmit.ecn) ?? .notECT, payload: Array(self.buffer[..<transmit.length]))
    }

    var nextTimeout: SimInstant? {
        self.endpoint.nextTimeout().map { SimInstant(nanoseconds: $0.nanosecondsSinceOrigin) }
    }

    func handleTimeout(now: SimInstant) {
        self.endpoint.handleTimeout(now: now.quic)
        self.onActivity?(self, now)
    }
}

/// A client and a server endpoint joined by one simulated link, with the client's connection opened.
final class EngineHarness {
    let pair: SimulatedPair<SimQUICNode, SimQUICNode>
    let clientHandle: ConnectionHandle
    var clientEvents: [ConnectionEvent] = []
    var serverEvents: [ConnectionEvent] = []
    var serverHandle: ConnectionHandle?
    let serverConfiguration: EndpointConfiguration

    init(
        clientToServer: LinkParameters = LinkParameters(delay: .milliseconds(10)),
        serverToClient: LinkParameters = LinkParameters(delay: .milliseconds(10)),
        seed: UInt64 = 1,
        client configureClient: (inout ConnectionConfiguration) -> Void = { _ in },
        server configureServer: (inout EndpointConfiguration) -> Void = { _ in }
    ) throws {
        var random = ConnectionRandom(seed: seed)
        var clientConfiguration = EngineFixtures.connectionConfiguration()
        configureClient(&clientConfiguration)
        let clientEndpoint = Endpoint(
            configuration: EndpointConfiguration(connection: clientConfiguration, random: &random),
            random: ConnectionRandom(seed: seed &+ 1))
        var serverConfiguration = EndpointConfiguration(
            connection: EngineFixtures.connectionConfiguration(), serverTLS: EngineFixtures.serverTLS(),
            random: &random)
        configureServer(&serverConfiguration)
        self.serverConfiguration = serverConfiguration
        let serverEndpoint = Endpoint(configuration: serverConfiguration, random: ConnectionRandom(seed: seed &+ 2))
        self.clientHandle = try clientEndpoint.connect(
            from: EngineFixtures.clientAddress.networkAddress, to: EngineFixtures.serverAddress.networkAddress,
            tls: EngineFixtures.clientTLS(), now: .origin)
        self.pair = SimulatedPair(
            client: SimQUICNode(endpoint: clientEndpoint), clientAddress: EngineFixtures.clientAddress,
            server: SimQUICNode(endpoint: serverEndpoint), serverAddress: EngineFixtures.serverAddress,
            clientToServer: clientToServer, serverToClient: serverToClient, seed: seed)
        self.pair.network.poll(self.pair.clientNode)
    }

    var client: Connection? { self.pair.client.endpoint.connection(self.clientHandle) }

    var server: Connection? {
        if self.serverHandle == nil { self.serverHandle = self.pair.server.endpoint.pollAccepted() }
        return self.serverHandle.flatMap { self.pair.server.endpoint.connection($0) }
    }

    /// Moves events out of both connections.
    func collectEvents() {
        while let event = self.client?.pollEvent() { self.clientEvents.append(event) }
        while let event = self.server?.pollEvent() { self.serverEvents.append(event) }
    }

    /// Runs until both sides have completed the handshake (or `deadline` passes); returns the virtual time.
    @discardableResult
    func runHandshake(deadline: SimDuration = .seconds(60)) -> Bool {
        self.pair.drive(until: SimInstant.zero + deadline) {
            self.collectEvents()
            return (self.client?.isHandshakeConfirmed ?? false) && (self.server?.isHandshakeComplete ?? false)
        }
    }
}
