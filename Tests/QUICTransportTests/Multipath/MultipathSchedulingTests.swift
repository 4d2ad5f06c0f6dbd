import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire
import Testing

/// The schedulers and intents on a real multipath connection in the simulator (virtual time, deterministic).
@Suite("Multipath schedulers and intents in the simulator")
struct MultipathSchedulingTests {
    typealias Links = MultipathTransferTests

    @Test("10 + 50 Mbit/s: 30 MB reach at least 90% of 60 Mbit/s, byte-identical")
    func aggregationOfUnequalRates() throws {
        let size = 30_000_000
        let harness = try MultipathHarness(size: size, first: Links.link(megabits: 10, rtt: 30),
                                           second: Links.link(megabits: 50, rtt: 60))
        harness.runDownload(deadline: .zero + .seconds(60))
        #expect(harness.application.hashesMatch)
        let seconds = try #require(harness.downloadSeconds)
        let rate = Double(size) * 8 / seconds / 1e6
        print("aggregation 10+50: \(seconds) s, \(rate) Mbit/s")
        #expect(rate >= 54, "\(rate) Mbit/s")
    }

    @Test("backup: the standby carries under 1% of the bytes while the primary is healthy")
    func backupStandbyStaysQuiet() throws {
        var server = MultipathConfiguration()
        server.scheduler = .backup
        let harness = try MultipathHarness(size: 8_000_000, first: Links.link(megabits: 10, rtt: 40),
                                           second: Links.link(megabits: 20, rtt: 80), multipath: server,
                                           secondPathStatus: .backup)
        harness.runDownload(deadline: .zero + .seconds(60))
        #expect(harness.application.hashesMatch)
        let standby = harness.serverBytes(onLink: MultipathHarness.secondLink)
        let primary = harness.serverBytes(onLink: MultipathHarness.firstLink)
        let share = Double(standby) / Double(standby + primary)
        print("backup: standby \(standby) B, primary \(primary) B, share \(share)")
        #expect(harness.secondPath != nil)
        #expect(share < 0.01, "standby share \(share)")
    }

    @Test("backup: when the primary dies the standby takes over within one RTT of the failure being detected")
    func backupTakesOver() throws {
        var server = MultipathConfiguration()
        server.scheduler = .backup
        server.schedulerOptions = SchedulerOptions(failureThreshold: 1)
        let outage = SimInstant.zero + .seconds(3)
        let harness = try MultipathHarness(
            size: 8_000_000, first: Links.link(megabits: 10, rtt: 40), second: Links.link(megabits: 20, rtt: 80),
            multipath: server, secondPathStatus: .backup,
            schedule: [ScheduledLinkChange(at: outage, link: MultipathHarness.firstLink, .down)])
        // Detection is the first PTO of the primary (failure threshold 1).
        let (stall, pto, standbyRTT) = try harness.measureFailover(outage: outage)
        #expect(harness.application.hashesMatch)
        print("backup takeover: stall \(stall) s, PTO \(pto) s, standby RTT \(standbyRTT) s")
        #expect(stall <= pto + standbyRTT, "stall \(stall) s")
    }

    @Test("costAware: the metered path stays within its budget while the transfer meets a 15 Mbit/s target")
    func costAwareMeetsTargetWithinBudget() throws {
        var server = MultipathConfiguration()
        server.scheduler = .costAware
        let budget: UInt64 = 8_000_000
        server.schedulerOptions = SchedulerOptions(targetRate: 15_000_000 / 8, meteredBudget: budget)
        let size = 15_000_000
        let harness = try MultipathHarness(size: size, first: Links.link(megabits: 10, rtt: 40),
                                           second: Links.link(megabits: 10, rtt: 50), multipath: server)
        harness.serverEventHook = { connection, event in
            if case .pathAvailable(let id, _) = event {
                try? connection.describePath(id, cost: .metered(costPerByte: 1), label: "cellular")
            }
        }
        harness.runDownload(deadline: .zero + .seconds(60))
        #expect(harness.application.hashesMatch)
        let seconds = try #require(harness.downloadSeconds)
        let rate = Double(size) * 8 / seconds / 1e6
        let metered = harness.serverBytes(onLink: MultipathHarness.secondLink)
        print("costAware: \(rate) Mbit/s, metered \(metered) B of budget \(budget)")
        #expect(UInt64(metered) <= budget)
        #expect(rate >= 15 * 0.9, "\(rate) Mbit/s")
        #expect(metered > 0)
    }

    /// Sends `count` numbered DATAGRAMs from the client, one every 10 ms, with `intent`, over two paths losing
    /// 10% each, and returns the fraction that reached the server application (each counted once).
    private func datagramDelivery(intent: SendIntent.Kind, count: Int) throws -> Double {
        // The receiving server drops the second copy of each redundant datagram (they carry sequence numbers).
        var server = MultipathConfiguration()
        server.deduplicatesDatagrams = true
        let harness = try MultipathHarness(size: 3_000_000, first: Links.link(megabits: 10, rtt: 40, loss: 0.1),
                                           second: Links.link(megabits: 10, rtt: 60, loss: 0.1), multipath: server)
        var received = Set<Int>()
        var duplicates = 0
        harness.serverEventHook = { _, event in
            guard case .datagramReceived(let bytes) = event, bytes.count >= 4 else { return }
            let number = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
            if !received.insert(number).inserted { duplicates += 1 }
        }
        var sent = 0
        var nextSend = SimInstant.zero
        harness.clientHook = { [unowned harness] client, now in
            guard harness.secondPath != nil, client.pathSnapshot(harness.secondPath ?? 0)?.isValidated == true else {
                return
            }
            while sent < count, now >= nextSend {
                var payload = [UInt8(sent >> 24 & 0xff), UInt8(sent >> 16 & 0xff), UInt8(sent >> 8 & 0xff),
                               UInt8(sent & 0xff)]
                payload.append(contentsOf: repeatElement(0x5a, count: 160))
                try? client.sendDatagram(payload, intent: intent)
                sent += 1
                nextSend = now + .milliseconds(10)
            }
        }
        harness.run(until: .zero + .seconds(30)) { sent == count && harness.application.clientFinished }
        harness.run(until: harness.network.now + .seconds(1))
        #expect(sent == count)
        #expect(duplicates == 0, "the receiver reported \(duplicates) duplicates")
        return Double(received.count) / Double(count)
    }

    @Test("redundant: datagrams over two paths with 10% loss each arrive like over one path with 1% loss")
    func redundantDatagrams() throws {
        let redundant = try self.datagramDelivery(intent: .redundant, count: 400)
        let single = try self.datagramDelivery(intent: .pinned(0), count: 400)
        print("datagram delivery: redundant \(redundant), one path \(single)")
        // Independent 10% losses: a datagram is lost only when both copies are (1%); one path loses 10%.
        #expect(redundant >= 0.97, "redundant delivered \(redundant)")
        #expect(single <= 0.94, "single path delivered \(single)")
    }

    /// Sends 200 messages of 200 bytes, one every 20 ms, on one client stream with `intent`, over two paths that
    /// lose 10% each (one-way 20 ms and 30 ms), and returns the fraction that reached the server application within
    /// 60 ms of being written (a lost copy retransmitted takes longer).
    private func messageTimeliness(intent: SendIntent.Kind) throws -> Double {
        let harness = try MultipathHarness(size: 3_000_000, first: Links.link(megabits: 10, rtt: 40, loss: 0.1),
                                           second: Links.link(megabits: 10, rtt: 60, loss: 0.1))
        let count = 200
        var sentAt: [SimInstant] = []
        var onTime = 0
        var received: [UInt8] = []
        var stream: StreamID?
        harness.serverEventHook = { [unowned harness] server, event in
            guard case .stream(.readable(let id)) = event, id != harness.application.serverStream,
                  id.rawValue != 0 else { return }
            var chunk: [UInt8] = []
            _ = try? server.read(id, into: &chunk)
            received.append(contentsOf: chunk)
            while received.count >= 200 {
                let number = Int(received[0]) << 8 | Int(received[1])
                received.removeFirst(200)
                if number < sentAt.count, harness.network.now - sentAt[number] <= .milliseconds(60) { onTime += 1 }
            }
        }
        harness.clientHook = { [unowned harness] client, now in
            guard let second = harness.secondPath, client.pathSnapshot(second)?.isValidated == true else { return }
            if stream == nil, let id = try? client.openStream(.bidirectional) {
                client.setIntent(StreamSendIntent(kind: intent), for: id)
                stream = id
            }
            guard let id = stream else { return }
            while sentAt.count < count, sentAt.last.map({ now - $0 >= .milliseconds(20) }) ?? true {
                var message = [UInt8(sentAt.count >> 8), UInt8(sentAt.count & 0xff)]
                message.append(contentsOf: repeatElement(0x33, count: 198))
                _ = try? client.write(message, to: id)
                sentAt.append(now)
            }
        }
        harness.run(until: .zero + .seconds(30)) { sentAt.count == count && harness.application.clientFinished }
        harness.run(until: harness.network.now + .seconds(2))
        #expect(sentAt.count == count)
        return Double(onTime) / Double(count)
    }

    @Test("redundant stream: messages over two paths with 10% loss each rarely wait for a retransmission")
    func redundantStream() throws {
        let redundant = try self.messageTimeliness(intent: .redundant)
        let single = try self.messageTimeliness(intent: .pinned(0))
        print("messages on time: redundant \(redundant), one path \(single)")
        #expect(redundant >= 0.95, "redundant on time \(redundant)")
        #expect(redundant > single + 0.03, "redundant \(redundant), one path \(single)")
    }

    @Test("ecf: a download over 20 Mbit/s at 20 ms and 4 Mbit/s at 200 ms ends sooner than with minRTT, with less on the slow path; a long one still aggregates",
          arguments: [1_500_000, 6_000_000])
    func ecfEndsSooner(size: Int) throws {
        func run(_ kind: SchedulerKind) throws -> (seconds: Double, slowBytes: Int) {
            var server = MultipathConfiguration()
            server.scheduler = kind
            let harness = try MultipathHarness(size: size, first: Links.link(megabits: 20, rtt: 20),
                                               second: Links.link(megabits: 4, rtt: 200), multipath: server)
            harness.runDownload(deadline: .zero + .seconds(60))
            #expect(harness.application.hashesMatch)
            return (try #require(harness.downloadSeconds), harness.serverBytes(onLink: MultipathHarness.secondLink))
        }
        let ecf = try run(.ecf)
        let minRTT = try run(.minRTT)
        print("\(size) B: ecf \(ecf.seconds) s, \(ecf.slowBytes) B slow; minrtt \(minRTT.seconds) s, \(minRTT.slowBytes) B slow")
        // MinRTT's last bytes on the slow path arrive up to 100 ms after the fast path's.
        #expect(ecf.seconds < minRTT.seconds)
        #expect(ecf.slowBytes < minRTT.slowBytes)
        if size >= 6_000_000 {
            // Faster than the fast path's 20 Mbit/s alone: the slow path carries part of a long transfer.
            #expect(Double(size) * 8 / ecf.seconds > 20e6, "\(ecf.seconds) s")
        }
    }
}
