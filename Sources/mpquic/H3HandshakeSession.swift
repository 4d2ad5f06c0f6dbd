import Foundation
import QUIC
import QUICInterop
import QUICTransport

/// `mpquic client --alpn h3`: connections to a server that speaks HTTP/3, which this tool does not. Each one
/// completes the handshake, opens the HTTP/3 control stream (RFC 9114 §6.2.1: stream type 0x00, then an empty
/// SETTINGS frame) and closes with H3_NO_ERROR, so the transport features can still be exercised:
/// - with --zero-rtt the control stream is opened before the handshake completes, so it travels in 0-RTT;
/// - with --key-update, once the handshake is confirmed the keys are updated, then a reserved frame (§7.2.8: type
///   0x21, which the peer ignores) goes on the control stream under the new keys, and the client waits for the
///   server's answer;
/// - with --migrate, the connection moves to a new local port and the same reserved frame crosses the new path.
struct H3HandshakeSession: Sendable {
    let settings: ClientTransfer.Settings
    let phase: ClientPhase

    /// Stream type 0x00 (control), then SETTINGS (type 0x04) with no settings.
    private static let controlStreamPreface: [UInt8] = [0x00, 0x04, 0x00]
    /// A reserved frame type (0x1f * 0 + 0x21) with an empty payload.
    private static let reservedFrame: [UInt8] = [0x21, 0x00]

    private var authority: HostPort { self.settings.urls[0].authority }

    /// One connection (two with --resume / --zero-rtt, the second resuming the first); reports the last.
    func run() async throws -> ClientReport {
        let endpoint = try await QUICEndpoint.client(configuration: self.settings.configuration)
        var options = self.settings.options
        var (report, resumption) = try await self.connection(on: endpoint, options: options,
                                                             keepResumption: self.settings.resume)
        if self.settings.resume {
            guard let resumption else {
                throw ClientTransfer.Failure(
                    description: "the server sent no session ticket, so the connection cannot be resumed")
            }
            options.resumption = resumption
            options.earlyData = self.settings.zeroRTT
            (report, _) = try await self.connection(on: endpoint, options: options, keepResumption: false)
        }
        await endpoint.close()
        if self.settings.summary {
            var notes = [report.cipherSuite]
            if report.resumed { notes.insert("resumed", at: 0) }
            if report.zeroRTT != "none" { notes.append("0-RTT \(report.zeroRTT)") }
            if report.keyUpdates > 0 { notes.append("\(report.keyUpdates) key updates") }
            if report.migrated { notes.append("migrated") }
            Console.error("h3 handshake with \(self.authority) in "
                + String(format: "%.1f ms", report.handshakeMs ?? 0) + ": " + notes.joined(separator: ", "))
        }
        return report
    }

    private func connection(on endpoint: QUICEndpoint, options: QUICClientOptions, keepResumption: Bool)
        async throws -> (ClientReport, QUICResumption?) {
        let clock = ContinuousClock()
        let start = clock.now
        self.phase.set("connecting to \(self.authority)\(options.resumption == nil ? "" : " again, resuming")")
        let connection: QUICConnection
        do {
            connection = try await endpoint.connect(host: self.authority.host, port: self.authority.port,
                                                    options: options)
        } catch {
            throw ClientTransfer.Failure(description: "cannot connect to \(self.authority): \(error)")
        }
        var migrated = false
        do {
            // With early data the connection is returned before the handshake: the stream goes in 0-RTT.
            let control = try await connection.openStream(bidirectional: false)
            try await control.write(Self.controlStreamPreface)
            self.phase.set("completing the handshake with \(self.authority)")
            try await connection.waitForHandshake()
            if self.settings.keyUpdate {
                self.phase.set("updating the keys")
                try await self.updateKeys(connection, control: control)
            }
            if self.settings.migrate {
                self.phase.set("migrating to a new local port")
                try await self.migrate(connection, control: control)
                migrated = true
            }
        } catch let failure as ClientTransfer.Failure {
            await connection.close(errorCode: HQErrorCode.internalError, reason: "client failure")
            throw failure
        } catch {
            await connection.close(errorCode: HQErrorCode.internalError, reason: "client failure")
            throw ClientTransfer.Failure(description: "\(self.authority): \(error)")
        }
        let seconds = Console.seconds(clock.now - start)
        let statistics = try await connection.statistics()
        let resumption = keepResumption ? await Self.waitForResumption(connection) : nil
        self.phase.set("closing the connection")
        await connection.close(errorCode: HQErrorCode.h3NoError)
        var report = ClientReport(ok: true)
        report.seconds = seconds
        report.handshakeMs = statistics.handshakeDuration.map { Console.seconds($0) * 1_000 }
        report.resumed = statistics.resumed
        switch statistics.earlyDataAccepted {
        case .some(true): report.zeroRTT = "accepted"
        case .some(false): report.zeroRTT = "rejected"
        case .none: report.zeroRTT = options.earlyData ? "rejected" : "none"
        }
        report.retry = statistics.retried
        report.cipherSuite = statistics.cipherSuite
        report.keyUpdates = statistics.keyUpdates
        report.migrated = migrated
        report.paths = statistics.paths.map { TransferSummary.Path($0, multipath: statistics.isMultipath) }
        return (report, resumption)
    }

    /// Starts a key update as soon as the handshake is confirmed, then sends under the new keys and waits for
    /// the server to answer.
    private func updateKeys(_ connection: QUICConnection, control: QUICStream) async throws {
        var started = false
        for _ in 0..<400 where !started {
            started = await connection.requestKeyUpdate()
            if !started { try await Task.sleep(for: .milliseconds(5)) }
        }
        guard started else {
            throw ClientTransfer.Failure(description: "no key update could start within 2 s of the handshake")
        }
        try await self.sendAndAwaitAnswer(connection, control: control, after: "the key update")
    }

    /// Moves to a new local port once the handshake is confirmed (RFC 9000 §9: not before), then sends on the
    /// new path and waits for the server to answer there.
    private func migrate(_ connection: QUICConnection, control: QUICStream) async throws {
        var lastError: (any Error)?
        for _ in 0..<200 {
            do {
                try await connection.migrate(toLocalHost: self.settings.migrateTo)
                lastError = nil
                break
            } catch {
                // Until HANDSHAKE_DONE arrives the connection refuses to migrate.
                lastError = error
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        if let lastError {
            throw ClientTransfer.Failure(description: "migration failed: \(lastError)")
        }
        try await self.sendAndAwaitAnswer(connection, control: control, after: "the migration")
    }

    /// Sends the reserved frame and waits up to 3 s for a packet from the server that came after it.
    private func sendAndAwaitAnswer(_ connection: QUICConnection, control: QUICStream, after step: String)
        async throws {
        let before = try await connection.statistics().packetsReceived
        try await control.write(Self.reservedFrame)
        for _ in 0..<300 {
            if try await connection.statistics().packetsReceived > before { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ClientTransfer.Failure(description: "the server sent nothing within 3 s after \(step)")
    }

    /// The session ticket usually arrives right after the handshake; waits up to a second for it.
    private static func waitForResumption(_ connection: QUICConnection) async -> QUICResumption? {
        for _ in 0..<100 {
            if let resumption = await connection.resumption() { return resumption }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }
}
