import Testing
@testable import QUICRelay

/// Real sockets on 127.0.0.1, no impairments: everything arrives intact. No timing assertions; every wait
/// is bounded so a broken relay fails the test instead of hanging it.
@Suite("Relay over loopback sockets")
struct RelaySocketTests {
    @Test func forwardsDatagramsBothWaysWithIdenticalPayloads() throws {
        let loopback = try RelaySocketAddress(parsing: "127.0.0.1:0")
        let target = try RelayUDPSocket(bindingTo: loopback)
        let first = try RelayUDPSocket(bindingTo: loopback)
        let second = try RelayUDPSocket(bindingTo: loopback)
        let configuration = RelayConfiguration(
            paths: [
                RelayPathConfiguration(name: "a", listen: loopback),
                RelayPathConfiguration(name: "b", listen: loopback),
            ],
            target: try target.localAddress())
        let relay = try Relay(configuration: configuration)
        relay.start()
        var running = true
        defer {
            if running {
                relay.stop()
                _ = relay.waitUntilStopped()
            }
        }
        let pathA = relay.listeningAddresses[0]
        let pathB = relay.listeningAddresses[1]
        var random = RelayRandom(seed: 2026)
        var targetSources = Set<RelaySocketAddress>()
        let clients = [(first, pathA), (second, pathA), (first, pathB)]
        var count = 0
        for batch in 0..<30 {
            let (client, path) = clients[batch % clients.count]
            // Ten datagrams per batch, sizes from 1 to 1,400 bytes, each with its batch and index in front.
            let payloads: [[UInt8]] = (0..<10).map { index in
                let length = Int(random.next() % 1_400)
                return [UInt8(batch), UInt8(index)] + (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            for payload in payloads {
                #expect(client.send(payload, to: path))
            }
            for payload in payloads {
                let received = try #require(target.receive(timeoutMilliseconds: 5_000))
                #expect(received.bytes == payload)
                targetSources.insert(received.source)
                // Echo it reversed so the reply differs from the request.
                #expect(target.send(Array(received.bytes.reversed()), to: received.source))
            }
            for payload in payloads {
                let reply = try #require(client.receive(timeoutMilliseconds: 5_000))
                #expect(reply.bytes == Array(payload.reversed()))
                #expect(reply.source == path)
                count += 1
            }
        }
        #expect(count == 300)
        // One upstream source per path and client: (first, a), (second, a), (first, b).
        #expect(targetSources.count == 3)
        relay.stop()
        let statistics = relay.waitUntilStopped()
        running = false
        #expect(statistics.map(\.up.forwardedPackets) == [200, 100])
        #expect(statistics.map(\.down.forwardedPackets) == [200, 100])
        #expect(statistics.map(\.clients) == [2, 1])
    }
}
