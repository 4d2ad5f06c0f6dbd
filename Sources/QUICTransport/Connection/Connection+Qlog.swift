import QUICQlog
import QUICRecovery
import QUICWire

extension Connection {
    /// Whether qlog events are being produced (building them costs work; nothing is built without a sink).
    var isLogging: Bool { self.qlog != nil }

    func log(_ data: QlogEventData, now: QUICInstant, pathID: PathID? = nil) {
        guard self.qlog != nil else { return }
        self.qlog?.log(QlogEvent(timeNanoseconds: now.nanosecondsSinceOrigin, pathID: pathID.map { UInt64($0) },
                                 data: data))
    }

    static func qlogType(_ level: EncryptionLevel) -> QlogPacketType {
        switch level {
        case .initial: return .initial
        case .handshake: return .handshake
        case .zeroRTT: return .zeroRTT
        case .oneRTT: return .oneRTT
        }
    }

    /// The frames of a plaintext payload as qlog frames (decoded again only when logging).
    func qlogFrames(_ payload: ArraySlice<UInt8>, level: EncryptionLevel) -> [QlogFrame] {
        guard var decoder = try? FrameDecoder(payload: payload, level: level) else { return [] }
        var frames: [QlogFrame] = []
        while let frame = try? decoder.next() {
            frames.append(QlogFrame(frame, ackDelayExponent: UInt8(min(self.configuration.ackDelayExponent, 20))))
        }
        return frames
    }

    func logPacket(sent: Bool, level: EncryptionLevel, packetNumber: UInt64, payload: ArraySlice<UInt8>,
                   length: Int, now: QUICInstant) {
        guard self.isLogging else { return }
        let header = QlogPacketHeader(packetType: Connection.qlogType(level), packetNumber: packetNumber,
                                      dcid: sent ? self.currentPeerCID : nil)
        let packet = QlogPacket(header: header, frames: self.qlogFrames(payload, level: level), length: length)
        // With multipath each 1-RTT packet belongs to the path it was sent or received on (its packet number
        // space and nonce): the event says which, so per-path traffic can be read from the trace.
        let pathID = self.isMultipathNegotiated && level == .oneRTT ? self.path.id : nil
        self.log(sent ? .packetSent(packet) : .packetReceived(packet), now: now, pathID: pathID)
    }

    func logLost(_ packets: [SentPacket<SentPacketContents>], now: QUICInstant) {
        guard self.isLogging else { return }
        for packet in packets {
            let header = QlogPacketHeader(packetType: Connection.qlogType(packet.payload.level),
                                          packetNumber: packet.packetNumber)
            self.log(.packetLost(QlogPacket(header: header, length: packet.size, trigger: "reordering_threshold")),
                     now: now)
        }
    }

    func logMetrics(now: QUICInstant) {
        guard self.isLogging else { return }
        let rtt = self.path.recovery.rtt
        var metrics = QlogRecoveryMetrics()
        metrics.minRTT = Double(rtt.minRTT.nanoseconds) / 1e6
        metrics.smoothedRTT = Double(rtt.smoothedRTT.nanoseconds) / 1e6
        metrics.latestRTT = Double(rtt.latestRTT.nanoseconds) / 1e6
        metrics.rttVariance = Double(rtt.rttVariation.nanoseconds) / 1e6
        metrics.ptoCount = self.path.recovery.ptoCount
        metrics.congestionWindow = UInt64(self.path.recovery.congestionWindow)
        metrics.bytesInFlight = UInt64(self.path.recovery.bytesInFlight)
        self.log(.metricsUpdated(metrics), now: now)
    }

    func logState(_ state: String, now: QUICInstant) {
        self.log(.connectionStateUpdated(old: nil, new: state), now: now)
    }
}

extension Connection {
    /// A multipath path event (opened, available, abandoned) with the path's ID and 4-tuple.
    func logPathEvent(_ event: String, pathID: PathID, now: QUICInstant) {
        guard self.isLogging else { return }
        var fields = [QlogField("path_id", .unsigned(UInt64(pathID)))]
        if let index = self.pathIndex(of: pathID) {
            fields.append(QlogField("four_tuple", .string(self.paths[index].fourTuple.description)))
        }
        self.log(.custom(name: "multipath:\(event)", fields: fields), now: now)
    }
}
