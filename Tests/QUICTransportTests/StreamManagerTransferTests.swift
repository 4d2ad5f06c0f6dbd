import QUICTestSupport
import QUICWire
import Testing
@testable import QUICTransport

@Suite("StreamManager transfers")
struct StreamManagerTransferTests {
    @Test func bidirectionalAndUnidirectionalBothWays() throws {
        var pair = StreamManagerTestPair()
        let clientBidi = try pair.client.openStream(.bidirectional)
        let clientUni = try pair.client.openStream(.unidirectional)
        let serverBidi = try pair.server.openStream(.bidirectional)
        let serverUni = try pair.server.openStream(.unidirectional)
        #expect(clientBidi.rawValue == 0 && clientUni.rawValue == 2 && serverBidi.rawValue == 1
                    && serverUni.rawValue == 3)
        let payloads: [(EndpointRole, StreamID, [UInt8])] = [
            (.client, clientBidi, streamTestBytes(300_000, seed: 1)),
            (.client, clientUni, streamTestBytes(70_001, seed: 2)),
            (.server, serverBidi, streamTestBytes(123_457, seed: 3)),
            (.server, serverUni, streamTestBytes(1, seed: 4)),
            (.server, clientBidi, streamTestBytes(50_000, seed: 5)),
            (.client, serverBidi, []),
        ]
        var replies: [(EndpointRole, StreamID, [UInt8])] = []
        for (role, id, bytes) in payloads {
            if id.initiator == (role == .client ? .client : .server) {
                pair.send(bytes, on: id, from: role)
            } else {
                replies.append((role, id, bytes))
            }
        }
        _ = try pair.run { pair in
            // Replies go on streams the peer opened, once they are known here.
            replies.removeAll { role, id, bytes in
                guard pair[role].sendState(of: id) != nil else { return false }
                pair.send(bytes, on: id, from: role)
                return true
            }
        }
        for (role, id, bytes) in payloads {
            let reader: EndpointRole = role == .client ? .server : .client
            #expect(pair.received[reader]?[id] ?? [] == bytes, "stream \(id) from \(role)")
            #expect(pair.finished[reader]?.contains(id) == true)
        }
        #expect(pair.events[.server]?.contains(.opened(clientBidi)) == true)
        #expect(pair.events[.client]?.contains(.opened(serverUni)) == true)
        #expect(pair.events[.client]?.contains(.finished(serverBidi)) == true)
        // Every stream is closed in both directions and forgotten.
        #expect(pair.client.openStreamCount == 0)
        #expect(pair.server.openStreamCount == 0)
    }

    @Test func thousandStreamsWithStreamCredit() throws {
        var pair = StreamManagerTestPair()
        var opened: [StreamID] = []
        var expected: [StreamID: [UInt8]] = [:]
        var replied: Set<StreamID> = []
        _ = try pair.run { pair in
            // The client opens what the server allows and echoes nothing; the server answers every request.
            while opened.count < 1_000, let id = try? pair.client.openStream(.bidirectional) {
                let request = streamTestBytes(100 + opened.count % 700, seed: UInt64(opened.count))
                expected[id] = request
                opened.append(id)
                pair.send(request, on: id, from: .client)
            }
            for id in (pair.finished[.server] ?? []).sorted() where replied.insert(id).inserted {
                pair.send(Array((pair.received[.server]?[id] ?? []).reversed()), on: id, from: .server)
            }
        }
        #expect(opened.count == 1_000)
        for id in opened {
            #expect(pair.received[.server]?[id] == expected[id])
            #expect(pair.received[.client]?[id] == expected[id].map { Array($0.reversed()) })
        }
        // The default limit of 100 streams was raised by MAX_STREAMS as streams closed.
        let maxStreams = pair.frames(from: .server) { if case .maxStreams = $0 { true } else { false } }
        #expect(!maxStreams.isEmpty)
        #expect(pair.server.openStreamCount == 0 && pair.client.openStreamCount == 0)
    }

    @Test func flowControlLimitedTransfer() throws {
        var limits = StreamLimits()
        limits.initialMaxData = 4_000
        limits.maxData = 8_000
        limits.initialMaxStreamDataBidiLocal = 1_500
        limits.initialMaxStreamDataBidiRemote = 1_500
        limits.initialMaxStreamDataUni = 1_500
        limits.maxStreamData = 3_000
        var pair = StreamManagerTestPair(clientLimits: limits, serverLimits: limits)
        let first = try pair.client.openStream(.bidirectional)
        let second = try pair.client.openStream(.unidirectional)
        let one = streamTestBytes(200_000, seed: 11)
        let two = streamTestBytes(50_000, seed: 12)
        pair.send(one, on: first, from: .client)
        pair.send(two, on: second, from: .client)
        _ = try pair.run()
        #expect(pair.received[.server]?[first] == one)
        #expect(pair.received[.server]?[second] == two)
        let maxData = pair.frames(from: .server) { if case .maxData = $0 { true } else { false } }
        let maxStreamData = pair.frames(from: .server) { if case .maxStreamData = $0 { true } else { false } }
        #expect(maxData.count > 10)
        #expect(maxStreamData.count > 10)
        // The windows never grew past their ceilings.
        for case .maxData(let limit) in maxData { #expect(limit <= 250_000 + 8_000) }
        let blocked = pair.frames(from: .client) {
            switch $0 {
            case .dataBlocked, .streamDataBlocked: true
            default: false
            }
        }
        #expect(!blocked.isEmpty)
        // Never more than the advertised window in flight: the receiver did not throw, and the sender
        // never exceeded the credit it was given.
        #expect(pair.server.advertisedMaxData >= 250_000)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func lossAndReorderingStillDeliverExactBytes(seed: UInt64) throws {
        var limits = StreamLimits()
        limits.initialMaxData = 20_000
        limits.initialMaxStreamDataBidiLocal = 8_000
        limits.initialMaxStreamDataBidiRemote = 8_000
        limits.initialMaxStreamDataUni = 8_000
        limits.sendBufferLimit = 30_000
        var pair = StreamManagerTestPair(clientLimits: limits, serverLimits: limits, seed: seed, lossPerMille: 200)
        pair.packetSize = 700
        var payloads: [(EndpointRole, StreamID, [UInt8])] = []
        var replies: [(EndpointRole, StreamID, [UInt8])] = []
        for index in 0..<6 {
            let role: EndpointRole = index % 2 == 0 ? .client : .server
            let id = try pair[role].openStream(index % 3 == 0 ? .unidirectional : .bidirectional)
            let bytes = streamTestBytes(10_000 * (index + 1) + index, seed: seed * 100 + UInt64(index))
            payloads.append((role, id, bytes))
            pair.send(bytes, on: id, from: role)
            if id.direction == .bidirectional {
                let other: EndpointRole = role == .client ? .server : .client
                let reply = streamTestBytes(7_777, seed: seed * 1_000 + UInt64(index))
                replies.append((other, id, reply))
            }
        }
        payloads += replies
        _ = try pair.run { pair in
            // Replies go on streams the peer opened, once they are known here.
            replies.removeAll { role, id, bytes in
                guard pair[role].sendState(of: id) != nil else { return false }
                pair.send(bytes, on: id, from: role)
                return true
            }
        }
        for (role, id, bytes) in payloads {
            let reader: EndpointRole = role == .client ? .server : .client
            #expect(pair.received[reader]?[id] == bytes, "stream \(id) from \(role), seed \(seed)")
        }
        #expect(pair.client.openStreamCount == 0 && pair.server.openStreamCount == 0)
    }

    @Test func framesFitAndLengthIsOmittedOnlyWhenFillingThePacket() throws {
        var random = SplitMix64(seed: 77)
        var manager = StreamManager(role: .client, limits: StreamLimits())
        manager.setPeerLimits(StreamLimits().asPeerLimits)
        let id = try manager.openStream(.bidirectional)
        #expect(try manager.write(id, streamTestBytes(100_000, seed: 9)) == 100_000)
        var offset: UInt64 = 0
        for _ in 0..<10_000 where offset < 100_000 {
            let room = random.int(1...1_500)
            guard let (frame, record) = manager.pollFrame(maxLength: room, now: 0, smoothedRTT: 0,
                                                          isLastInPacket: random.bool())
            else {
                #expect(room < 9, "nothing polled with \(room) bytes of room")
                continue
            }
            #expect(frame.encodedLength <= room)
            guard case .stream(let stream) = frame else { continue }
            #expect(stream.offset == offset)
            if !stream.hasLength { #expect(frame.encodedLength == room) }
            #expect(record == .stream(id: id, offset: offset, length: stream.data.count, fin: false))
            offset += UInt64(stream.data.count)
        }
        #expect(offset == 100_000)
    }

    @Test func writableAfterTheSendBufferDrains() throws {
        var limits = StreamLimits()
        limits.sendBufferLimit = 5_000
        var pair = StreamManagerTestPair(clientLimits: limits, serverLimits: limits)
        let id = try pair.client.openStream(.unidirectional)
        #expect(try pair.client.write(id, streamTestBytes(8_000, seed: 1)) == 5_000)
        #expect(try pair.client.write(id, [1, 2, 3]) == 0)
        _ = try pair.round()
        #expect(pair.events[.client]?.contains(.writable(id)) == true)
        #expect(try pair.client.write(id, [1, 2, 3]) == 3)
    }
}
