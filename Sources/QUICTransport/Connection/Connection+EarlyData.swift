import QUICRecovery
import QUICTLS
import QUICWire

/// Session resumption and 0-RTT progress of a connection (RFC 9001 §4.6, RFC 9000 §7.4.1).
struct EarlyDataState {
    /// Client: the server authenticated with a certificate, so the handshake was a full one (a resumed
    /// handshake authenticates with the PSK only, RFC 8446 §2.2).
    var peerSentCertificate = false
    /// Client: whether the server's transport parameters remembered with the session ticket were applied.
    var usedRememberedParameters = false
    /// Client: the server refused the early data.
    var rejected = false
    /// 0-RTT packets sealed (client) and accepted (server).
    var packetsSent: UInt64 = 0
    var packetsReceived: UInt64 = 0
}

extension Connection {
    /// Client: whether the handshake completed as a resumption, without the server's certificate.
    public var isResumedSession: Bool {
        self.role == .client && self.isHandshakeComplete && !self.earlyData.peerSentCertificate
    }

    /// 0-RTT packets this client sent, or this server opened and processed.
    public var zeroRTTPacketsSent: UInt64 { self.earlyData.packetsSent }
    public var zeroRTTPacketsReceived: UInt64 { self.earlyData.packetsReceived }

    /// Whether this client may send 0-RTT packets now: it has 0-RTT keys, and neither 1-RTT keys nor a
    /// rejection yet (RFC 9001 §4.6.1: "A client MUST NOT send 0-RTT packets once it starts processing 1-RTT
    /// packets from the server").
    public var canSendEarlyData: Bool {
        self.role == .client && !self.earlyData.rejected && self.oneRTTWrite == nil
            && self.spaces[PacketNumberSpace.applicationData.rawValue].writeKeys != nil
    }

    /// Client: when TLS offered early data, adopts the server's transport parameters saved with the session
    /// ticket so streams can be opened and written before the handshake.
    ///
    /// RFC 9000 §7.4.1: "When sending 0-RTT packets, a client MUST only use remembered transport parameters
    /// for those parameters [...] active_connection_id_limit, initial_max_data, initial_max_stream_data_bidi_local,
    /// initial_max_stream_data_bidi_remote, initial_max_stream_data_uni, initial_max_streams_bidi,
    /// initial_max_streams_uni." The values the server sends in this handshake replace them once they arrive
    /// (and if the server accepts 0-RTT it "MUST NOT reduce any limits").
    func applyRememberedTransportParameters(_ tls: TLSClientConfiguration) {
        guard self.role == .client, tls.attemptEarlyData, let ticket = tls.sessionTicket,
              self.canSendEarlyData, self.peerParameters == nil,
              let remembered = try? TransportParameters.decode(ticket.peerTransportParameters[...], sender: .server)
        else { return }
        self.streams.setPeerLimits(PeerStreamLimits(
            initialMaxData: remembered.initialMaxData,
            initialMaxStreamDataBidiLocal: remembered.initialMaxStreamDataBidiLocal,
            initialMaxStreamDataBidiRemote: remembered.initialMaxStreamDataBidiRemote,
            initialMaxStreamDataUni: remembered.initialMaxStreamDataUni,
            initialMaxStreamsBidi: remembered.initialMaxStreamsBidi,
            initialMaxStreamsUni: remembered.initialMaxStreamsUni))
        self.earlyData.usedRememberedParameters = true
    }

    /// Client: the server did not accept 0-RTT.
    ///
    /// RFC 9001 §4.6.2: "A client that attempts 0-RTT might also consider those packets lost if it receives
    /// an indication that 0-RTT was rejected" — the server never read them, so whatever they carried goes out
    /// again in 1-RTT packets. The 0-RTT keys go too: no further 0-RTT packets are sent.
    func onEarlyDataRejected(now: QUICInstant) {
        guard self.role == .client else { return }
        self.earlyData.rejected = true
        self.spaces[PacketNumberSpace.applicationData.rawValue].writeKeys = nil
        self.requeueEarlyData(now: now)
    }

    /// Client: treats every outstanding 0-RTT packet as lost so its frames are sent again — after a
    /// rejection, or after a Retry, whose sender kept no state and dropped them (RFC 9000 §17.2.5.3: "A
    /// client MAY attempt 0-RTT after receiving a Retry packet by sending 0-RTT packets to the connection ID
    /// provided by the server").
    ///
    /// Until its handshake completes a client sends no 1-RTT packet, so every application-space packet in
    /// flight is a 0-RTT one; they leave the recovery state without a congestion signal.
    func requeueEarlyData(now: QUICInstant) {
        guard self.role == .client, !self.isHandshakeComplete else { return }
        var removed: [SentPacket<SentPacketContents>] = []
        self.path.recovery.discard(space: .applicationData, into: &removed)
        guard !removed.isEmpty else { return }
        self.onLost(removed, now: now)
    }
}
