import Foundation
import QUIC
import QUICTLS
import QUICTransport
import Testing

extension RealSocketSuites {
    /// Socket-level behaviour of endpoints: wildcard binds (packet info), IPv6, closing.
    @Suite("QUIC endpoint sockets")
    struct EndpointSocketTests {
        private func serve(host: String) async throws -> (QUICEndpoint, CertificateIdentity, Task<Void, Never>) {
            let identity = try DevelopmentCertificate.generate(now: Date())
            let server = try await QUICEndpoint.server(host: host, port: 0, configuration: clientConfiguration(),
                                                       options: QUICServerOptions(identity: identity))
            let task = Task {
                for await connection in server.incomingConnections {
                    Task {
                        for await stream in connection.incomingStreams {
                            let request = (try? await stream.readAll(limit: 100)) ?? []
                            try? await stream.write(request.reversed())
                            try? await stream.finish()
                        }
                    }
                }
            }
            return (server, identity, task)
        }

        private func roundTrip(to host: String, port: Int, identity: CertificateIdentity) async throws -> [UInt8] {
            let client = try await QUICEndpoint.client(configuration: clientConfiguration())
            var options = QUICClientOptions()
            options.serverName = "localhost"
            options.verification = .roots(TrustRoots(identity.chain.certificates))
            let connection = try await client.connect(host: host, port: port, options: options)
            let stream = try await connection.openStream()
            try await stream.write([1, 2, 3])
            try await stream.finish()
            let answer = try await stream.readAll()
            await client.close()
            return answer
        }

        @Test("a server bound to 0.0.0.0 answers from the address the client used")
        func wildcardServer() async throws {
            let (server, identity, task) = try await self.serve(host: "0.0.0.0")
            let port = Int(try #require(server.localAddress).port)
            #expect(try await self.roundTrip(to: "127.0.0.1", port: port, identity: identity) == [3, 2, 1])
            await server.close()
            await task.value
        }

        @Test("IPv6 loopback works end to end")
        func ipv6() async throws {
            let (server, identity, task) = try await self.serve(host: "::1")
            let port = Int(try #require(server.localAddress).port)
            #expect(try await self.roundTrip(to: "::1", port: port, identity: identity) == [3, 2, 1])
            await server.close()
            await task.value
        }

        @Test("connecting to a port where nobody listens fails within the idle timeout, with a reason")
        func nobodyListening() async throws {
            var configuration = clientConfiguration()
            configuration.transport.maxIdleTimeout = .milliseconds(600)
            let client = try await QUICEndpoint.client(configuration: configuration)
            var options = QUICClientOptions()
            options.verification = .insecure
            // Bind and close a socket to get a port that is (very likely) unused.
            let probe = try await QUICEndpoint.server(host: "127.0.0.1", port: 0, configuration: configuration,
                                                      options: QUICServerOptions(
                                                        identity: try DevelopmentCertificate.generate(now: Date())))
            let port = Int(try #require(probe.localAddress).port)
            await probe.close()
            await #expect(throws: QUICError.self) {
                _ = try await client.connect(host: "127.0.0.1", port: port, options: options)
            }
            await client.close()
        }

        @Test("a second endpoint cannot bind a port in use: it fails with a socket error instead of sharing the port")
        func portInUse() async throws {
            let identity = try DevelopmentCertificate.generate(now: Date())
            let first = try await QUICEndpoint.server(host: "127.0.0.1", port: 0, configuration: clientConfiguration(),
                                                      options: QUICServerOptions(identity: identity))
            let port = Int(try #require(first.localAddress).port)
            // Two sockets sharing a port split its datagrams between them: a client would reach the wrong server.
            await #expect {
                let second = try await QUICEndpoint.server(host: "127.0.0.1", port: port,
                                                           configuration: clientConfiguration(),
                                                           options: QUICServerOptions(identity: identity))
                await second.close()
            } throws: { error in
                guard case QUICError.socket(let reason) = error else { return false }
                return reason.contains("cannot bind UDP 127.0.0.1:\(port)")
            }
            await first.close()
        }

        @Test("an unresolvable host and a bad port are typed errors")
        func badAddresses() async throws {
            let client = try await QUICEndpoint.client(configuration: clientConfiguration())
            await #expect(throws: QUICError.self) {
                _ = try await client.connect(host: "no-such-host.invalid", port: 443)
            }
            await #expect(throws: QUICError.invalidAddress("port 70000 is out of range")) {
                _ = try await client.connect(host: "127.0.0.1", port: 70_000)
            }
            await client.close()
        }
    }
}
