import Crypto
import Foundation
import QUICRecovery
import QUICTLS
import QUICTransport
import QUICWire

/// What the fuzzers' endpoints are made of: one development certificate per process, fixed keys and seeds, so
/// that everything but the TLS key shares is the same from run to run.
public enum FuzzFixtures {
    public static let alpn: [UInt8] = Array("hq-interop".utf8)
    public static let serverAddress = NetworkAddress.ipv4(192, 0, 2, 1, port: 443)
    /// A second address of the server, for datagrams that arrive on another local address.
    public static let serverSecondAddress = NetworkAddress.ipv4(192, 0, 2, 2, port: 443)
    public static let clientAddress = NetworkAddress.ipv4(198, 51, 100, 7, port: 50_000)
    /// 2026-01-01, for the certificate's validity.
    public static let certificateTime = Date(timeIntervalSince1970: 1_767_225_600)

    public static let identity: CertificateIdentity = {
        do {
            return try DevelopmentCertificate.generate(dnsNames: ["localhost"], now: certificateTime)
        } catch {
            fatalError("development certificate: \(error)")
        }
    }()

    public static let ticketKey = SymmetricKey(data: [UInt8](repeating: 0x5a, count: 32))

    /// A connection's settings; peers are trusted without looking at their certificates.
    public static func connectionConfiguration(multipath: Bool) -> ConnectionConfiguration {
        var configuration = ConnectionConfiguration(alpn: [Self.alpn])
        configuration.peerVerification = .immediate { _ in .trusted }
        configuration.maxDatagramFrameSize = 65_535
        if multipath { configuration.multipath = MultipathConfiguration() }
        return configuration
    }

    public static func serverTLS() -> TLSServerConfiguration {
        TLSServerConfiguration(
            common: TLSConfiguration(alpn: [Self.alpn], transportParameters: [], signer: Self.identity),
            ticketKey: Self.ticketKey)
    }

    public static func clientTLS() -> TLSClientConfiguration {
        TLSClientConfiguration(common: TLSConfiguration(alpn: [Self.alpn], transportParameters: []),
                               serverName: "localhost")
    }

    /// A server endpoint; `configure` may change its settings (limits, Retry) before it is made.
    public static func serverEndpoint(
        seed: UInt64, multipath: Bool = false, configure: (inout EndpointConfiguration) -> Void = { _ in }
    ) -> Endpoint {
        var random = ConnectionRandom(seed: seed)
        var configuration = EndpointConfiguration(
            connection: Self.connectionConfiguration(multipath: multipath), serverTLS: Self.serverTLS(),
            random: &random)
        configure(&configuration)
        return Endpoint(configuration: configuration, random: ConnectionRandom(seed: seed &+ 1))
    }

    /// A client endpoint.
    public static func clientEndpoint(seed: UInt64, multipath: Bool = false) -> Endpoint {
        var random = ConnectionRandom(seed: seed)
        let configuration = EndpointConfiguration(
            connection: Self.connectionConfiguration(multipath: multipath), random: &random)
        return Endpoint(configuration: configuration, random: ConnectionRandom(seed: seed &+ 1))
    }
}
