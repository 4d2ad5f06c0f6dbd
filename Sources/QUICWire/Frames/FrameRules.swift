extension Frame {
    /// RFC 9002 §2: "Ack-eliciting frames: All frames other than ACK, PADDING, and CONNECTION_CLOSE are
    /// considered ack-eliciting." PATH_ACK is an ACK for this purpose (draft-ietf-quic-multipath-21).
    @inlinable
    public var isAckEliciting: Bool {
        switch self {
        case .ack, .pathAck, .padding, .connectionClose: return false
        default: return true
        }
    }

    /// Whether a packet carrying this frame counts toward bytes in flight and congestion control.
    ///
    /// RFC 9002 §2: "Packets are considered in flight when they are ack-eliciting or contain a PADDING
    /// frame". So every frame but ACK, PATH_ACK and CONNECTION_CLOSE makes its packet count.
    @inlinable
    public var isCongestionControlled: Bool {
        switch self {
        case .ack, .pathAck, .connectionClose: return false
        default: return true
        }
    }

    /// RFC 9000 §9.1: "PATH_CHALLENGE, PATH_RESPONSE, NEW_CONNECTION_ID, and PADDING frames are 'probing
    /// frames', and all other frames are 'non-probing frames'."
    @inlinable
    public var isProbing: Bool {
        switch self {
        case .pathChallenge, .pathResponse, .padding: return true
        case .newConnectionID(let frame): return frame.pathID == nil
        default: return false
        }
    }

    /// Whether the frame may appear in a packet of this level (RFC 9000 §12.4 Table 3; RFC 9221 §4;
    /// draft-ietf-quic-multipath-21 §4: "All frames defined in this document MUST only be sent in 1-RTT
    /// packets").
    ///
    /// Table 3: Initial and Handshake packets carry only PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE of
    /// type 0x1c; 0-RTT packets carry neither ACK, CRYPTO, NEW_TOKEN, PATH_RESPONSE, RETIRE_CONNECTION_ID
    /// nor HANDSHAKE_DONE. draft-ietf-quic-ack-frequency §3: "ACK_FREQUENCY and IMMEDIATE_ACK frames cannot
    /// be sent in 0-RTT packets".
    @inlinable
    public func isPermitted(in level: EncryptionLevel) -> Bool {
        switch self {
        case .padding, .ping:
            return true
        case .ack, .crypto:
            return level != .zeroRTT
        case .connectionClose(let frame):
            return !frame.isApplicationError || level == .zeroRTT || level == .oneRTT
        case .newToken, .pathResponse, .handshakeDone:
            return level == .oneRTT
        case .retireConnectionID:
            return level == .oneRTT
        case .newConnectionID(let frame):
            return frame.pathID == nil ? (level == .zeroRTT || level == .oneRTT) : level == .oneRTT
        case .resetStream, .stopSending, .stream, .maxData, .maxStreamData, .maxStreams, .dataBlocked,
             .streamDataBlocked, .streamsBlocked, .pathChallenge, .datagram:
            return level == .zeroRTT || level == .oneRTT
        case .ackFrequency, .immediateAck, .pathAck, .pathAbandon, .pathStatusBackup, .pathStatusAvailable, .maxPathID, .pathsBlocked,
             .pathCIDsBlocked:
            return level == .oneRTT
        }
    }

    /// Whether the frame belongs to the multipath extension (and may only be used once it is negotiated).
    @inlinable
    public var isMultipath: Bool {
        switch self {
        case .pathAck, .pathAbandon, .pathStatusBackup, .pathStatusAvailable, .maxPathID, .pathsBlocked,
             .pathCIDsBlocked:
            return true
        case .newConnectionID(let frame): return frame.pathID != nil
        case .retireConnectionID(let frame): return frame.pathID != nil
        default: return false
        }
    }
}
