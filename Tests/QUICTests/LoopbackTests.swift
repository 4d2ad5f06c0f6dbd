import Foundation
import QUIC
import QUICTLS
import QUICTransport
import Testing

extension RealSocketSuites {
    /// The driver over real UDP sockets on 127.0.0.1: handshakes, transfers, datagrams, stream errors, resumption,
    /// 0-RTT, key update, Retry and migration.
    @Suite("QUIC over loopback sockets")
    struct LoopbackTests {
        @Test("a 2 MB download arrives intact, with its statistics")
        func download() async throws {
            try await withLoopbackConnection { connection, server in
                #expect(await connection.alpn == "test")
                let bytes = try await fetch(2_000_000, on: connection)
                #expect(bytes.count == 2_000_000)
                #expect(bytes == LoopbackServer.body(2_000_000))
                let statistics = try await connection.statistics()
                #expect(statistics.bytesReceived > 2_000_000)
                #expect(statistics.handshakeDuration != nil)
                #expect(statistics.cipherSuite == "TLS_AES_128_GCM_SHA256")
                #expect(!statistics.retried && !statistics.resumed)
                await connection.close()
                let reason = await connection.closed()
                #expect(reason == .localApplication(code: 0, reason: ""))
            }
        }

        @Test("parallel streams on one connection each get their own bytes")
        func parallelStreams() async throws {
            try await withLoopbackConnection { connection, server in
                let sizes = [1, 1_000, 70_000, 300_000, 0, 5_000]
                let results = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
                    for size in sizes { group.addTask { (size, try await fetch(size, on: connection)) } }
                    return try await group.reduce(into: [Int: [UInt8]]()) { $0[$1.0] = $1.1 }
                }
                for size in sizes { #expect(results[size] == LoopbackServer.body(size)) }
            }
        }

        @Test("a bad request is answered with RESET_STREAM and its code")
        func streamReset() async throws {
            try await withLoopbackConnection { connection, server in
                let stream = try await connection.openStream()
                try await stream.write(Array("not a number".utf8))
                try await stream.finish()
                await #expect(throws: QUICError.streamReset(errorCode: 7)) { _ = try await stream.readAll() }
                // The connection survives.
                #expect(try await fetch(10, on: connection) == LoopbackServer.body(10))
            }
        }

        @Test("datagrams are echoed")
        func datagrams() async throws {
            try await withLoopbackConnection { connection, server in
                var iterator = connection.datagrams.makeAsyncIterator()
                // DATAGRAM frames may be lost even on loopback in principle; send until one comes back (bounded).
                var echoed: [UInt8]?
                for attempt in 0..<20 where echoed == nil {
                    try await connection.sendDatagram([UInt8(attempt), 1, 2, 3])
                    echoed = await iterator.next()
                }
                #expect(echoed?.dropFirst() == [1, 2, 3])
                let statistics = try await connection.statistics()
                #expect(statistics.datagramFramesSent >= 1 && statistics.datagramFramesReceived >= 1)
                #expect(statistics.datagramFramesReceived <= statistics.datagramFramesSent)
                #expect(statistics.datagramsDroppedWhenFull == 0 && statistics.datagramsExpired == 0)
                do {
                    try await connection.sendDatagram([UInt8](repeating: 0, count: 5_000))
                    Issue.record("a datagram larger than the path allows was accepted")
                } catch QUICError.datagramTooLarge(let maximum) {
                    // The peer's max_datagram_frame_size (1,200) or what fits one packet on the path, whichever is less.
                    #expect(maximum > 1_000 && maximum <= 1_200)
                }
            }
        }

        @Test("a certificate from an unknown CA fails the handshake with a clear reason")
        func untrustedCertificate() async throws {
            let server = try await LoopbackServer()
            let client = try await QUICEndpoint.client(configuration: clientConfiguration())
            var options = QUICClientOptions()
            options.serverName = "localhost"
            options.verification = .roots(TrustRoots(try DevelopmentCertificate.generate(now: Date()).chain.certificates))
            do {
                _ = try await client.connect(host: "127.0.0.1", port: server.port, options: options)
                Issue.record("the handshake should fail")
            } catch QUICError.connectionClosed(.localTransport(let error)) {
                #expect(error.code == .cryptoError(alert: 48))  // unknown_ca
            }
            await client.close()
            await server.close()
        }

        @Test("Retry, then resumption with 0-RTT accepted, and ChaCha20 only")
        func retryResumptionZeroRTT() async throws {
            let server = try await LoopbackServer(options: {
                $0.requireRetry = true
                $0.earlyData = true
            })
            var configuration = clientConfiguration()
            configuration.cipherSuites = [.chacha20Poly1305SHA256]
            let client = try await QUICEndpoint.client(configuration: configuration)
            let first = try await client.connect(host: "127.0.0.1", port: server.port, options: server.clientOptions)
            #expect(try await fetch(1_000, on: first) == LoopbackServer.body(1_000))
            let firstStatistics = try await first.statistics()
            #expect(firstStatistics.retried)
            #expect(firstStatistics.cipherSuite == "TLS_CHACHA20_POLY1305_SHA256")
            var resumption = await first.resumption()
            if resumption == nil {
                for await event in first.events where event == .resumptionAvailable { break }
                resumption = await first.resumption()
            }
            await first.close()
            var options = server.clientOptions
            let ticket = try #require(resumption)
            options.resumption = ticket
            options.earlyData = true
            let second = try await client.connect(host: "127.0.0.1", port: server.port, options: options)
            #expect(try await fetch(50_000, on: second) == LoopbackServer.body(50_000))
            let statistics = try await second.statistics()
            #expect(statistics.resumed)
            #expect(statistics.earlyDataAccepted == true)
            // The NEW_TOKEN from the first connection spared the second a Retry.
            #expect(!statistics.retried)
            await client.close()
            await server.close()
        }

        @Test("a key update mid-transfer keeps the data flowing")
        func keyUpdate() async throws {
            try await withLoopbackConnection { connection, server in
                _ = try await fetch(10_000, on: connection)
                #expect(await connection.requestKeyUpdate())
                #expect(try await fetch(500_000, on: connection) == LoopbackServer.body(500_000))
                #expect(try await connection.statistics().keyUpdates >= 1)
            }
        }

        @Test("the client rebinds to a new port mid-transfer and the download completes")
        func migration() async throws {
            let server = try await LoopbackServer()
            let client = try await QUICEndpoint.client(host: "127.0.0.1", configuration: clientConfiguration())
            let connection = try await client.connect(host: "127.0.0.1", port: server.port, options: server.clientOptions)
            let before = try #require(await connection.fourTuple)
            let stream = try await connection.openStream()
            try await stream.write(Array("3000000".utf8))
            try await stream.finish()
            var received: [UInt8] = []
            var migrated = false
            while let chunk = try await stream.read() {
                received.append(contentsOf: chunk)
                if !migrated, received.count > 500_000 {
                    migrated = true
                    try await connection.migrate()
                }
            }
            #expect(received == LoopbackServer.body(3_000_000))
            let after = try #require(await connection.fourTuple)
            #expect(after.local.port != before.local.port)
            await client.close()
            await server.close()
        }
    }
}
