import Foundation
import QUIC
import QUICTLS
import QUICTransport
import Testing

/// A server on 127.0.0.1 (system-picked port) that answers each bidirectional stream's request "N" (a decimal
/// byte count) with N bytes of `LoopbackServer.pattern` and a FIN, and echoes every DATAGRAM.
final class LoopbackServer: Sendable {
    let endpoint: QUICEndpoint
    let port: Int
    let identity: CertificateIdentity
    private let task: Task<Void, Never>

    static func pattern(_ offset: Int) -> UInt8 { UInt8(truncatingIfNeeded: offset &* 31 &+ offset >> 8) }

    static func body(_ count: Int) -> [UInt8] { (0..<count).map(Self.pattern) }

    init(options configure: (inout QUICServerOptions) -> Void = { _ in },
         configuration adjust: (inout QUICConfiguration) -> Void = { _ in }) async throws {
        let identity = try DevelopmentCertificate.generate(now: Date())
        var options = QUICServerOptions(identity: identity)
        configure(&options)
        var configuration = clientConfiguration()
        adjust(&configuration)
        let endpoint = try await QUICEndpoint.server(host: "127.0.0.1", port: 0, configuration: configuration,
                                                     options: options)
        self.endpoint = endpoint
        self.identity = identity
        self.port = Int(endpoint.localAddress?.port ?? 0)
        self.task = Task {
            await withDiscardingTaskGroup { group in
                for await connection in endpoint.incomingConnections {
                    group.addTask { await Self.serve(connection) }
                }
            }
        }
    }

    private static func serve(_ connection: QUICConnection) async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await datagram in connection.datagrams {
                    try? await connection.sendDatagram(datagram)
                }
            }
            for await stream in connection.incomingStreams {
                group.addTask {
                    guard let request = try? await stream.readAll(limit: 64),
                          let count = Int(String(decoding: request, as: UTF8.self)) else {
                        try? await stream.reset(errorCode: 7)
                        return
                    }
                    var offset = 0
                    while offset < count {
                        let end = min(count, offset + 65_536)
                        guard (try? await stream.write((offset..<end).map(Self.pattern))) != nil else { return }
                        offset = end
                    }
                    try? await stream.finish()
                }
            }
        }
    }

    func close() async {
        await self.endpoint.close()
        self.task.cancel()
    }

    /// Client options that trust this server's development certificate.
    var clientOptions: QUICClientOptions {
        var options = QUICClientOptions()
        options.serverName = "localhost"
        options.verification = .roots(TrustRoots(self.identity.chain.certificates))
        return options
    }
}

/// Asks for `count` bytes on a new stream and returns what arrived.
func fetch(_ count: Int, on connection: QUICConnection) async throws -> [UInt8] {
    let stream = try await connection.openStream()
    try await stream.write(Array(String(count).utf8))
    try await stream.finish()
    return try await stream.readAll(limit: count + 1)
}

/// The configuration of the test clients and servers. `swift test` runs suites in parallel, and CPU-bound
/// simulator tests can hold every thread of the cooperative pool for a minute, so the applications here may not run
/// for that long: PINGs from the event loop keep their connections from idling out meanwhile.
func clientConfiguration() -> QUICConfiguration {
    var configuration = QUICConfiguration(alpn: ["test"])
    configuration.transport.maxDatagramFrameSize = 1_200
    configuration.transport.keepAliveInterval = .seconds(1)
    configuration.keyLogPath = nil
    return configuration
}

/// Starts a server, connects a client to it, runs `body`, and closes both.
func withLoopbackConnection(
    _ body: (QUICConnection, LoopbackServer) async throws -> Void
) async throws {
    let server = try await LoopbackServer()
    let client = try await QUICEndpoint.client(configuration: clientConfiguration())
    do {
        let connection = try await client.connect(host: "127.0.0.1", port: server.port, options: server.clientOptions)
        try await body(connection, server)
    } catch {
        await client.close()
        await server.close()
        throw error
    }
    await client.close()
    await server.close()
}
