import Foundation
import QUIC
import QUICTLS
import QUICTransport
import Testing

extension RealSocketSuites {
    /// Several tasks on one stream: writes queue and go out whole; a second reader is refused.
    @Suite("QUIC stream concurrency")
    struct StreamConcurrencyTests {
        @Test("writes from four tasks at once each arrive as one contiguous run")
        func concurrentWrites() async throws {
            let identity = try DevelopmentCertificate.generate(now: Date())
            let server = try await QUICEndpoint.server(host: "127.0.0.1", port: 0, configuration: clientConfiguration(),
                                                       options: QUICServerOptions(identity: identity))
            let port = Int(try #require(server.localAddress).port)
            let serving = Task {
                for await connection in server.incomingConnections {
                    for await stream in connection.incomingStreams {
                        let all = (try? await stream.readAll(limit: 4 << 20)) ?? []
                        try? await stream.write(all)
                        try? await stream.finish()
                    }
                }
            }
            let client = try await QUICEndpoint.client(configuration: clientConfiguration())
            var options = QUICClientOptions()
            options.serverName = "localhost"
            options.verification = .roots(TrustRoots(identity.chain.certificates))
            let connection = try await client.connect(host: "127.0.0.1", port: port, options: options)
            let stream = try await connection.openStream()
            let runLength = 300_000  // larger than the 1 MiB send buffer allows at once for all four together
            try await withThrowingTaskGroup(of: Void.self) { group in
                for value in UInt8(1)...4 {
                    group.addTask { try await stream.write([UInt8](repeating: value, count: runLength)) }
                }
                try await group.waitForAll()
            }
            // A second reader while one waits is refused.
            let firstRead = Task { try await stream.read(maxLength: 1) }
            try await Task.sleep(for: .milliseconds(20))
            try await stream.finish()
            let echoed = try await [UInt8]((try await firstRead.value) ?? []) + stream.readAll(limit: 4 << 20)
            #expect(echoed.count == 4 * runLength)
            // Each value appears exactly once as a run: the number of value changes is 3.
            let changes = zip(echoed, echoed.dropFirst()).filter { $0 != $1 }.count
            #expect(changes == 3)
            #expect(Set(echoed) == [1, 2, 3, 4])
            await client.close()
            await server.close()
            serving.cancel()
        }

        @Test("a second concurrent read throws concurrentRead and leaves the first waiting")
        func concurrentRead() async throws {
            try await withLoopbackConnection { connection, _ in
                let stream = try await connection.openStream()
                let first = Task { try await stream.read() }
                try await Task.sleep(for: .milliseconds(50))
                await #expect(throws: QUICError.concurrentRead) { _ = try await stream.read() }
                try await stream.write(Array("5".utf8))
                try await stream.finish()
                #expect(try await first.value == LoopbackServer.body(5))
            }
        }
    }
}
