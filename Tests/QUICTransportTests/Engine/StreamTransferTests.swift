import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire
import Testing

/// An echo server: reads each stream the client opens to its end, then writes the same bytes back and
/// finishes. Streams are served in stream-ID order so runs are deterministic.
final class EchoServerApplication {
    var inbox: [StreamID: [UInt8]] = [:]
    var echoed = 0

    func step(_ server: Connection) {
        while let event = server.pollEvent() {
            if case .stream(.opened(let id)) = event, id.direction == .bidirectional { self.inbox[id] = [] }
        }
        for id in self.inbox.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard var buffer = self.inbox[id] else { continue }
            let fin = drain(server, id, into: &buffer)
            self.inbox[id] = buffer
            guard fin else { continue }
            self.inbox[id] = nil
            _ = try? server.write(buffer, to: id)
            try? server.finish(id)
            self.echoed += 1
        }
    }
}

@Suite("Streams between a client and a server in the simulator")
struct StreamTransferTests {
    @Test("1,000 request/response streams: opened as MAX_STREAMS allows, all echoed byte-identical")
    func thousandStreams() throws {
        let total = 1_000
        let harness = try EngineHarness()
        #expect(harness.runHandshake())
        let echo = EchoServerApplication()
        var requests: [StreamID: [UInt8]] = [:]
        var responses: [StreamID: [UInt8]] = [:]
        var opened = 0, completed = 0, mismatched = 0, limitHits = 0, availableEvents = 0
        var firstStream: StreamID?
        harness.install(client: { client, _ in
            while let event = client.pollEvent() {
                if case .stream(.streamsAvailable(.bidirectional)) = event { availableEvents += 1 }
            }
            while opened < total {
                let id: StreamID
                do {
                    id = try client.openStream(.bidirectional)
                } catch {
                    #expect(error as? StreamError == .streamLimitReached(.bidirectional))
                    limitHits += 1
                    break
                }
                let request = streamPattern(opened, count: 20 + opened % 200)
                // Intents of closed streams are forgotten as the table grows (checked at the end).
                client.setIntent(StreamSendIntent(kind: .latencySensitive), for: id)
                if firstStream == nil { firstStream = id }
                opened += 1
                requests[id] = request
                responses[id] = []
                #expect((try? client.write(request, to: id)) == request.count)
                try? client.finish(id)
            }
            for id in responses.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
                guard var buffer = responses[id] else { continue }
                let fin = drain(client, id, into: &buffer)
                responses[id] = buffer
                guard fin else { continue }
                responses[id] = nil
                if buffer == requests[id] { completed += 1 } else { mismatched += 1 }
            }
        }, server: { server, _ in echo.step(server) })
        harness.kick()
        #expect(harness.run(for: .seconds(60)) { completed + mismatched == total })
        #expect(completed == total)
        #expect(mismatched == 0)
        #expect(echo.echoed == total)
        // The server allows 100 streams at a time: the client hit the limit and MAX_STREAMS raised it again.
        #expect(limitHits >= 9)
        #expect(availableEvents >= 9)
        let first = try #require(firstStream)
        #expect(harness.client?.intent(of: first).kind == .bulk)
    }

    @Test("A stream's send buffer grows with the congestion window: 10 MB over 50 Mbit/s at 600 ms RTT")
    func sendBufferFollowsTheWindow() throws {
        let size = 10_000_000
        let link = LinkParameters(rate: 6_250_000, delay: .milliseconds(300), queueCapacity: 1_250_000)
        let harness = try EngineHarness(clientToServer: link, serverToClient: link) { configuration in
            configuration.streamLimits.initialMaxData = 64 << 20
            configuration.streamLimits.initialMaxStreamDataBidiLocal = 32 << 20
        }
        let application = DownloadApplication(size: size)
        application.install(on: harness)
        #expect(harness.pair.drive(until: SimInstant.zero + .seconds(60)) { application.clientFinished })
        #expect(application.hashesMatch)
        // With the 1 MB default buffer as the limit, at most 1 MB is in flight per 600 ms (13.3 Mbit/s): 10.3 s.
        // Following the window: 7.4 s (most of it slow start over 600 ms round trips).
        let elapsed = try #require(application.finishedAt).inSeconds
        print("send buffer: 10 MB at 50 Mbit/s, 600 ms: \(elapsed) s")
        #expect(elapsed < 8.5, "took \(elapsed) s")
    }

    @Test("A download limited by small receive windows completes: MAX_DATA and MAX_STREAM_DATA flow")
    func flowControlLimitedTransfer() throws {
        let size = 1_000_000
        let window: UInt64 = 16 * 1_024
        let harness = try EngineHarness(
            clientToServer: LinkParameters(delay: .milliseconds(10)),
            serverToClient: LinkParameters(delay: .milliseconds(10))
        ) { configuration in
            configuration.streamLimits.initialMaxData = window
            configuration.streamLimits.maxData = window
            configuration.streamLimits.initialMaxStreamDataBidiLocal = window
            configuration.streamLimits.maxStreamData = window
        }
        let application = DownloadApplication(size: size)
        application.install(on: harness)
        #expect(harness.pair.drive(until: SimInstant.zero + .seconds(60)) { application.clientFinished })
        #expect(application.hashesMatch)
        // At most one window per round trip (20 ms) can be in flight: 1 MB needs at least 61 windows.
        let elapsed = try #require(application.finishedAt).inSeconds
        let windows = Double(size) / Double(window)
        #expect(elapsed >= windows * 0.020 * 0.9, "took \(elapsed) s")
        #expect(elapsed <= windows * 0.020 * 4, "took \(elapsed) s")
    }

    @Test("Opening beyond the peer's stream limit throws, and streamsAvailable follows when streams close")
    func streamLimit() throws {
        let harness = try EngineHarness { _ in } server: { $0.connection.streamLimits.initialMaxStreamsBidi = 2 }
        #expect(harness.runHandshake())
        let echo = EchoServerApplication()
        var available = false
        var finished: Set<StreamID> = []
        var buffers: [StreamID: [UInt8]] = [:]
        harness.install(client: { client, _ in
            while let event = client.pollEvent() {
                if case .stream(.streamsAvailable(.bidirectional)) = event { available = true }
            }
            for id in buffers.keys where !finished.contains(id) {
                var buffer = buffers[id] ?? []
                if drain(client, id, into: &buffer) { finished.insert(id) }
                buffers[id] = buffer
            }
        }, server: { server, _ in echo.step(server) })
        let client = try #require(harness.client)
        let first = try client.openStream(.bidirectional)
        let second = try client.openStream(.bidirectional)
        #expect(throws: StreamError.streamLimitReached(.bidirectional)) { try client.openStream(.bidirectional) }
        #expect(!available)
        for id in [first, second] {
            buffers[id] = []
            try client.write([1, 2, 3], to: id)
            try client.finish(id)
        }
        harness.kick()
        #expect(harness.run(for: .seconds(5)) { available })
        #expect(finished == [first, second])
        let third = try client.openStream(.bidirectional)
        #expect(third.rawValue == 8)
    }

    @Test("RESET_STREAM mid-transfer reaches the receiver as resetByPeer with the sender's code")
    func resetStream() throws {
        let harness = try EngineHarness()
        #expect(harness.runHandshake())
        var serverStream: StreamID?
        var serverReceived: [UInt8] = []
        var resetCode: UInt64?
        harness.install(client: { client, _ in while client.pollEvent() != nil {} }, server: { server, _ in
            while let event = server.pollEvent() {
                switch event {
                case .stream(.opened(let id)): serverStream = id
                case .stream(.resetByPeer(let id, let code)) where id == serverStream: resetCode = code
                default: break
                }
            }
            if let id = serverStream { _ = drain(server, id, into: &serverReceived) }
        })
        let client = try #require(harness.client)
        let id = try client.openStream(.bidirectional)
        try client.write(streamPattern(1, count: 200_000), to: id)
        harness.kick()
        #expect(harness.run(for: .seconds(5)) { serverReceived.count >= 20_000 })
        try client.reset(id, errorCode: 0x42)
        harness.kick()
        #expect(harness.run(for: .seconds(5)) { resetCode != nil })
        #expect(resetCode == 0x42)
        #expect(serverReceived.count < 200_000)
        #expect(serverReceived == Array(streamPattern(1, count: 200_000).prefix(serverReceived.count)))
        let server = try #require(harness.server)
        var scratch: [UInt8] = []
        #expect(throws: StreamError.self) { _ = try server.read(id, into: &scratch) }
        #expect(throws: StreamError.resetLocally(errorCode: 0x42)) { try client.write([1], to: id) }
    }

    @Test("STOP_SENDING makes the sender reset the stream with the same code")
    func stopSending() throws {
        let harness = try EngineHarness()
        #expect(harness.runHandshake())
        var serverStream: StreamID?
        var serverReceived: [UInt8] = []
        var serverResetCode: UInt64?
        var stopRequested: (StreamID, UInt64)?
        harness.install(client: { client, _ in
            while let event = client.pollEvent() {
                if case .stream(.stopSendingRequested(let id, let code)) = event { stopRequested = (id, code) }
            }
        }, server: { server, _ in
            while let event = server.pollEvent() {
                switch event {
                case .stream(.opened(let id)): serverStream = id
                case .stream(.resetByPeer(_, let code)): serverResetCode = code
                default: break
                }
            }
            if let id = serverStream, serverResetCode == nil { _ = drain(server, id, into: &serverReceived) }
        })
        let client = try #require(harness.client)
        let id = try client.openStream(.bidirectional)
        try client.write(streamPattern(2, count: 500_000), to: id)
        harness.kick()
        #expect(harness.run(for: .seconds(5)) { serverReceived.count >= 10_000 })
        let server = try #require(harness.server)
        try server.stopSending(id, errorCode: 0x77)
        harness.kick()
        #expect(harness.run(for: .seconds(5)) { stopRequested != nil && serverResetCode != nil })
        #expect(stopRequested?.0 == id)
        #expect(stopRequested?.1 == 0x77)
        #expect(serverResetCode == 0x77)
        #expect(throws: StreamError.self) { try client.write([1], to: id) }
    }

    @Test("Unidirectional streams carry data both ways and refuse the wrong direction")
    func unidirectionalStreams() throws {
        let harness = try EngineHarness()
        #expect(harness.runHandshake())
        let clientData = streamPattern(3, count: 70_000)
        let serverData = streamPattern(4, count: 90_000)
        var atServer: [UInt8] = [], atClient: [UInt8] = []
        var serverDone = false, clientDone = false
        var serverSideID: StreamID?, clientSideID: StreamID?
        var serverWriteError: StreamError?, clientWriteError: StreamError?
        harness.install(client: { client, _ in
            while let event = client.pollEvent() {
                guard case .stream(.opened(let id)) = event else { continue }
                clientSideID = id
                do { try client.write([1], to: id) } catch { clientWriteError = error as? StreamError }
            }
            if let id = clientSideID, !clientDone { clientDone = drain(client, id, into: &atClient) }
        }, server: { server, _ in
            while let event = server.pollEvent() {
                guard case .stream(.opened(let id)) = event else { continue }
                serverSideID = id
                do { try server.write([1], to: id) } catch { serverWriteError = error as? StreamError }
            }
            if let id = serverSideID, !serverDone { serverDone = drain(server, id, into: &atServer) }
        })
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        let up = try client.openStream(.unidirectional)
        let down = try server.openStream(.unidirectional)
        #expect(up.direction == .unidirectional && down.direction == .unidirectional)
        var scratch: [UInt8] = []
        #expect(throws: StreamError.wrongDirection(up)) { _ = try client.read(up, into: &scratch) }
        #expect(throws: StreamError.wrongDirection(down)) { _ = try server.read(down, into: &scratch) }
        #expect(try client.write(clientData, to: up) == clientData.count)
        try client.finish(up)
        #expect(try server.write(serverData, to: down) == serverData.count)
        try server.finish(down)
        harness.kick()
        #expect(harness.run(for: .seconds(5)) { serverDone && clientDone })
        #expect(serverSideID == up && clientSideID == down)
        #expect(atServer == clientData)
        #expect(atClient == serverData)
        #expect(serverWriteError == .wrongDirection(up))
        #expect(clientWriteError == .wrongDirection(down))
    }

    @Test("DATAGRAM frames travel both ways; one larger than the peer allows is refused")
    func datagrams() throws {
        let harness = try EngineHarness { _ in } server: { $0.connection.maxDatagramFrameSize = 500 }
        #expect(harness.runHandshake())
        var atClient: [[UInt8]] = [], atServer: [[UInt8]] = []
        harness.install(client: { client, _ in
            while let event = client.pollEvent() {
                if case .datagramReceived(let bytes) = event { atClient.append(bytes) }
            }
        }, server: { server, _ in
            while let event = server.pollEvent() {
                if case .datagramReceived(let bytes) = event { atServer.append(bytes) }
            }
        })
        let client = try #require(harness.client)
        let server = try #require(harness.server)
        // The server advertised 500 bytes of DATAGRAM frame: type byte and a 2-byte length leave 497.
        #expect(client.maxDatagramPayloadSize == 497)
        #expect(throws: DatagramError.tooLarge(size: 498, maximum: 497)) {
            try client.sendDatagram(streamPattern(5, count: 498))
        }
        let serverMaximum = try #require(server.maxDatagramPayloadSize)
        #expect(serverMaximum > 1_000 && serverMaximum < 1_200)
        #expect(throws: DatagramError.self) { try server.sendDatagram(streamPattern(6, count: serverMaximum + 1)) }
        let up = (0..<5).map { streamPattern(10 + $0, count: 100 + $0 * 99) }
        let down = (0..<5).map { streamPattern(20 + $0, count: serverMaximum - $0 * 200) }
        for datagram in up { try client.sendDatagram(datagram) }
        for datagram in down { try server.sendDatagram(datagram) }
        harness.kick()
        #expect(harness.run(for: .seconds(2)) { atClient.count == down.count && atServer.count == up.count })
        #expect(atServer == up)
        #expect(atClient == down)
    }

    @Test("A high-urgency stream written after a low-urgency one finishes first")
    func priorities() throws {
        let link = LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: 20_000_000),
                                  delay: .milliseconds(10), queueCapacity: 100_000)
        // Windows large enough that flow control never holds a stream back: only the scheduler decides.
        let harness = try EngineHarness(clientToServer: link, serverToClient: link) { configuration in
            configuration.streamLimits.initialMaxData = 4 << 20
            configuration.streamLimits.initialMaxStreamDataUni = 2 << 20
        }
        #expect(harness.runHandshake())
        let bulk = streamPattern(7, count: 400_000)
        let urgent = streamPattern(8, count: 700_000)
        var received: [StreamID: [UInt8]] = [:]
        var finishedAt: [StreamID: SimInstant] = [:]
        harness.install(client: { client, now in
            while let event = client.pollEvent() {
                if case .stream(.opened(let id)) = event { received[id] = [] }
            }
            for id in received.keys.sorted(by: { $0.rawValue < $1.rawValue }) where finishedAt[id] == nil {
                var buffer = received[id] ?? []
                if drain(client, id, into: &buffer) { finishedAt[id] = now }
                received[id] = buffer
            }
        }, server: { server, _ in while server.pollEvent() != nil {} })
        let server = try #require(harness.server)
        let low = try server.openStream(.unidirectional)
        let high = try server.openStream(.unidirectional)
        try server.setPriority(StreamScheduler.Priority(urgency: 7, incremental: false), for: low)
        try server.setPriority(StreamScheduler.Priority(urgency: 0, incremental: false), for: high)
        #expect(try server.write(bulk, to: low) == bulk.count)
        try server.finish(low)
        #expect(try server.write(urgent, to: high) == urgent.count)
        try server.finish(high)
        harness.kick()
        #expect(harness.run(for: .seconds(10)) { finishedAt.count == 2 })
        #expect(received[low] == bulk)
        #expect(received[high] == urgent)
        let lowDone = try #require(finishedAt[low])
        let highDone = try #require(finishedAt[high])
        #expect(highDone < lowDone, "urgent finished at \(highDone.inSeconds) s, bulk at \(lowDone.inSeconds) s")
    }
}
