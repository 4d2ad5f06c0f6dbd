import Foundation
import QUIC
import QUICTLS
import Testing

extension RealSocketSuites {
    /// The README's library example, with a system-picked port instead of 4433.
    @Suite("README example")
    struct ReadmeExampleTests {
        @Test("the echo server and client of the README work as written")
        func echo() async throws {
            let identity = try DevelopmentCertificate.generate(now: Date())
            let server = try await QUICEndpoint.server(
                host: "127.0.0.1", port: 0, configuration: QUICConfiguration(alpn: ["echo"]),
                options: QUICServerOptions(identity: identity))
            let port = Int(try #require(server.localAddress).port)
            let serving = Task {
                for await connection in server.incomingConnections {
                    Task {
                        for await stream in connection.incomingStreams {
                            let request = try await stream.readAll(limit: 1 << 20)
                            try await stream.write(request)
                            try await stream.finish()
                        }
                    }
                }
            }

            let client = try await QUICEndpoint.client(configuration: QUICConfiguration(alpn: ["echo"]))
            var options = QUICClientOptions()
            options.serverName = "localhost"
            options.verification = .roots(TrustRoots(identity.chain.certificates))
            let connection = try await client.connect(host: "127.0.0.1", port: port, options: options)
            let stream = try await connection.openStream()
            try await stream.write(Array("hello".utf8))
            try await stream.finish()
            var echoed: [UInt8] = []
            for try await chunk in stream { echoed += chunk }
            #expect(echoed == Array("hello".utf8))
            await connection.close()
            await client.close()
            await server.close()
            await serving.value
        }
    }
}
