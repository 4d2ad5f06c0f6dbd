@testable import QUICTransport
import QUICRecovery
import QUICSimulator
import QUICWire
import Testing

@Suite("Connection migration in the simulator")
struct MigrationTests {
    /// 10 Mbit/s each way, 20 ms one-way delay, a drop-tail queue of about two bandwidth-delay products.
    static let link = LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: 10_000_000),
                                     delay: .milliseconds(20), queueCapacity: 100_000)
    static let size = 5_000_000

    /// 1 RTT + 1 PTO of the path before the change, as the sender (the server) measured it.
    static func stallBound(_ connection: Connection) -> SimDuration {
        SimDuration(nanoseconds: UInt64(max(connection.smoothedRTT.nanoseconds + connection.pto.nanoseconds, 0)))
    }

    @Test("client migrates to a second address mid-download: validated, old path dropped, short stall")
    func activeMigration() throws {
        let harness = try MigrationHarness(size: Self.size, link: Self.link)
        let migrateAt = SimInstant.zero + .seconds(2)
        harness.run(until: migrateAt)
        let client = try #require(harness.clientConnection)
        let server = try #require(harness.serverConnection)
        #expect(!harness.application.clientFinished)
        let bound = Self.stallBound(server)
        let old = client.fourTuple
        let new = FourTuple(local: MigrationHarness.secondaryClientAddress.networkAddress, remote: old.remote)
        try client.migrate(toLocalAddress: new.local, now: migrateAt.quic)
        harness.network.poll(harness.clientNode)
        #expect(harness.runDownload(deadline: SimInstant.zero + .seconds(30)))
        #expect(harness.application.hashesMatch)

        #expect(harness.clientEvents.contains { if case .migrated(old, new) = $0.1 { true } else { false } })
        let serverNew = FourTuple(local: new.remote, remote: new.local)
        let migratedAt = harness.firstTime(client: false) {
            if case .migrated(_, serverNew) = $0 { true } else { false }
        }
        #expect(migratedAt != nil)
        let validatedAt = try #require(harness.firstTime(client: false) { $0 == .pathValidated(serverNew) })
        #expect(harness.firstTime(client: true) { $0 == .pathValidated(new) } != nil)
        #expect(server.fourTuple == serverNew)
        #expect(!harness.serverDatagrams(onLink: MigrationHarness.secondaryLink).isEmpty)
        let margin = SimDuration.milliseconds(100)
        let late = harness.serverDatagrams(onLink: MigrationHarness.primaryLink, from: validatedAt + margin)
        #expect(late.isEmpty, "\(late.count) datagrams to the old address after validation")
        Self.expectAmplificationLimit(harness, link: MigrationHarness.secondaryLink,
                                      address: MigrationHarness.secondaryClientAddress, from: migrateAt,
                                      until: validatedAt)
        let gap = harness.longestReadGap(from: migrateAt)
        print("active migration: longest read gap \(gap), bound \(bound), validated at \(validatedAt)")
        #expect(gap <= bound, "stall \(gap) exceeds \(bound)")
    }

    @Test("NAT rebinding mid-download: the server validates the new port and the stall stays short")
    func natRebinding() throws {
        let rebindAt = SimInstant.zero + .seconds(2)
        let natAddress = EngineFixtures.clientAddress.with(port: 61_000)
        let harness = try MigrationHarness(size: Self.size, link: Self.link, schedule: [
            ScheduledLinkChange(at: rebindAt, link: MigrationHarness.primaryLink, .natRebinding(natAddress)),
        ])
        harness.run(until: SimInstant.zero + .milliseconds(1_999))
        let server = try #require(harness.serverConnection)
        let bound = Self.stallBound(server)
        let windowBefore = server.congestionWindow
        #expect(harness.runDownload(deadline: SimInstant.zero + .seconds(30)))
        #expect(harness.application.hashesMatch)
        let serverNew = FourTuple(local: EngineFixtures.serverAddress.networkAddress, remote: natAddress.networkAddress)
        let serverMigrated = harness.firstTime(client: false) {
            if case .migrated(_, serverNew) = $0 { true } else { false }
        }
        #expect(serverMigrated != nil)
        let validatedAt = try #require(harness.firstTime(client: false) { $0 == .pathValidated(serverNew) })
        #expect(server.fourTuple == serverNew)
        // The client did not move: it sees no migration of its own.
        #expect(!harness.clientEvents.contains { if case .migrated = $0.1 { true } else { false } })
        let margin = SimDuration.milliseconds(100)
        let late = harness.unroutedDatagrams(from: validatedAt + margin)
        #expect(late.isEmpty, "\(late.count) datagrams to the old NAT binding after validation")
        #expect(windowBefore > 0)
        Self.expectAmplificationLimit(harness, link: MigrationHarness.primaryLink, address: natAddress,
                                      from: rebindAt, until: validatedAt)
        let gap = harness.longestReadGap(from: rebindAt)
        print("NAT rebinding: longest read gap \(gap), bound \(bound), validated at \(validatedAt)")
        #expect(gap <= bound, "stall \(gap) exceeds \(bound)")
    }

    @Test("migration to a dead address fails validation and the client falls back to the old path")
    func validationFailureFallsBack() throws {
        let harness = try MigrationHarness(size: Self.size, link: Self.link, schedule: [
            ScheduledLinkChange(at: .zero, link: MigrationHarness.secondaryLink, .down),
        ])
        let migrateAt = SimInstant.zero + .seconds(1)
        harness.run(until: migrateAt)
        let client = try #require(harness.clientConnection)
        let old = client.fourTuple
        let new = FourTuple(local: MigrationHarness.secondaryClientAddress.networkAddress, remote: old.remote)
        try client.migrate(toLocalAddress: new.local, now: migrateAt.quic)
        harness.network.poll(harness.clientNode)
        #expect(harness.runDownload(deadline: SimInstant.zero + .seconds(60)))
        #expect(harness.application.hashesMatch)
        let fellBackAt = harness.firstTime(client: true) { $0 == .migrated(from: new, to: old) }
        #expect(fellBackAt != nil)
        #expect(!harness.clientEvents.contains { $0.1 == .pathValidated(new) })
        #expect(client.fourTuple == old)
        #expect(!client.isClosed)
        // The server never saw the new address, so it never moved.
        #expect(!harness.serverEvents.contains { if case .migrated = $0.1 { true } else { false } })
        #expect(harness.serverDatagrams(onLink: MigrationHarness.secondaryLink).isEmpty)
    }

    @Test("the server advertises a preferred address; the client validates it and moves there")
    func preferredAddress() throws {
        let harness = try MigrationHarness(size: 1_000_000, link: Self.link, preferredAddress: true)
        #expect(harness.runDownload(deadline: SimInstant.zero + .seconds(30)))
        #expect(harness.application.hashesMatch)
        let client = try #require(harness.clientConnection)
        let server = try #require(harness.serverConnection)
        let preferred = try #require(client.peerTransportParameters?.preferredAddress)
        #expect(preferred.ipv4?.address != nil && preferred.ipv4?.port == MigrationHarness.preferredServerAddress.port)
        let original = FourTuple(local: EngineFixtures.clientAddress.networkAddress,
                                 remote: EngineFixtures.serverAddress.networkAddress)
        let moved = FourTuple(local: original.local, remote: MigrationHarness.preferredServerAddress.networkAddress)
        #expect(harness.clientEvents.contains { $0.1 == .migrated(from: original, to: moved) })
        #expect(harness.clientEvents.contains { $0.1 == .pathValidated(moved) })
        #expect(client.fourTuple == moved)
        // The client addresses the server with the connection ID from preferred_address (sequence number 1).
        #expect(client.currentPeerCID == preferred.connectionID)
        let serverSide = FourTuple(local: moved.remote, remote: moved.local)
        let validatedAt = try #require(harness.firstTime(client: false) { $0 == .pathValidated(serverSide) })
        #expect(server.fourTuple == serverSide)
        #expect(!harness.serverDatagrams(onLink: MigrationHarness.preferredLink).isEmpty)
        let late = harness.serverDatagrams(onLink: MigrationHarness.primaryLink, from: validatedAt + .milliseconds(100))
        #expect(late.isEmpty, "\(late.count) datagrams from the original address after validation")
    }

    /// RFC 9000 §9.3.1/§8: until the new address is validated the server sends at most three times what
    /// it received from there.
    static func expectAmplificationLimit(_ harness: MigrationHarness, link: String, address: SimAddress,
                                         from start: SimInstant, until validatedAt: SimInstant) {
        var received = 0
        var sent = 0
        for event in harness.trace where event.time < validatedAt {
            switch event {
            case .deliver(_, link, .aToB, let datagram) where datagram.source == address:
                received += datagram.size
            case .enqueue(let time, link, .bToA, let datagram, _) where time >= start:
                sent += datagram.size
            default:
                break
            }
        }
        #expect(received > 0)
        #expect(sent > 0)
        #expect(sent <= 3 * received, "sent \(sent) bytes to an unvalidated address that sent \(received)")
    }
}
