import QUICWire

/// The sending part of a stream (RFC 9000 §3.1, Figure 2).
public enum SendStreamState: Sendable, Hashable {
    /// Created, nothing sent yet ("Ready").
    case ready
    /// Sending data ("Send").
    case send
    /// All data and the FIN have been sent, waiting for acknowledgments ("Data Sent").
    case dataSent
    /// Everything acknowledged: a terminal state ("Data Recvd").
    case dataReceived
    /// RESET_STREAM sent, waiting for its acknowledgment ("Reset Sent").
    case resetSent
    /// RESET_STREAM acknowledged: a terminal state ("Reset Recvd").
    case resetReceived

    public var isTerminal: Bool { self == .dataReceived || self == .resetReceived }

    /// The first STREAM or STREAM_DATA_BLOCKED frame went out.
    public mutating func onDataSent() {
        if self == .ready { self = .send }
    }

    /// The frame with the FIN went out.
    public mutating func onFinSent() {
        if self == .ready || self == .send { self = .dataSent }
    }

    /// Every byte and the FIN have been acknowledged.
    public mutating func onAllDataAcknowledged() {
        if self == .dataSent { self = .dataReceived }
    }

    /// Whether RESET_STREAM may be sent now. RFC 9000 §3.1: "From any of the 'Ready', 'Send', or
    /// 'Data Sent' states, an application can signal that it wishes to abandon transmission".
    public var canReset: Bool {
        self == .ready || self == .send || self == .dataSent
    }

    public mutating func onResetSent() {
        if self.canReset { self = .resetSent }
    }

    public mutating func onResetAcknowledged() {
        if self == .resetSent { self = .resetReceived }
    }
}

/// The receiving part of a stream (RFC 9000 §3.2, Figure 3).
public enum ReceiveStreamState: Sendable, Hashable {
    /// Receiving data, final size unknown ("Recv").
    case receive
    /// The FIN arrived; data may still be missing ("Size Known").
    case sizeKnown
    /// All data up to the final size arrived ("Data Recvd").
    case dataReceived
    /// The application read everything: a terminal state ("Data Read").
    case dataRead
    /// RESET_STREAM arrived ("Reset Recvd").
    case resetReceived
    /// The application has been told of the reset: a terminal state ("Reset Read").
    case resetRead

    public var isTerminal: Bool { self == .dataRead || self == .resetRead }

    public mutating func onFinReceived() {
        if self == .receive { self = .sizeKnown }
    }

    public mutating func onAllDataReceived() {
        if self == .receive || self == .sizeKnown { self = .dataReceived }
    }

    public mutating func onAllDataRead() {
        if self == .dataReceived { self = .dataRead }
    }

    /// RFC 9000 §3.2: "Receiving a RESET_STREAM frame in the 'Recv' or 'Size Known' state causes the stream
    /// to enter the 'Reset Recvd' state." In "Data Recvd" the reset may be ignored (all data is here).
    public mutating func onResetReceived() {
        if self == .receive || self == .sizeKnown { self = .resetReceived }
    }

    public mutating func onResetRead() {
        if self == .resetReceived { self = .resetRead }
    }
}

/// Which frames a peer may send for a stream, given who opened it and which way it goes
/// (RFC 9000 §19.4-§19.5, §19.8, §19.10, §19.13).
public enum StreamFrameRules {
    /// A frame the peer sends that carries data to this endpoint: STREAM, RESET_STREAM,
    /// STREAM_DATA_BLOCKED.
    ///
    /// RFC 9000 §19.8: "An endpoint MUST terminate the connection with error STREAM_STATE_ERROR if it
    /// receives a STREAM frame for a locally initiated stream that has not yet been created, or for a
    /// send-only stream." The same holds for RESET_STREAM (§19.4) and STREAM_DATA_BLOCKED (§19.13).
    public static func checkPeerSends(on id: StreamID, localInitiator: StreamID.Initiator,
                                      frameType: UInt64) throws(TransportError) {
        if id.direction == .unidirectional, id.initiator == localInitiator {
            throw TransportError(.streamStateError, frameType: frameType,
                                 reason: "stream \(id) is send-only for this endpoint")
        }
    }

    /// A frame the peer sends about data it receives from this endpoint: MAX_STREAM_DATA, STOP_SENDING.
    ///
    /// RFC 9000 §19.10: "An endpoint that receives a MAX_STREAM_DATA frame for a receive-only stream MUST
    /// terminate the connection with error STREAM_STATE_ERROR." §19.5 says the same for STOP_SENDING.
    public static func checkPeerReceives(on id: StreamID, localInitiator: StreamID.Initiator,
                                         frameType: UInt64) throws(TransportError) {
        if id.direction == .unidirectional, id.initiator != localInitiator {
            throw TransportError(.streamStateError, frameType: frameType,
                                 reason: "stream \(id) is receive-only for this endpoint")
        }
    }
}
