import QUICSimulator
@testable import QUICTransport
import QUICWire
import Testing

/// The bounded DATAGRAM send queue: its limit, its maximum delay, and their counters.
@Suite("DATAGRAM send queue")
struct DatagramQueueTests {
    func datagram(_ tag: UInt8, at time: UInt64 = 0) -> QueuedDatagram {
        QueuedDatagram(bytes: [tag], kind: .bulk, queuedAt: time)
    }

    @Test("a full queue drops its oldest; order is kept; expired ones go from the front")
    func queueRules() {
        var queue = DatagramSendQueue(limit: 3, maxDelay: 100)
        let drops = [(1, 0), (2, 10), (3, 20), (4, 30)].map { tag, time in
            queue.append(self.datagram(UInt8(tag), at: UInt64(time)))
        }
        #expect(drops == [false, false, false, true])
        #expect(queue.count == 3)
        #expect(queue.first?.bytes == [2])
        // At 115 the one queued at 10 is 105 old: it goes; the one queued at 20 is 95 old: it stays.
        let expiredFirst = queue.dropExpired(now: 115)
        #expect(expiredFirst == 1)
        #expect(queue.first?.bytes == [3])
        queue.removeFirst()
        #expect(queue.first?.bytes == [4])
        let expiredLast = queue.dropExpired(now: 1_000)
        #expect(expiredLast == 1)
        #expect(queue.isEmpty && queue.first == nil)
        // Without a maximum delay nothing expires.
        var unlimited = DatagramSendQueue(limit: 2, maxDelay: nil)
        unlimited.append(self.datagram(9))
        let expiredNever = unlimited.dropExpired(now: .max)
        #expect(expiredNever == 0)
        #expect(unlimited.count == 1)
    }

    @Test("a queue that never empties keeps its storage bounded and its order")
    func neverEmptyQueue() {
        var queue = DatagramSendQueue(limit: 10, maxDelay: nil)
        var next: UInt8 = 0
        for _ in 0..<5 {
            queue.append(self.datagram(next))
            next &+= 1
        }
        // Send one, queue one, 10,000 times: the front stays the oldest, and the count does not grow.
        var expected: UInt8 = 0
        for _ in 0..<10_000 {
            #expect(queue.first?.bytes == [expected])
            queue.removeFirst()
            expected &+= 1
            queue.append(self.datagram(next))
            next &+= 1
        }
        #expect(queue.count == 5)
        #expect(queue.storageCount < 200)
    }

    @Test("over a link slower than the application, a limit of 3 keeps the 3 newest; the counters add up")
    func limitOnTheWire() throws {
        let harness = try EngineHarness { $0.datagramSendQueueLimit = 3 } server: { _ in }
        #expect(harness.runHandshake())
        var atServer: [[UInt8]] = []
        harness.install(client: { client, _ in
            while client.pollEvent() != nil {}
        }, server: { server, _ in
            while let event = server.pollEvent() {
                if case .datagramReceived(let bytes) = event { atServer.append(bytes) }
            }
        })
        let client = try #require(harness.client)
        for tag in 0..<8 { try client.sendDatagram([UInt8](repeating: UInt8(tag), count: 200)) }
        harness.kick()
        #expect(harness.run(for: .seconds(1)) { atServer.count == 3 })
        #expect(atServer.map { $0[0] } == [5, 6, 7])
        #expect(client.stats.datagramsDroppedWhenFull == 5)
        #expect(client.stats.datagramFramesSent == 3)
        #expect(try #require(harness.server).stats.datagramFramesReceived == 3)
    }

    @Test("with a 100 ms maximum delay, a burst over a 2 Mbit/s link arrives fresh or not at all")
    func maximumDelayOnTheWire() throws {
        let link = LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: 2_000_000),
                                  delay: .milliseconds(10), queueCapacity: 1_000_000)
        let harness = try EngineHarness(clientToServer: link, serverToClient: link) {
            $0.datagramMaxQueueDelay = .milliseconds(100)
        } server: { _ in }
        #expect(harness.runHandshake())
        var arrivals: [SimInstant] = []
        harness.install(client: { client, _ in
            while client.pollEvent() != nil {}
        }, server: { server, now in
            while let event = server.pollEvent() {
                if case .datagramReceived = event { arrivals.append(now) }
            }
        })
        // When each packet carrying a DATAGRAM left the client (entered the link).
        var departures: [SimInstant] = []
        harness.pair.network.traceHandler = { event in
            if case .enqueue(let time, _, .aToB, let packet, _) = event, packet.payload.count > 1_000 {
                departures.append(time)
            }
        }
        let client = try #require(harness.client)
        let queuedAt = harness.pair.now
        // 100 x 1,000 bytes take 0.4 s at 2 Mbit/s: most of them would arrive hundreds of milliseconds late.
        for tag in 0..<100 {
            try client.sendDatagram([UInt8](repeating: UInt8(tag), count: 1_000), now: queuedAt.quic)
        }
        harness.kick()
        _ = harness.run(for: .seconds(1)) { false }
        let sent = client.stats.datagramFramesSent
        #expect(sent + client.stats.datagramsExpired == 100)
        #expect(client.stats.datagramsExpired > 50)
        #expect(arrivals.count == Int(sent))
        #expect(departures.count == Int(sent))
        // None left the client more than 100 ms after it was queued.
        let latest = try #require(departures.max())
        let waited = Double((latest - queuedAt).nanoseconds) / 1e9
        #expect(waited <= 0.1, "\(waited) s")
    }
}
