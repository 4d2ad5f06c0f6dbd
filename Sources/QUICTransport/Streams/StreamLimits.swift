import QUICWire

/// This endpoint's receive-side stream settings. The initial values become its transport parameters
/// (RFC 9000 §18.2: initial_max_data, initial_max_stream_data_*, initial_max_streams_*); the maxima bound
/// how far flow-control auto-tuning may grow the windows.
public struct StreamLimits: Sendable, Hashable {
    /// initial_max_data: the connection-wide window advertised in the handshake.
    public var initialMaxData: UInt64 = 1 << 20
    /// The largest connection window auto-tuning may reach.
    public var maxData: UInt64 = 16 << 20
    /// initial_max_stream_data_bidi_local: the window for bidirectional streams this endpoint opens.
    public var initialMaxStreamDataBidiLocal: UInt64 = 256 << 10
    /// initial_max_stream_data_bidi_remote: the window for bidirectional streams the peer opens.
    public var initialMaxStreamDataBidiRemote: UInt64 = 256 << 10
    /// initial_max_stream_data_uni: the window for unidirectional streams the peer opens.
    public var initialMaxStreamDataUni: UInt64 = 256 << 10
    /// The largest stream window auto-tuning may reach.
    public var maxStreamData: UInt64 = 8 << 20
    /// initial_max_streams_bidi: how many bidirectional streams the peer may open at once.
    public var initialMaxStreamsBidi: UInt64 = 100
    /// initial_max_streams_uni: how many unidirectional streams the peer may open at once.
    public var initialMaxStreamsUni: UInt64 = 100
    /// How many written but unacknowledged bytes one stream buffers before `write` accepts no more. The
    /// connection raises it to twice its congestion windows (all paths together) when those are larger, so
    /// that one stream can fill a long fat path (50 Mbit/s at 600 ms needs 3.75 MB in flight).
    public var sendBufferLimit: Int = 1 << 20

    public init() {}
}

/// The peer's stream settings, from its transport parameters (or remembered ones for 0-RTT).
public struct PeerStreamLimits: Sendable, Hashable {
    public var initialMaxData: UInt64
    /// The peer's window for bidirectional streams the peer opens (our send limit on them).
    public var initialMaxStreamDataBidiLocal: UInt64
    /// The peer's window for bidirectional streams this endpoint opens (our send limit on them).
    public var initialMaxStreamDataBidiRemote: UInt64
    /// The peer's window for unidirectional streams this endpoint opens.
    public var initialMaxStreamDataUni: UInt64
    /// How many bidirectional streams this endpoint may open.
    public var initialMaxStreamsBidi: UInt64
    /// How many unidirectional streams this endpoint may open.
    public var initialMaxStreamsUni: UInt64

    public init(initialMaxData: UInt64 = 0, initialMaxStreamDataBidiLocal: UInt64 = 0,
                initialMaxStreamDataBidiRemote: UInt64 = 0, initialMaxStreamDataUni: UInt64 = 0,
                initialMaxStreamsBidi: UInt64 = 0, initialMaxStreamsUni: UInt64 = 0) {
        self.initialMaxData = initialMaxData
        self.initialMaxStreamDataBidiLocal = initialMaxStreamDataBidiLocal
        self.initialMaxStreamDataBidiRemote = initialMaxStreamDataBidiRemote
        self.initialMaxStreamDataUni = initialMaxStreamDataUni
        self.initialMaxStreamsBidi = initialMaxStreamsBidi
        self.initialMaxStreamsUni = initialMaxStreamsUni
    }
}

extension StreamLimits {
    /// What the peer learns from these settings, seen from its side: the values a test or a 0-RTT cache
    /// hands to the peer's ``StreamManager/setPeerLimits(_:)``.
    public var asPeerLimits: PeerStreamLimits {
        PeerStreamLimits(initialMaxData: self.initialMaxData,
                         initialMaxStreamDataBidiLocal: self.initialMaxStreamDataBidiLocal,
                         initialMaxStreamDataBidiRemote: self.initialMaxStreamDataBidiRemote,
                         initialMaxStreamDataUni: self.initialMaxStreamDataUni,
                         initialMaxStreamsBidi: self.initialMaxStreamsBidi,
                         initialMaxStreamsUni: self.initialMaxStreamsUni)
    }
}
