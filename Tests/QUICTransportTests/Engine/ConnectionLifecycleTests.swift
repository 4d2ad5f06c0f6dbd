import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire
import Testing

@Suite("Connection lifecycle in the simulator")
struct ConnectionLifecycleTests {
    /// Records the virtual time at which each side reported `.closed`, and the reason.
    final class CloseRecorder {
        var client: (ConnectionCloseReason, SimInstant)?
        var server: (ConnectionCloseReason, SimInstant)?
        var clientTerminatedAt: SimInstant?
        var serverTerminatedAt: SimInstant?

        func install(on harness: EngineHarness, client: Connection, server: Connection) {
            harness.pair.client.onActivity = { [unowned self] _, now in
                while let event = client.pollEvent() {
                    if case .closed(let reason) = event { self.client = (reason, now) }
                }
                if client.isTerminated, self.clientTerminatedAt == nil { self.clientTerminatedAt = now }
            }
            harness.pair.server.onActivity = { [unowned self] _, now in
                while let event = server.pollEvent() {
                    if case .closed(let reason) = event { self.server = (reason, now) }
                }
                if server.isTerminated, self.serverTerminatedAt == nil { self.serverTerminatedAt = now }
            }
        }
    }

    /// RFC 9002 §6.2.1: PTO = smoothed_rtt + max(4 * rttvar, kGranularity) + max_ack_delay. rttvar is not
    /// public; after a handful of samples on a constant-delay link it is at most half the smoothed RTT.
    static func ptoUpperBound(_ connection: Connection) -> Double {
        let srtt = Double(connection.smoothedRTT.nanoseconds) / 1e9
        return srtt + 4 * (srtt / 2) + 0.025
    }

    @Test("Without traffic both sides close with idleTimeout at min(local, peer) = 5 s")
    func idleTimeout() throws {
        let harness = try EngineHarness { $0.maxIdleTimeout = .seconds(5) } server: {
            $0.connection.maxIdleTimeout = .seconds(8)
        }
        #expect(harness.runHandshake())
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        let recorder = CloseRecorder()
        recorder.install(on: harness, client: client, server: server)
        let quietSince = harness.pair.now
        let pto = Self.ptoUpperBound(client)
        #expect(harness.run(for: .seconds(30)) { recorder.client != nil && recorder.server != nil })
        let (clientReason, clientTime) = try #require(recorder.client)
        let (serverReason, serverTime) = try #require(recorder.server)
        #expect(clientReason == .idleTimeout)
        #expect(serverReason == .idleTimeout)
        // The last packets (ACKs of the handshake) move within one PTO after the handshake completes.
        for time in [clientTime, serverTime] {
            let idle = (time - quietSince).inSeconds
            #expect(idle >= 5.0 - pto && idle <= 5.0 + pto, "closed after \(idle) s idle, PTO \(pto) s")
        }
        #expect(client.isTerminated && server.isTerminated)
        #expect(client.closeReason == .idleTimeout)
    }

    @Test("A keep-alive shorter than the idle timeout keeps a quiet connection open for 60 s")
    func keepAlive() throws {
        let harness = try EngineHarness { configuration in
            configuration.maxIdleTimeout = .seconds(5)
            configuration.keepAliveInterval = .seconds(2)
        } server: { $0.connection.maxIdleTimeout = .seconds(5) }
        #expect(harness.runHandshake())
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        let recorder = CloseRecorder()
        recorder.install(on: harness, client: client, server: server)
        let received = server.stats.packetsReceived
        harness.pair.driveToQuiescence(deadline: harness.pair.now + .seconds(60))
        #expect(recorder.client == nil && recorder.server == nil)
        #expect(!client.isClosed && !server.isClosed)
        // About one PING every 2 s reached the server.
        #expect(server.stats.packetsReceived - received >= 25)
        // And the connection still carries data.
        let id = try client.openStream(.unidirectional)
        try client.write([1, 2, 3], to: id)
        harness.kick()
        var bytes: [UInt8] = []
        #expect(harness.run(for: .seconds(1)) {
            _ = try? server.read(id, into: &bytes)
            return bytes == [1, 2, 3]
        })
    }

    @Test("close(applicationErrorCode:) reaches the peer as peerApplication; both sides end after 3 PTO")
    func applicationClose() throws {
        let harness = try EngineHarness()
        #expect(harness.runHandshake())
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        let serverHandle = try #require(harness.serverHandle)
        let recorder = CloseRecorder()
        recorder.install(on: harness, client: client, server: server)
        harness.run(for: .milliseconds(200)) { false }
        let pto = Self.ptoUpperBound(client)
        let closedAt = harness.pair.now
        client.close(applicationErrorCode: 0x1234, reason: "done", now: closedAt.quic)
        harness.kick()
        #expect(harness.run(for: .seconds(5)) {
            recorder.clientTerminatedAt != nil && recorder.serverTerminatedAt != nil
        })
        let (clientReason, clientTime) = try #require(recorder.client)
        let (serverReason, serverTime) = try #require(recorder.server)
        #expect(clientReason == .localApplication(code: 0x1234, reason: "done"))
        #expect(serverReason == .peerApplication(code: 0x1234, reason: "done"))
        #expect(clientTime == closedAt)
        // One-way delay 10 ms.
        #expect((serverTime - closedAt).inSeconds <= 0.011)
        let clientPeriod = (try #require(recorder.clientTerminatedAt) - clientTime).inSeconds
        let serverPeriod = (try #require(recorder.serverTerminatedAt) - serverTime).inSeconds
        // 3 PTO, with the smallest possible PTO (RTT 20 ms, max_ack_delay 25 ms) and the bound above.
        for period in [clientPeriod, serverPeriod] {
            #expect(period >= 3 * 0.045 && period <= 3 * pto, "ended \(period) s after closing, PTO <= \(pto) s")
        }
        #expect(harness.pair.server.endpoint.connection(serverHandle) == nil)
        #expect(harness.client == nil)
        #expect(throws: StreamError.connectionClosed) { try client.openStream(.bidirectional) }
    }
}
