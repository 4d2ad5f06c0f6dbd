import QUICCrypto
import QUICWire

extension EndpointPackets {
    /// An Initial packet carrying only a CONNECTION_CLOSE with `code`, answering a client Initial without creating
    /// a connection.
    ///
    /// RFC 9000 §5.2.2: "If a server refuses to accept a new connection, it SHOULD send an Initial packet
    /// containing a CONNECTION_CLOSE frame with error code CONNECTION_REFUSED." The packet is protected with the
    /// server's Initial keys for the client's first Destination Connection ID (RFC 9001 §5.2), comes from a new
    /// connection ID (`sourceCID`) and goes to the client's Source Connection ID. It is not ack-eliciting, so it
    /// needs no padding (RFC 9000 §14.1), and it is far smaller than the 1,200-byte Initial it answers (RFC
    /// 9000 §8.1 anti-amplification).
    ///
    /// - Throws: ``CryptoError`` for a version without Initial keys.
    public static func initialClose(version: QUICVersion, clientDestinationCID: ConnectionID,
                                    clientSourceCID: ConnectionID, sourceCID: ConnectionID,
                                    code: TransportErrorCode, reason: String) throws(CryptoError) -> [UInt8] {
        let protection = try InitialSecrets(version: version, destinationConnectionID: clientDestinationCID)
            .serverProtection()
        var writer = ByteWriter(capacity: 96 + clientSourceCID.length + sourceCID.length + reason.utf8.count)
        let offsets = PacketHeaderWriter.writeLong(type: .initial, version: version, destination: clientSourceCID,
                                                   source: sourceCID, packetNumber: 0, packetNumberLength: 1,
                                                   to: &writer)
        let payloadStart = writer.count
        let close = ConnectionCloseFrame(isApplicationError: false, errorCode: code.rawValue, frameType: 0,
                                         reasonPhrase: Array(reason.utf8.prefix(64))[...])
        Frame.connectionClose(close).encode(to: &writer)
        // Header protection samples 16 bytes starting 4 bytes after the packet number (RFC 9001 §5.4.2).
        let minimumPayload = 4 - offsets.packetNumberLength
        if writer.count - payloadStart < minimumPayload {
            writer.writeZeros(minimumPayload - (writer.count - payloadStart))
        }
        let payloadLength = writer.count - payloadStart
        PacketHeaderWriter.patchLength(offsets, packetEnd: writer.count, tagLength: 16, in: &writer)
        writer.writeZeros(16)
        var bytes = writer.bytes
        let end = try protection.seal(in: &bytes, headerRange: 0..<payloadStart, payloadLength: payloadLength,
                                      packetNumber: 0)
        try protection.applyHeaderProtection(to: &bytes, packetStart: 0,
                                             packetNumberOffset: offsets.packetNumberOffset, packetEnd: end)
        return Array(bytes[0..<end])
    }
}
