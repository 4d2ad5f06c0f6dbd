import Foundation
import QUIC
import QUICTransport
import QUICWire
import Synchronization
import Testing

extension RealSocketSuites {
    /// Multipath QUIC through the driver over real UDP sockets: a client with two local addresses (127.0.0.1 and
    /// 127.0.0.2) and a server on 127.0.0.1.
    @Suite("Multipath QUIC over loopback sockets")
    struct MultipathLoopbackTests {
        @Test("a client with two local addresses downloads 4 MB intact, with bytes on both paths")
        func twoPaths() async throws {
            try await withMultipathConnection(serverScheduler: .roundRobin) { connection, recorder in
                #expect(await connection.isMultipathNegotiated)
                let pathID = try await connection.openPath(localHost: "127.0.0.2", label: "second")
                #expect(pathID == 1)
                #expect(await recorder.wait { if case .pathAvailable(1, _) = $0 { true } else { false } })
                let bytes = try await fetch(4_000_000, on: connection)
                #expect(bytes == LoopbackServer.body(4_000_000))
                let statistics = try await connection.statistics()
                #expect(statistics.isMultipath)
                let paths = Dictionary(uniqueKeysWithValues: statistics.paths.map { ($0.id, $0) })
                let first = try #require(paths[0])
                let second = try #require(paths[1])
                #expect(first.fourTuple.local.description.hasPrefix("127.0.0.1:"))
                #expect(second.fourTuple.local.description.hasPrefix("127.0.0.2:"))
                #expect(second.label == "second")
                #expect(first.status == .available && second.status == .available)
                // The server alternates its packets between the paths, so each carries a good part of the body.
                #expect(first.bytesReceived > 500_000)
                #expect(second.bytesReceived > 500_000)
                #expect(first.bytesReceived + second.bytesReceived > 4_000_000)
                #expect(second.smoothedRTT > .zero)
            }
        }

        @Test("abandoning a path mid-transfer moves the rest to the other path and the download completes",
              arguments: [PathID(1), PathID(0)])
        func abandonMidTransfer(abandoned: PathID) async throws {
            let kept: PathID = abandoned == 0 ? 1 : 0
            try await withMultipathConnection(serverScheduler: .roundRobin) { connection, recorder in
                try await connection.openPath(localHost: "127.0.0.2", label: "second")
                #expect(await recorder.wait { if case .pathAvailable(1, _) = $0 { true } else { false } })
                let size = 8_000_000
                let download = Task { try await fetch(size, on: connection) }
                var receivedAtAbandon: UInt64 = 0
                for _ in 0..<2_000 {
                    let paths = try await connection.statistics().paths
                    receivedAtAbandon = paths.reduce(0) { $0 + $1.bytesReceived }
                    if let path = paths.first(where: { $0.id == abandoned }), path.bytesReceived > 300_000 { break }
                    try await Task.sleep(for: .milliseconds(2))
                }
                try await connection.abandonPath(abandoned)
                let bytes = try await download.value
                #expect(bytes == LoopbackServer.body(size))
                #expect(receivedAtAbandon < UInt64(size), "the path was abandoned before the transfer ended")
                #expect(await recorder.wait { $0 == .pathAbandoned(abandoned, byPeer: false) })
                let statistics = try await connection.statistics()
                #expect(statistics.paths.first { $0.id == abandoned }?.status == .abandoned)
                #expect(statistics.paths.first { $0.id == kept }?.status == .available)
                // The abandoned path cannot be abandoned again (its state may be gone already: 3 PTO on loopback), and
                // the last path cannot be abandoned at all.
                do {
                    try await connection.abandonPath(abandoned)
                    Issue.record("an abandoned path was abandoned again")
                } catch let error as QUICError {
                    #expect(error == .multipath(.pathAbandoned(abandoned)) || error == .multipath(.unknownPath(abandoned)))
                }
                await #expect(throws: QUICError.multipath(.lastPath(kept))) { try await connection.abandonPath(kept) }
                #expect(try await fetch(1_000, on: connection) == LoopbackServer.body(1_000))
            }
        }

        @Test("a multipath client and a server without multipath fall back to one path")
        func fallback() async throws {
            let server = try await LoopbackServer()
            var configuration = clientConfiguration()
            configuration.multipath = MultipathConfiguration()
            let client = try await QUICEndpoint.client(host: "127.0.0.1", configuration: configuration)
            do {
                let connection = try await client.connect(host: "127.0.0.1", port: server.port,
                                                          options: server.clientOptions)
                #expect(await !connection.isMultipathNegotiated)
                await #expect(throws: QUICError.multipath(.notNegotiated)) {
                    try await connection.openPath(localHost: "127.0.0.2")
                }
                #expect(try await fetch(1_000_000, on: connection) == LoopbackServer.body(1_000_000))
                let statistics = try await connection.statistics()
                #expect(!statistics.isMultipath)
                #expect(statistics.paths.count == 1)
                #expect(statistics.paths.first?.bytesReceived == statistics.bytesReceived)
                #expect(statistics.paths.first?.packetsLost != nil)
            } catch {
                await client.close()
                await server.close()
                throw error
            }
            await client.close()
            await server.close()
        }

        @Test("a client endpoint with local paths binds each address with a real port and starts on the first")
        func localPathsAreBound() async throws {
            let server = try await LoopbackServer(configuration: { $0.multipath = MultipathConfiguration() })
            var configuration = clientConfiguration()
            configuration.multipath = MultipathConfiguration()
            let client = try await QUICEndpoint.client(localPaths: [
                LocalPathEndpoint(address: .ipv4(127, 0, 0, 1, port: 0), label: "wifi"),
                LocalPathEndpoint(address: .ipv4(127, 0, 0, 2, port: 0), label: "cellular",
                                  cost: .metered(costPerByte: 1), isBackup: true),
            ], configuration: configuration)
            do {
                #expect(client.localPaths.count == 2)
                #expect(client.localPaths.allSatisfy { $0.address.port != 0 })
                #expect(client.localPaths[0].address.description.hasPrefix("127.0.0.1:"))
                #expect(client.localPaths[1].address.description.hasPrefix("127.0.0.2:"))
                #expect(client.localPaths[1].isBackup && client.localPaths[1].label == "cellular")
                #expect(client.localAddress == client.localPaths[0].address)
                let connection = try await client.connect(host: "127.0.0.1", port: server.port,
                                                          options: server.clientOptions)
                #expect(await connection.fourTuple?.local == client.localPaths[0].address)
                #expect(await connection.isMultipathNegotiated)
                #expect(try await fetch(500_000, on: connection) == LoopbackServer.body(500_000))
            } catch {
                await client.close()
                await server.close()
                throw error
            }
            await client.close()
            await server.close()
            await #expect(throws: QUICError.invalidAddress("no local path given")) {
                _ = try await QUICEndpoint.client(localPaths: [], configuration: configuration)
            }
        }
    }
}

/// Keeps every event of a connection, so a test can wait for one without consuming the sequence itself.
final class EventRecorder: Sendable {
    private final class Log: Sendable {
        let events = Mutex<[QUICConnectionEvent]>([])
    }

    private let log = Log()
    private let task: Task<Void, Never>

    init(_ connection: QUICConnection) {
        let log = self.log
        self.task = Task {
            for await event in connection.events {
                log.events.withLock { $0.append(event) }
            }
        }
    }

    deinit {
        self.task.cancel()
    }

    /// Waits up to `timeout` for an event `match` accepts (one seen before counts too).
    func wait(timeout: Duration = .seconds(5), _ match: (QUICConnectionEvent) -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if self.log.events.withLock({ $0.contains(where: match) }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }
}

/// A multipath server on 127.0.0.1 with `serverScheduler`, and a multipath client bound to 127.0.0.1; runs `body`
/// with the connection and a recorder of its events, and closes both.
func withMultipathConnection(
    serverScheduler: SchedulerKind = .minRTT,
    _ body: (QUICConnection, EventRecorder) async throws -> Void
) async throws {
    let server = try await LoopbackServer(configuration: { configuration in
        var multipath = MultipathConfiguration()
        multipath.scheduler = serverScheduler
        configuration.multipath = multipath
    })
    var configuration = clientConfiguration()
    configuration.multipath = MultipathConfiguration()
    let client = try await QUICEndpoint.client(host: "127.0.0.1", configuration: configuration)
    do {
        let connection = try await client.connect(host: "127.0.0.1", port: server.port, options: server.clientOptions)
        try await body(connection, EventRecorder(connection))
    } catch {
        await client.close()
        await server.close()
        throw error
    }
    await client.close()
    await server.close()
}
