import QUICRecovery
import QUICSimulator
@testable import QUICTransport
import QUICWire
import Testing

/// Multipath QUIC in the simulator (virtual time, deterministic): aggregation, failover and the schedulers.
@Suite("Multipath transfers in the simulator")
struct MultipathTransferTests {
    /// A link of `megabits` Mbit/s each way with `rtt` round-trip time and a drop-tail queue of about one
    /// bandwidth-delay product (at least 30 KB).
    static func link(megabits: Double, rtt: Int, loss: Double = 0) -> LinkParameters {
        let rate = LinkParameters.bytesPerSecond(bitsPerSecond: UInt64(megabits * 1_000_000))
        let bdp = Int(Double(rate) * Double(rtt) / 1_000)
        return LinkParameters(rate: rate, delay: .milliseconds(UInt64(rtt / 2)), queueCapacity: max(30_000, bdp),
                              loss: loss > 0 ? .bernoulli(probability: loss) : .none)
    }

    @Test("2 x 10 Mbit/s (40 ms and 80 ms RTT): 20 MB reach at least 90% of 20 Mbit/s, byte-identical")
    func aggregationOfTwoEqualRates() throws {
        let size = 20_000_000
        let harness = try MultipathHarness(size: size, first: Self.link(megabits: 10, rtt: 40),
                                           second: Self.link(megabits: 10, rtt: 80))
        harness.runDownload(deadline: .zero + .seconds(60))
        #expect(harness.application.hashesMatch)
        let seconds = try #require(harness.downloadSeconds)
        let rate = Double(size) * 8 / seconds / 1e6
        let first = harness.serverBytes(onLink: MultipathHarness.firstLink)
        let second = harness.serverBytes(onLink: MultipathHarness.secondLink)
        print("aggregation 10+10: \(seconds) s, \(rate) Mbit/s, first \(first) B, second \(second) B")
        #expect(rate >= 18, "\(rate) Mbit/s")
    }
}

extension MultipathTransferTests {
    @Test("The first path blackholes mid-transfer: the stall is at most one RTT of the second path + one PTO, byte-identical")
    func failoverWhenThePrimaryDies() throws {
        let size = 12_000_000
        let outage = SimInstant.zero + .seconds(3)
        let harness = try MultipathHarness(
            size: size, first: Self.link(megabits: 10, rtt: 40), second: Self.link(megabits: 10, rtt: 80),
            schedule: [ScheduledLinkChange(at: outage, link: MultipathHarness.firstLink, .down)])
        let (stall, pto, secondRTT) = try harness.measureFailover(outage: outage)
        #expect(harness.application.hashesMatch)
        print("failover: stall \(stall) s, PTO of the first path \(pto) s, RTT of the second \(secondRTT) s, total \(harness.downloadSeconds ?? 0) s")
        #expect(stall <= secondRTT + pto, "stall \(stall) s > \(secondRTT) + \(pto) s")
    }
}

extension MultipathTransferTests {
    @Test("the client abandons a path mid-transfer: both sides drop it after 3 PTO, the peer may use a new path ID, and the data arrives intact")
    func abandonMidTransfer() throws {
        let harness = try MultipathHarness(size: 6_000_000, first: Self.link(megabits: 10, rtt: 40),
                                           second: Self.link(megabits: 10, rtt: 60))
        var abandonedAt: SimInstant?
        harness.clientHook = { [unowned harness] client, now in
            guard abandonedAt == nil, now >= .zero + .seconds(2), let second = harness.secondPath else { return }
            try? client.abandonPath(second, now: now.quic)
            abandonedAt = now
        }
        harness.runDownload(deadline: .zero + .seconds(60))
        harness.run(until: harness.network.now + .seconds(2))
        #expect(harness.application.hashesMatch)
        #expect(abandonedAt != nil)
        #expect(harness.serverEvents.contains { if case .pathAbandoned(1, _, true) = $0.1 { true } else { false } })
        #expect(harness.clientEvents.contains { if case .pathAbandoned(1, _, false) = $0.1 { true } else { false } })
        let client = try #require(harness.clientConnection)
        let server = try #require(harness.serverConnection)
        #expect(client.pathIDs == [0])
        #expect(server.pathIDs == [0])
        // Path ID 1 is gone for good; each side allows one more path ID in its place.
        #expect(client.multipath.localMaxPathID == 8 && server.multipath.localMaxPathID == 8)
        #expect(client.multipath.peerMaxPathID == 8)
        let second = try #require(harness.secondPath)
        #expect(second == 1)
        harness.clientHook = nil
    }

    @Test("key updates every 2,000 packets during a two-path transfer: the data arrives intact")
    func keyUpdatesWithTwoPaths() throws {
        let harness = try MultipathHarness(size: 8_000_000, first: Self.link(megabits: 10, rtt: 40),
                                           second: Self.link(megabits: 10, rtt: 60)) { $0.keyUpdateInterval = 2_000 }
        harness.runDownload(deadline: .zero + .seconds(60))
        #expect(harness.application.hashesMatch)
        let server = try #require(harness.serverConnection)
        #expect(server.stats.keyUpdates >= 2, "\(server.stats.keyUpdates) key updates")
    }
}

extension MultipathTransferTests {
    @Test("coupled congestion control (LIA and OLIA) on two paths: both paths carry data and the transfer completes", arguments: [
        CongestionControlAlgorithm.lia, .olia,
    ])
    func coupledCongestionControl(_ algorithm: CongestionControlAlgorithm) throws {
        let size = 4_000_000
        let harness = try MultipathHarness(size: size, first: Self.link(megabits: 10, rtt: 40),
                                           second: Self.link(megabits: 10, rtt: 80), congestionControl: algorithm)
        harness.runDownload(deadline: .zero + .seconds(60))
        #expect(harness.application.hashesMatch)
        let first = harness.serverBytes(onLink: MultipathHarness.firstLink)
        let second = harness.serverBytes(onLink: MultipathHarness.secondLink)
        print("\(algorithm): \(harness.downloadSeconds ?? 0) s, first \(first) B, second \(second) B")
        #expect(first > size / 10 && second > size / 10)
    }
}

extension MultipathTransferTests {
    @Test("a NAT rebinds the second path mid-transfer: that path moves to the new 4-tuple, keeps its path ID, and both paths go on carrying data")
    func natRebindingOnTheSecondPath() throws {
        let rebindAt = SimInstant.zero + .seconds(2)
        let nat = SimAddress.v4(10, 0, 1, 77, port: 61_000)
        let harness = try MultipathHarness(
            size: 8_000_000, first: Self.link(megabits: 10, rtt: 40), second: Self.link(megabits: 10, rtt: 60),
            schedule: [ScheduledLinkChange(at: rebindAt, link: MultipathHarness.secondLink, .natRebinding(nat))])
        harness.runDownload(deadline: .zero + .seconds(60))
        #expect(harness.application.hashesMatch)
        let server = try #require(harness.serverConnection)
        #expect(server.fourTuple(ofPath: 1)?.remote == nat.networkAddress)
        #expect(server.fourTuple(ofPath: 0)?.remote == EngineFixtures.clientAddress.networkAddress)
        #expect(harness.serverEvents.contains { if case .migrated(_, let to) = $0.1 { to.remote == nat.networkAddress } else { false } })
        let afterwards = harness.serverBytes(onLink: MultipathHarness.secondLink, from: rebindAt + .milliseconds(500))
        #expect(afterwards > 1_000_000, "\(afterwards) bytes on the rebound path afterwards")
    }
}

extension MultipathTransferTests {
    @Test("the first path dies and nobody abandons it, with default receive windows: flow-control credit and acknowledgments move to the live path and the download completes")
    func failoverWithFlowControlCredit() throws {
        let outage = SimInstant.zero + .seconds(2)
        let harness = try MultipathHarness(
            size: 6_000_000, first: Self.link(megabits: 10, rtt: 40), second: Self.link(megabits: 10, rtt: 80),
            schedule: [ScheduledLinkChange(at: outage, link: MultipathHarness.firstLink, .down)]) {
                $0.streamLimits = StreamLimits()
            }
        harness.runDownload(deadline: .zero + .seconds(30))
        #expect(harness.application.hashesMatch)
        let stall = Double(harness.longestReadGap(from: outage).nanoseconds) / 1e9
        print("failover with default windows: stall \(stall) s, total \(harness.downloadSeconds ?? 0) s")
        #expect(stall < 1, "stall \(stall) s")
    }
}
