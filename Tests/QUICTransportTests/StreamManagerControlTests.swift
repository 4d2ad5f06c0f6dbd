import QUICTestSupport
import QUICWire
import Testing
@testable import QUICTransport

@Suite("StreamManager stream limits, resets and application errors")
struct StreamManagerControlTests {
    @Test func streamLimitsBlockedAndRaised() throws {
        var serverLimits = StreamLimits()
        serverLimits.initialMaxStreamsBidi = 2
        var pair = StreamManagerTestPair(serverLimits: serverLimits)
        #expect(pair.client.pollEvent() == .streamsAvailable(.bidirectional))
        let first = try pair.client.openStream(.bidirectional)
        let second = try pair.client.openStream(.bidirectional)
        #expect(throws: StreamError.streamLimitReached(.bidirectional)) {
            try pair.client.openStream(.bidirectional)
        }
        // STREAMS_BLOCKED goes out once, with the limit.
        let polled = pair.client.pollFrame(maxLength: 100, now: 0, smoothedRTT: 0)
        let (frame, record) = try #require(polled)
        #expect(frame == .streamsBlocked(StreamCountFrame(bidirectional: true, maximumStreams: 2)))
        #expect(record == .streamsBlocked(.bidirectional))
        #expect(throws: StreamError.streamLimitReached(.bidirectional)) {
            try pair.client.openStream(.bidirectional)
        }
        #expect(pair.client.pollFrame(maxLength: 100, now: 0, smoothedRTT: 0) == nil)
        pair.client.onAcked(record)
        // A frame naming a third client stream is a STREAM_LIMIT_ERROR at the server.
        expectTransportError(.streamLimitError, frameType: 0x0a) {
            try pair.server.onStream(StreamFrame(streamID: 8, offset: 0, data: [1][...], fin: false), now: 0,
                                     smoothedRTT: 0)
        }

        pair.send([1, 2, 3], on: first, from: .client)
        pair.send([4], on: second, from: .client)
        var answered: Set<StreamID> = []
        _ = try pair.run { pair in
            for id in (pair.finished[.server] ?? []).sorted() where answered.insert(id).inserted {
                try pair.server.finish(id)
            }
        }
        // Both streams closed; with half the window used the server raised the limit to 4.
        let raised = pair.frames(from: .server) { if case .maxStreams = $0 { true } else { false } }
        #expect(raised == [.maxStreams(StreamCountFrame(bidirectional: true, maximumStreams: 3)),
                           .maxStreams(StreamCountFrame(bidirectional: true, maximumStreams: 4))]
                    || raised == [.maxStreams(StreamCountFrame(bidirectional: true, maximumStreams: 4))])
        #expect(pair.events[.client]?.contains(.streamsAvailable(.bidirectional)) == true)
        let third = try pair.client.openStream(.bidirectional)
        #expect(third.index == 2)
    }

    @Test func maxStreamsLimitsAreChecked() throws {
        var manager = StreamManager(role: .client, limits: StreamLimits())
        expectTransportError(.frameEncodingError, frameType: 0x12) {
            try manager.onMaxStreams(StreamCountFrame(bidirectional: true, maximumStreams: (1 << 60) + 1))
        }
        expectTransportError(.frameEncodingError, frameType: 0x17) {
            try manager.onStreamsBlocked(StreamCountFrame(bidirectional: false, maximumStreams: (1 << 60) + 1))
        }
        try manager.onMaxStreams(StreamCountFrame(bidirectional: false, maximumStreams: 1 << 60))
        #expect(try manager.openStream(.unidirectional).rawValue == 2)
        // A MAX_STREAMS that lowers the limit is ignored.
        try manager.onMaxStreams(StreamCountFrame(bidirectional: false, maximumStreams: 0))
        #expect(try manager.openStream(.unidirectional).rawValue == 6)
    }

    @Test func resetStreamReachesThePeer() throws {
        var pair = StreamManagerTestPair()
        let id = try pair.client.openStream(.bidirectional)
        #expect(try pair.client.write(id, streamTestBytes(3_000, seed: 1)) == 3_000)
        _ = try pair.round()
        try pair.client.reset(id, errorCode: 7)
        #expect(pair.client.sendState(of: id) == .resetSent)
        #expect(throws: StreamError.resetLocally(errorCode: 7)) { try pair.client.write(id, [1]) }
        _ = try pair.round()
        let resets = pair.frames(from: .client) { if case .resetStream = $0 { true } else { false } }
        #expect(resets == [.resetStream(ResetStreamFrame(streamID: id.rawValue, applicationErrorCode: 7,
                                                         finalSize: 3_000))])
        #expect(pair.events[.server]?.contains(.resetByPeer(id, errorCode: 7)) == true)
        #expect(pair.client.sendState(of: id) == .resetReceived)
        #expect(pair.server.receiveState(of: id) == .resetRead)
        // The server finishes its direction; both sides then forget the stream.
        try pair.server.finish(id)
        _ = try pair.run()
        #expect(pair.client.openStreamCount == 0 && pair.server.openStreamCount == 0)
    }

    @Test func blockedFramesCarryTheLimitAndCreditResumesSending() throws {
        var client = StreamManager(role: .client, limits: StreamLimits())
        client.setPeerLimits(PeerStreamLimits(initialMaxData: 100, initialMaxStreamDataBidiRemote: 1_000,
                                              initialMaxStreamsBidi: 2))
        let first = try client.openStream(.bidirectional)
        let second = try client.openStream(.bidirectional)
        #expect(try client.write(first, streamTestBytes(500, seed: 1)) == 500)
        #expect(try client.write(second, streamTestBytes(500, seed: 2)) == 500)
        var frames: [Frame] = []
        while let (frame, _) = client.pollFrame(maxLength: 1_200, now: 0, smoothedRTT: 0) { frames.append(frame) }
        let streamBytes = frames.reduce(0) { total, frame in
            if case .stream(let stream) = frame { return total + stream.data.count }
            return total
        }
        #expect(streamBytes == 100)
        #expect(!client.hasPendingFrames)
        // DATA_BLOCKED goes out once, with the limit.
        #expect(frames.filter { if case .dataBlocked = $0 { true } else { false } } == [.dataBlocked(100)])
        #expect(client.pollFrame(maxLength: 1_200, now: 0, smoothedRTT: 0) == nil)
        #expect(client.sendState(of: first) == .send && client.sendState(of: second) == .ready)
        client.onMaxData(5_000)
        #expect(client.hasPendingFrames)
        frames.removeAll()
        while let (frame, _) = client.pollFrame(maxLength: 1_200, now: 0, smoothedRTT: 0) { frames.append(frame) }
        let resumed = frames.reduce(0) { total, frame in
            if case .stream(let stream) = frame { return total + stream.data.count }
            return total
        }
        #expect(resumed == 900)
        // The stream-level limit: 1,000 bytes; writing more reports STREAM_DATA_BLOCKED with that limit.
        #expect(try client.write(first, streamTestBytes(700, seed: 3)) == 700)
        frames.removeAll()
        while let (frame, _) = client.pollFrame(maxLength: 1_200, now: 0, smoothedRTT: 0) { frames.append(frame) }
        while let (frame, _) = client.pollFrame(maxLength: 1_200, now: 0, smoothedRTT: 0) { frames.append(frame) }
        #expect(frames.contains(.streamDataBlocked(StreamDataBlockedFrame(streamID: first.rawValue,
                                                                          maximumStreamData: 1_000))))
        try client.onMaxStreamData(MaxStreamDataFrame(streamID: first.rawValue, maximumStreamData: 2_000))
        let more = client.pollFrame(maxLength: 1_200, now: 0, smoothedRTT: 0)
        guard case .stream(let stream)? = more?.0 else {
            Issue.record("no STREAM frame after MAX_STREAM_DATA")
            return
        }
        #expect(stream.offset == 1_000 && stream.data.count == 200)
    }

    @Test func moreUrgentStreamsGoFirst() throws {
        var client = StreamManager(role: .client, limits: StreamLimits())
        client.setPeerLimits(StreamLimits().asPeerLimits)
        let bulk = try client.openStream(.unidirectional)
        let urgent = try client.openStream(.unidirectional)
        try client.setPriority(StreamScheduler.Priority(urgency: 5), for: bulk)
        try client.setPriority(StreamScheduler.Priority(urgency: 0), for: urgent)
        #expect(try client.write(bulk, streamTestBytes(5_000, seed: 1)) == 5_000)
        #expect(try client.write(urgent, streamTestBytes(3_000, seed: 2)) == 3_000)
        var order: [StreamID] = []
        while let (_, record) = client.pollFrame(maxLength: 1_000, now: 0, smoothedRTT: 0) {
            if case .stream(let id, _, _, _) = record { order.append(id) }
        }
        #expect(order.prefix(4) == [urgent, urgent, urgent, urgent])
        #expect(order.dropFirst(4).allSatisfy { $0 == bulk })
    }

    @Test func zeroRTTStreamsGetTheLimitsOfTheHandshake() throws {
        var client = StreamManager(role: .client, limits: StreamLimits())
        client.setPeerLimits(PeerStreamLimits(initialMaxData: 100, initialMaxStreamDataBidiRemote: 50,
                                              initialMaxStreamsBidi: 1))
        let id = try client.openStream(.bidirectional)
        #expect(try client.write(id, streamTestBytes(500, seed: 3)) == 500)
        var sent = 0
        while let (frame, _) = client.pollFrame(maxLength: 1_000, now: 0, smoothedRTT: 0) {
            if case .stream(let stream) = frame { sent += stream.data.count }
        }
        #expect(sent == 50)
        client.setPeerLimits(PeerStreamLimits(initialMaxData: 1_000, initialMaxStreamDataBidiRemote: 300,
                                              initialMaxStreamsBidi: 1))
        #expect(client.hasPendingFrames)
        while let (frame, _) = client.pollFrame(maxLength: 1_000, now: 0, smoothedRTT: 0) {
            if case .stream(let stream) = frame { sent += stream.data.count }
        }
        #expect(sent == 300)
    }

    @Test func stopSendingIsAnsweredByResetWithTheSameCode() throws {
        var pair = StreamManagerTestPair()
        let id = try pair.client.openStream(.unidirectional)
        #expect(try pair.client.write(id, streamTestBytes(2_000, seed: 2)) == 2_000)
        _ = try pair.round()
        try pair.server.stopSending(id, errorCode: 9)
        _ = try pair.round()
        #expect(pair.frames(from: .server) { if case .stopSending = $0 { true } else { false } }
                    == [.stopSending(StopSendingFrame(streamID: id.rawValue, applicationErrorCode: 9))])
        #expect(pair.events[.client]?.contains(.stopSendingRequested(id, errorCode: 9)) == true)
        #expect(throws: StreamError.reset(errorCode: 9)) { try pair.client.write(id, [1]) }
        _ = try pair.run()
        #expect(pair.frames(from: .client) { if case .resetStream = $0 { true } else { false } }
                    == [.resetStream(ResetStreamFrame(streamID: id.rawValue, applicationErrorCode: 9,
                                                      finalSize: 2_000))])
        #expect(pair.events[.server]?.contains(.resetByPeer(id, errorCode: 9)) == true)
        #expect(pair.client.openStreamCount == 0 && pair.server.openStreamCount == 0)
    }

    @Test func lostControlFramesAreSentAgainWithCurrentValues() throws {
        var limits = StreamLimits()
        limits.initialMaxData = 1_000
        limits.initialMaxStreamDataUni = 1_000
        var receiver = StreamManager(role: .server, limits: limits)
        receiver.setPeerLimits(StreamLimits().asPeerLimits)
        try receiver.onStream(StreamFrame(streamID: 2, offset: 0, data: ArraySlice(repeating: 1, count: 800),
                                          fin: false), now: 0, smoothedRTT: 1_000)
        var sink: [UInt8] = []
        _ = try receiver.read(StreamID(rawValue: 2), into: &sink, maxLength: 800)
        var sent: [Frame: StreamFrameRecord] = [:]
        while let (frame, record) = receiver.pollFrame(maxLength: 100, now: 10, smoothedRTT: 1_000) {
            sent[frame] = record
        }
        #expect(Set(sent.keys) == [.maxData(1_800),
                                   .maxStreamData(MaxStreamDataFrame(streamID: 2, maximumStreamData: 1_800))])
        // Lost: queued again, and the frame carries the current limit.
        for record in sent.values { receiver.onLost(record) }
        #expect(receiver.hasPendingFrames)
        var again: [Frame] = []
        while let (frame, _) = receiver.pollFrame(maxLength: 100, now: 20, smoothedRTT: 1_000) { again.append(frame) }
        #expect(Set(again) == Set(sent.keys))
        // After the FIN, MAX_STREAM_DATA is no longer needed (RFC 9000 §3.2 "Size Known").
        try receiver.onStream(StreamFrame(streamID: 2, offset: 800, data: [], fin: true), now: 30, smoothedRTT: 1_000)
        receiver.onLost(.maxStreamData(StreamID(rawValue: 2)))
        #expect(receiver.pollFrame(maxLength: 100, now: 40, smoothedRTT: 1_000) == nil)
        #expect(!receiver.hasPendingFrames)
    }

    @Test func applicationErrors() throws {
        var pair = StreamManagerTestPair()
        let uni = try pair.client.openStream(.unidirectional)
        let peerUni = StreamID(rawValue: 3)
        try pair.client.onStream(StreamFrame(streamID: 3, offset: 0, data: [1][...], fin: false), now: 0,
                                 smoothedRTT: 0)
        #expect(throws: StreamError.wrongDirection(peerUni)) { try pair.client.write(peerUni, [1]) }
        #expect(throws: StreamError.wrongDirection(peerUni)) { try pair.client.finish(peerUni) }
        #expect(throws: StreamError.wrongDirection(peerUni)) { try pair.client.reset(peerUni, errorCode: 1) }
        var sink: [UInt8] = []
        #expect(throws: StreamError.wrongDirection(uni)) { try pair.client.read(uni, into: &sink, maxLength: 10) }
        #expect(throws: StreamError.wrongDirection(uni)) { try pair.client.stopSending(uni, errorCode: 1) }
        let unknown = StreamID(rawValue: 100)
        #expect(throws: StreamError.unknownStream(unknown)) { try pair.client.write(unknown, [1]) }
        #expect(throws: StreamError.unknownStream(unknown)) { try pair.client.setPriority(.default, for: unknown) }
        try pair.client.finish(uni)
        #expect(throws: StreamError.finished(uni)) { try pair.client.write(uni, [1]) }
        #expect(throws: StreamError.finished(uni)) { try pair.client.finish(uni) }
        #expect(StreamError.finished(uni).description.contains("finished"))
        #expect(StreamError.reset(errorCode: 4).description.contains("4"))
    }
}
