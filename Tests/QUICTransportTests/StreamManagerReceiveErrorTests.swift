import QUICTestSupport
import QUICWire
import Testing
@testable import QUICTransport

/// Every receiver rule of RFC 9000 that StreamManager enforces, with the error code and frame type.
@Suite("StreamManager receiver errors")
struct StreamManagerReceiveErrorTests {
    /// A client whose peer allows streams, with small receive windows.
    static func client() -> StreamManager {
        var limits = StreamLimits()
        limits.initialMaxData = 1_000
        limits.initialMaxStreamDataBidiLocal = 500
        limits.initialMaxStreamDataBidiRemote = 500
        limits.initialMaxStreamDataUni = 500
        limits.initialMaxStreamsBidi = 4
        limits.initialMaxStreamsUni = 4
        var manager = StreamManager(role: .client, limits: limits)
        manager.setPeerLimits(StreamLimits().asPeerLimits)
        return manager
    }

    static func stream(_ id: UInt64, offset: UInt64 = 0, count: Int, fin: Bool = false) -> StreamFrame {
        StreamFrame(streamID: id, offset: offset, data: ArraySlice(repeating: 7, count: count), fin: fin)
    }

    @Test func streamFrameOnOurSendOnlyStream() throws {
        var manager = Self.client()
        let uni = try manager.openStream(.unidirectional)
        expectTransportError(.streamStateError, frameType: 0x0a) {
            try manager.onStream(Self.stream(uni.rawValue, count: 1), now: 0, smoothedRTT: 0)
        }
        // Also for one not opened yet, and for RESET_STREAM and STREAM_DATA_BLOCKED.
        expectTransportError(.streamStateError, frameType: 0x0b) {
            try manager.onStream(Self.stream(6, count: 1, fin: true), now: 0, smoothedRTT: 0)
        }
        expectTransportError(.streamStateError, frameType: 0x04) {
            try manager.onResetStream(ResetStreamFrame(streamID: uni.rawValue, applicationErrorCode: 0, finalSize: 0))
        }
        expectTransportError(.streamStateError, frameType: 0x15) {
            try manager.onStreamDataBlocked(StreamDataBlockedFrame(streamID: uni.rawValue, maximumStreamData: 0))
        }
    }

    @Test func frameForALocalStreamNotYetOpened() {
        var manager = Self.client()
        expectTransportError(.streamStateError, frameType: 0x0e) {
            try manager.onStream(Self.stream(4, offset: 5, count: 1), now: 0, smoothedRTT: 0)
        }
        expectTransportError(.streamStateError, frameType: 0x11) {
            try manager.onMaxStreamData(MaxStreamDataFrame(streamID: 0, maximumStreamData: 10))
        }
        expectTransportError(.streamStateError, frameType: 0x05) {
            try manager.onStopSending(StopSendingFrame(streamID: 0, applicationErrorCode: 1))
        }
    }

    @Test func frameForTheReceiveOnlyStream() throws {
        var manager = Self.client()
        try manager.onStream(Self.stream(3, count: 1), now: 0, smoothedRTT: 0)
        expectTransportError(.streamStateError, frameType: 0x11) {
            try manager.onMaxStreamData(MaxStreamDataFrame(streamID: 3, maximumStreamData: 10))
        }
        expectTransportError(.streamStateError, frameType: 0x05) {
            try manager.onStopSending(StopSendingFrame(streamID: 7, applicationErrorCode: 1))
        }
    }

    @Test func streamIDBeyondTheLimit() throws {
        var manager = Self.client()
        // Server bidirectional streams 1, 5, 9, 13 are allowed (limit 4); 17 is not.
        try manager.onStream(Self.stream(13, count: 1), now: 0, smoothedRTT: 0)
        var opened: [StreamEvent] = []
        while let event = manager.pollEvent() { opened.append(event) }
        #expect(opened.filter { if case .opened = $0 { true } else { false } }
                    == [1, 5, 9, 13].map { .opened(StreamID(rawValue: $0)) })
        expectTransportError(.streamLimitError, frameType: 0x0a) {
            try manager.onStream(Self.stream(17, count: 1), now: 0, smoothedRTT: 0)
        }
        expectTransportError(.streamLimitError, frameType: 0x04) {
            try manager.onResetStream(ResetStreamFrame(streamID: 19, applicationErrorCode: 0, finalSize: 0))
        }
        expectTransportError(.streamLimitError, frameType: 0x11) {
            try manager.onMaxStreamData(MaxStreamDataFrame(streamID: 17, maximumStreamData: 1))
        }
    }

    @Test func beyondTheStreamFlowControlLimit() throws {
        var manager = Self.client()
        try manager.onStream(Self.stream(1, count: 500), now: 0, smoothedRTT: 0)
        expectTransportError(.flowControlError, frameType: 0x0e) {
            try manager.onStream(Self.stream(1, offset: 500, count: 1), now: 0, smoothedRTT: 0)
        }
        var other = Self.client()
        expectTransportError(.flowControlError, frameType: 0x04) {
            try other.onResetStream(ResetStreamFrame(streamID: 3, applicationErrorCode: 0, finalSize: 501))
        }
    }

    @Test func beyondTheConnectionFlowControlLimit() throws {
        var manager = Self.client()
        try manager.onStream(Self.stream(1, count: 400), now: 0, smoothedRTT: 0)
        try manager.onStream(Self.stream(3, count: 400), now: 0, smoothedRTT: 0)
        // A duplicate does not count twice.
        try manager.onStream(Self.stream(3, count: 400), now: 0, smoothedRTT: 0)
        try manager.onStream(Self.stream(5, count: 200), now: 0, smoothedRTT: 0)
        expectTransportError(.flowControlError, frameType: 0x0a) {
            try manager.onStream(Self.stream(7, count: 1), now: 0, smoothedRTT: 0)
        }
    }

    @Test func finalSizeChanges() throws {
        var manager = Self.client()
        try manager.onStream(Self.stream(1, count: 10, fin: true), now: 0, smoothedRTT: 0)
        expectTransportError(.finalSizeError, frameType: 0x0f) {
            try manager.onStream(Self.stream(1, offset: 10, count: 2, fin: true), now: 0, smoothedRTT: 0)
        }
        expectTransportError(.finalSizeError, frameType: 0x0e) {
            try manager.onStream(Self.stream(1, offset: 9, count: 2), now: 0, smoothedRTT: 0)
        }
        expectTransportError(.finalSizeError, frameType: 0x04) {
            try manager.onResetStream(ResetStreamFrame(streamID: 1, applicationErrorCode: 0, finalSize: 11))
        }
        // A FIN below data already received.
        try manager.onStream(Self.stream(5, count: 20), now: 0, smoothedRTT: 0)
        expectTransportError(.finalSizeError, frameType: 0x0b) {
            try manager.onStream(Self.stream(5, count: 5, fin: true), now: 0, smoothedRTT: 0)
        }
        // After a reset, data beyond its final size.
        try manager.onResetStream(ResetStreamFrame(streamID: 9, applicationErrorCode: 3, finalSize: 30))
        try manager.onStream(Self.stream(9, offset: 10, count: 20), now: 0, smoothedRTT: 0)
        expectTransportError(.finalSizeError, frameType: 0x0e) {
            try manager.onStream(Self.stream(9, offset: 25, count: 6), now: 0, smoothedRTT: 0)
        }
        // The same final size again is fine.
        try manager.onResetStream(ResetStreamFrame(streamID: 1, applicationErrorCode: 0, finalSize: 10))
        try manager.onResetStream(ResetStreamFrame(streamID: 9, applicationErrorCode: 3, finalSize: 30))
    }

    @Test func streamDataBeyondTwoToTheSixtyTwo() {
        var manager = Self.client()
        expectTransportError(.frameEncodingError, frameType: 0x0e) {
            try manager.onStream(Self.stream(1, offset: VarInt.max, count: 1), now: 0, smoothedRTT: 0)
        }
    }

    @Test func dataAfterAResetIsNotKept() throws {
        var manager = Self.client()
        try manager.onStream(Self.stream(1, count: 100), now: 0, smoothedRTT: 0)
        try manager.onResetStream(ResetStreamFrame(streamID: 1, applicationErrorCode: 5, finalSize: 300))
        try manager.onStream(Self.stream(1, offset: 100, count: 200, fin: true), now: 0, smoothedRTT: 0)
        var buffer: [UInt8] = []
        #expect(throws: StreamError.reset(errorCode: 5)) {
            try manager.read(StreamID(rawValue: 1), into: &buffer, maxLength: 1_000)
        }
        #expect(buffer.isEmpty)
        // The final sizes of reset streams count as consumed: once more than half of the connection window
        // is used that way, MAX_DATA moves it on (no MAX_STREAM_DATA for reset streams).
        var frames: [Frame] = []
        while let (frame, _) = manager.pollFrame(maxLength: 100, now: 0, smoothedRTT: 0) { frames.append(frame) }
        #expect(frames.isEmpty)
        try manager.onResetStream(ResetStreamFrame(streamID: 5, applicationErrorCode: 5, finalSize: 300))
        while let (frame, _) = manager.pollFrame(maxLength: 100, now: 0, smoothedRTT: 0) { frames.append(frame) }
        #expect(frames == [.maxData(1_600)])
    }
}
