import QUICCrypto
import QUICRecovery
import QUICWire

/// Datagrams of their own kind: CONNECTION_CLOSE at every readable level, a PATH_RESPONSE to a new address, and
/// DPLPMTUD probes.
extension Connection {
    /// CONNECTION_CLOSE at every level the peer may be able to read (RFC 9000 §10.2.3).
    func writeCloseDatagram(_ close: ConnectionCloseFrame, into writer: inout ByteWriter,
                            now: QUICInstant) -> Transmit? {
        var packets: [UnsealedPacket] = []
        let limit = min(self.path.pmtu.currentSize, self.path.amplification.allowance)
        for level in [EncryptionLevel.initial, .handshake, .oneRTT] {
            let space = level.packetNumberSpace
            let keys: PacketProtection?
            if level == .oneRTT {
                keys = self.role == .client && !self.isHandshakeComplete ? nil : self.oneRTTWrite?.current
            } else {
                keys = self.spaces[space.rawValue].isDiscarded ? nil : self.spaces[space.rawValue].writeKeys
            }
            guard let keys else { continue }
            // RFC 9000 §10.2.3: an application close in Initial or Handshake packets becomes a transport
            // APPLICATION_ERROR without the reason.
            var frame = close
            if level != .oneRTT, close.isApplicationError {
                frame = ConnectionCloseFrame(isApplicationError: false, errorCode: TransportErrorCode.applicationError.rawValue)
            }
            let encoded = Frame.connectionClose(frame)
            let packetNumber = self[nextPacketNumber: space]
            let start = writer.count
            let offsets: PacketHeaderWriter.Offsets
            if level == .oneRTT {
                offsets = PacketHeaderWriter.writeShort(destination: self.currentPeerCID, packetNumber: packetNumber,
                                                        packetNumberLength: 4,
                                                        keyPhase: self.oneRTTWrite?.keyPhase ?? false, to: &writer)
            } else {
                offsets = PacketHeaderWriter.writeLong(
                    type: level == .initial ? .initial : .handshake, version: self.version,
                    destination: self.currentPeerCID, source: self.localCIDs.active.first?.connectionID ?? ConnectionID(),
                    token: level == .initial && self.role == .client ? self.retryToken : [],
                    packetNumber: packetNumber, packetNumberLength: 4, to: &writer)
            }
            guard writer.count + encoded.encodedLength + Connection.tagLength <= limit else {
                writer.bytes.removeLast(writer.count - start)
                break
            }
            encoded.encode(to: &writer)
            let payloadEnd = writer.count
            writer.writeZeros(Connection.tagLength)
            self[nextPacketNumber: space] += 1
            packets.append(UnsealedPacket(level: level, offsets: offsets, payloadEnd: payloadEnd,
                                          packetNumber: packetNumber, keys: keys, frames: [.other],
                                          isAckEliciting: false))
        }
        guard !packets.isEmpty else { return nil }
        if self.role == .client, packets.contains(where: { $0.level == .initial }) {
            self.pad(&packets, to: min(limit, Connection.minimumInitialDatagramSize), writer: &writer)
        }
        return self.seal(packets, into: &writer, to: self.path.fourTuple, now: now)
    }

    /// A PATH_RESPONSE on the path a PATH_CHALLENGE came from (RFC 9000 §8.2.2), padded to 1,200 bytes.
    func writePathResponseDatagram(_ data: UInt64, to fourTuple: FourTuple, into writer: inout ByteWriter,
                                   now: QUICInstant) -> Transmit? {
        guard let keys = self.oneRTTWrite?.current, self.isHandshakeComplete else { return nil }
        let space = PacketNumberSpace.applicationData
        let packetNumber = self[nextPacketNumber: space]
        let offsets = PacketHeaderWriter.writeShort(destination: self.currentPeerCID, packetNumber: packetNumber,
                                                    packetNumberLength: 4,
                                                    keyPhase: self.oneRTTWrite?.keyPhase ?? false, to: &writer)
        Frame.pathResponse(data).encode(to: &writer)
        let payloadEnd = writer.count
        writer.writeZeros(Connection.tagLength)
        self[nextPacketNumber: space] += 1
        var packets = [UnsealedPacket(level: .oneRTT, offsets: offsets, payloadEnd: payloadEnd,
                                      packetNumber: packetNumber, keys: keys, frames: [.other], isAckEliciting: true)]
        self.pad(&packets, to: Connection.minimumInitialDatagramSize, writer: &writer)
        return self.seal(packets, into: &writer, to: fourTuple, now: now)
    }

    /// A DPLPMTUD probe (RFC 9000 §14.4, RFC 8899): PING padded to the size being tried.
    func writePMTUProbe(into writer: inout ByteWriter, now: QUICInstant) -> Transmit? {
        guard self.isHandshakeConfirmed, self.path.amplification.isValidated, let keys = self.oneRTTWrite?.current,
              let candidate = self.path.pmtu.probeSize, self.path.recovery.canSend(bytes: candidate),
              let size = self.path.pmtu.probeToSend(now: now.nanosecondsSinceOrigin) else { return nil }
        let space = PacketNumberSpace.applicationData
        let packetNumber = self[nextPacketNumber: space]
        let offsets = PacketHeaderWriter.writeShort(destination: self.currentPeerCID, packetNumber: packetNumber,
                                                    packetNumberLength: 4,
                                                    keyPhase: self.oneRTTWrite?.keyPhase ?? false, to: &writer)
        Frame.ping.encode(to: &writer)
        let payloadEnd = writer.count
        writer.writeZeros(Connection.tagLength)
        self[nextPacketNumber: space] += 1
        var packets = [UnsealedPacket(level: .oneRTT, offsets: offsets, payloadEnd: payloadEnd,
                                      packetNumber: packetNumber, keys: keys, frames: [.pmtuProbe(size: size)],
                                      isAckEliciting: true, isPMTUProbe: true)]
        self.pad(&packets, to: size, writer: &writer)
        return self.seal(packets, into: &writer, to: self.path.fourTuple, now: now)
    }
}
