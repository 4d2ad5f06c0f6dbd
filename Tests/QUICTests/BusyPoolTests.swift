import Foundation
import QUIC
import QUICTLS
import Testing

extension RealSocketSuites {
    /// The handshake must not depend on the application's task pool: certificate checks run on the connection's event
    /// loop.
    @Suite("QUIC with a busy task pool")
    struct BusyPoolTests {
        @Test("a handshake completes while every thread of the cooperative pool is blocked")
        func handshakeWhilePoolBlocked() async throws {
            let server = try await LoopbackServer()
            var configuration = clientConfiguration()
            // The handshake gives up after the idle timeout: shorter than the time the pool stays blocked.
            configuration.transport.maxIdleTimeout = .seconds(2)
            // Once connected, PINGs keep the connection from idling out while the test itself cannot run.
            configuration.transport.keepAliveInterval = .milliseconds(400)
            let client = try await QUICEndpoint.client(configuration: configuration)
            let threads = ProcessInfo.processInfo.activeProcessorCount
            let blockers = (0..<threads).map { _ in
                Task.detached {
                    // Deliberately synchronous: holds a pool thread the way CPU-bound application code does.
                    _ = usleep(4_000_000)
                }
            }
            let connection = try await client.connect(host: "127.0.0.1", port: server.port, options: server.clientOptions)
            for blocker in blockers { await blocker.value }
            #expect(try await fetch(1_000, on: connection) == LoopbackServer.body(1_000))
            await client.close()
            await server.close()
        }
    }
}
