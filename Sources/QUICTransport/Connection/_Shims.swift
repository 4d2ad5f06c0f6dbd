import QUICRecovery
import QUICWire
public struct StreamLimits: Sendable { public var initialMaxData: UInt64 = 0, maxData: UInt64 = 0, initialMaxStreamDataBidiLocal: UInt64 = 0, initialMaxStreamDataBidiRemote: UInt64 = 0, initialMaxStreamDataUni: UInt64 = 0, initialMaxStreamsBidi: UInt64 = 0, initialMaxStreamsUni: UInt64 = 0; public init() {} }
public struct PeerStreamLimits: Sendable, Equatable {
    public var initialMaxData, initialMaxStreamDataBidiLocal, initialMaxStreamDataBidiRemote, initialMaxStreamDataUni, initialMaxStreamsBidi, initialMaxStreamsUni: UInt64
    public init(initialMaxData: UInt64 = 0, initialMaxStreamDataBidiLocal: UInt64 = 0, initialMaxStreamDataBidiRemote: UInt64 = 0, initialMaxStreamDataUni: UInt64 = 0, initialMaxStreamsBidi: UInt64 = 0, initialMaxStreamsUni: UInt64 = 0) { self.initialMaxData = 0; self.initialMaxStreamDataBidiLocal = 0; self.initialMaxStreamDataBidiRemote = 0; self.initialMaxStreamDataUni = 0; self.initialMaxStreamsBidi = 0; self.initialMaxStreamsUni = 0 }
}
public enum StreamError: Error, Hashable, Sendable { case unknownStream, connectionClosed }
public enum StreamEvent: Hashable, Sendable { case opened(StreamID) }
public enum StreamFrameRecord: Hashable, Sendable { case stream(id: StreamID, offset: UInt64, length: Int, fin: Bool), maxData }
public struct StreamManager: Sendable {
    public init(role: EndpointRole, limits: StreamLimits) {}
    public mutating func setPeerLimits(_ peer: PeerStreamLimits) {}
    public mutating func openStream(_ direction: StreamID.Direction) throws(StreamError) -> StreamID { fatalError() }
    public mutating func write(_ id: StreamID, _ bytes: some Collection<UInt8>) throws(StreamError) -> Int { 0 }
    public mutating func finish(_ id: StreamID) throws(StreamError) {}
    public mutating func reset(_ id: StreamID, errorCode: UInt64) throws(StreamError) {}
    public mutating func stopSending(_ id: StreamID, errorCode: UInt64) throws(StreamError) {}
    public mutating func read(_ id: StreamID, into buffer: inout [UInt8], maxLength: Int) throws(StreamError) -> (count: Int, fin: Bool) { (0, false) }
    public mutating func setPriority(_ p: StreamScheduler.Priority, for id: StreamID) throws(StreamError) {}
    public mutating func pollEvent() -> StreamEvent? { nil }
    public mutating func onStream(_ frame: StreamFrame, now: UInt64, smoothedRTT: UInt64) throws(TransportError) {}
    public mutating func onResetStream(_ frame: ResetStreamFrame) throws(TransportError) {}
    public mutating func onStopSending(_ frame: StopSendingFrame) throws(TransportError) {}
    public mutating func onMaxData(_ limit: UInt64) {}
    public mutating func onMaxStreamData(_ frame: MaxStreamDataFrame) throws(TransportError) {}
    public mutating func onMaxStreams(_ frame: StreamCountFrame) throws(TransportError) {}
    public mutating func onDataBlocked(_ limit: UInt64) {}
    public mutating func onStreamDataBlocked(_ f: StreamDataBlockedFrame) throws(TransportError) {}
    public mutating func onStreamsBlocked(_ f: StreamCountFrame) throws(TransportError) {}
    public mutating func pollFrame(maxLength: Int, now: UInt64, smoothedRTT: UInt64) -> (Frame, StreamFrameRecord)? { nil }
    public var hasPendingFrames: Bool { false }
    public mutating func onAcked(_ record: StreamFrameRecord) {}
    public mutating func onLost(_ record: StreamFrameRecord) {}
    public func sendState(of id: StreamID) -> SendStreamState? { nil }
    public func receiveState(of id: StreamID) -> ReceiveStreamState? { nil }
}
