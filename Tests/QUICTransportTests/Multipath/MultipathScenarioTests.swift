import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire
import Testing

/// Harder multipath situations in the simulator: very different RTTs, and a path that keeps failing.
@Suite("Multipath scenarios in the simulator")
struct MultipathScenarioTests {
    typealias Links = MultipathTransferTests

    @Test("satellite (600 ms) + terrestrial (30 ms): interactive requests complete in about one terrestrial RTT during a bulk download")
    func interactiveRequestsBesideSatelliteBulk() throws {
        let harness = try MultipathHarness(size: 6_000_000, first: Links.link(megabits: 50, rtt: 600),
                                           second: Links.link(megabits: 5, rtt: 30))
        // The server pins the bulk download to the satellite path and answers each other stream at once with
        // 1,000 bytes, marked latency-sensitive.
        let download = harness.application
        harness.serverEventHook = { server, event in
            guard case .stream(.opened(let id)) = event else { return }
            // The first stream is the download (the harness records it right after this hook).
            if download.serverStream == nil || id == download.serverStream {
                server.setIntent(StreamSendIntent(kind: .pinned(0)), for: id)
                return
            }
            server.setIntent(StreamSendIntent(kind: .latencySensitive), for: id)
            var sink: [UInt8] = []
            _ = try? server.read(id, into: &sink)
            _ = try? server.write([UInt8](repeating: 0x42, count: 1_000), to: id)
            try? server.finish(id)
        }
        var requests: [(id: StreamID, start: SimInstant)] = []
        var completions: [Double] = []
        var nextRequest: SimInstant?
        harness.clientHook = { [unowned harness] client, now in
            guard let second = harness.secondPath, client.pathSnapshot(second)?.isValidated == true,
                  download.stream != nil else { return }
            if nextRequest == nil { nextRequest = now + .milliseconds(500) }
            if let due = nextRequest, now >= due, requests.count + completions.count < 20,
               let id = try? client.openStream(.bidirectional) {
                client.setIntent(StreamSendIntent(kind: .latencySensitive), for: id)
                _ = try? client.write(Array("ping".utf8), to: id)
                try? client.finish(id)
                requests.append((id, now))
                nextRequest = now + .milliseconds(100)
            }
            var buffer: [UInt8] = []
            requests.removeAll { request in
                buffer.removeAll(keepingCapacity: true)
                guard let (_, fin) = try? client.read(request.id, into: &buffer), fin else { return false }
                completions.append(Double((now - request.start).nanoseconds) / 1e9)
                return true
            }
        }
        harness.run(until: .zero + .seconds(30)) { completions.count >= 20 }
        #expect(completions.count == 20)
        let sorted = completions.sorted()
        let median = sorted[sorted.count / 2]
        print("interactive over satellite + terrestrial: median \(median) s, max \(sorted.last ?? 0) s")
        // One terrestrial RTT is 30 ms; the answer also waits for serialization and the receiver's read.
        #expect(median <= 0.045, "median completion \(median) s")
        #expect((sorted.last ?? 1) <= 0.1, "slowest completion \(sorted.last ?? 0) s")
    }

    @Test("the handshake path flaps every second for 60 s: the path manager keeps the connection going and the transfer completes, byte-identical")
    func flappingPath() throws {
        var changes: [ScheduledLinkChange] = []
        for second in stride(from: 2, to: 62, by: 2) {
            changes.append(ScheduledLinkChange(at: .zero + .seconds(UInt64(second)), link: MultipathHarness.firstLink,
                                               .down))
            changes.append(ScheduledLinkChange(at: .zero + .seconds(UInt64(second + 1)),
                                               link: MultipathHarness.firstLink, .up))
        }
        var client = MultipathConfiguration()
        client.pathManager = PathManagerConfiguration(locals: [
            LocalPathEndpoint(address: EngineFixtures.clientAddress.networkAddress, label: "wifi"),
            LocalPathEndpoint(address: MultipathHarness.secondClientAddress.networkAddress, label: "cellular"),
        ])
        let size = 4_000_000
        let harness = try MultipathHarness(size: size, first: Links.link(megabits: 1, rtt: 40),
                                           second: Links.link(megabits: 0.5, rtt: 80), schedule: changes,
                                           clientMultipath: client)
        harness.runDownload(deadline: .zero + .seconds(120))
        #expect(harness.application.hashesMatch)
        let seconds = try #require(harness.downloadSeconds)
        let abandoned = harness.clientEvents.filter { if case .pathAbandoned = $0.1 { true } else { false } }.count
        let opened = harness.clientEvents.filter { if case .pathAvailable = $0.1 { true } else { false } }.count
        print("flapping: \(seconds) s, \(abandoned) paths abandoned, \(opened) opened")
        #expect(seconds >= 20, "the transfer should span the flapping")
        // The client noticed the failures (its quiet-path probes went unanswered), abandoned the path and opened
        // new ones from the same address, beyond the initial path ID limit (MAX_PATH_ID grew).
        #expect(abandoned >= 5)
        #expect(opened >= abandoned)
    }
}
