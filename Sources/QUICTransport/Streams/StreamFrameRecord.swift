/// What a sent packet carried for the streams, kept by the connection until the packet is acknowledged
/// (``StreamManager/onAcked(_:)``) or declared lost (``StreamManager/onLost(_:)``).
///
/// Control frames are recorded by kind only: on loss the frame is rebuilt from the current state (a lost
/// MAX_DATA goes out again with the newest limit, RFC 9000 §13.3), or not at all when no longer needed.
public enum StreamFrameRecord: Hashable, Sendable {
    case stream(id: StreamID, offset: UInt64, length: Int, fin: Bool)
    case resetStream(StreamID)
    case stopSending(StreamID)
    case maxData
    case maxStreamData(StreamID)
    case maxStreams(StreamID.Direction)
    case dataBlocked
    case streamDataBlocked(StreamID)
    case streamsBlocked(StreamID.Direction)
}
