import QUIC
import QUICLab
import QUICTLS
import QUICTransport

/// The lab's server over real sockets: every stream carries one ``LabRequestLine``; the answer is that many bytes,
/// latency-sensitive for kind "i" and bulk for "b", then the stream's FIN (what the simulated server does).
/// With multipath it names the paths the client opens and their costs for its scheduler, as the simulated server
/// does: path 1 is the scenario's second interface (the relay hides the client's addresses, so the ID decides).
final class LabRealServer: Sendable {
    let endpoint: QUICEndpoint
    private let task: Task<Void, Never>

    /// The bytes every answer is made of.
    private static let chunk = [UInt8](repeating: 0x5a, count: 32 * 1_024)

    init(host: String, configuration: QUICConfiguration, identity: CertificateIdentity, paths: [LabPath]) async throws {
        let endpoint = try await QUICEndpoint.server(host: host, port: 0, configuration: configuration,
                                                     options: QUICServerOptions(identity: identity))
        self.endpoint = endpoint
        self.task = Task {
            await withDiscardingTaskGroup { group in
                for await connection in endpoint.incomingConnections {
                    group.addTask { await Self.describePaths(of: connection, paths: paths) }
                    group.addTask { await Self.serve(connection) }
                }
            }
        }
    }

    /// The port the server listens on.
    var port: Int { Int(self.endpoint.localAddress?.port ?? 0) }

    func close() async {
        await self.endpoint.close()
        self.task.cancel()
    }

    private static func serve(_ connection: QUICConnection) async {
        await withDiscardingTaskGroup { group in
            for await stream in connection.incomingStreams {
                group.addTask { try? await Self.answer(stream) }
            }
        }
    }

    /// Reads the request line, marks the answer's intent and writes the bytes asked for.
    static func answer(_ stream: QUICStream) async throws {
        guard let request = LabRequestLine(parsing: try await stream.readAll(limit: 64 * 1_024)) else {
            try await stream.finish()
            return
        }
        try await stream.setIntent(request.interactive ? .latencySensitive : .bulk)
        var remaining = request.bytes
        while remaining > 0 {
            let count = min(remaining, Self.chunk.count)
            try await stream.write(Self.chunk[..<count])
            remaining -= count
        }
        try await stream.finish()
    }

    private static func describePaths(of connection: QUICConnection, paths: [LabPath]) async {
        for await event in connection.events {
            guard case .pathAvailable(let id, _) = event else { continue }
            let index = Int(id)
            guard paths.indices.contains(index) else { continue }
            try? await connection.describePath(id, cost: paths[index].cost, label: paths[index].name)
        }
    }
}
