/// Writes packet headers (RFC 9000 §17) in front of a payload that is not known yet: the Length field of a
/// long header is reserved and patched once the payload is written.
public enum PacketHeaderWriter {
    /// Where the packet's variable parts ended up, relative to the start of the writer's buffer.
    public struct Offsets: Hashable, Sendable {
        /// The start of the packet (its first byte).
        public var packetStart: Int
        /// The Length field of a long header (nil for short headers).
        public var lengthOffset: Int?
        /// The byte size reserved for the Length field.
        public var lengthFieldSize: Int
        /// The Packet Number field.
        public var packetNumberOffset: Int
        public var packetNumberLength: Int
    }

    /// Writes an Initial, 0-RTT or Handshake header with a placeholder Length of `lengthFieldSize` bytes
    /// (2 covers payloads up to 16383 bytes), then the truncated packet number.
    ///
    /// - Precondition: `packetNumberLength` is 1 to 4; `type` is not Retry.
    public static func writeLong(type: LongPacketType, version: QUICVersion, destination: ConnectionID,
                                 source: ConnectionID, token: some Collection<UInt8> = [UInt8](),
                                 packetNumber: UInt64, packetNumberLength: Int, lengthFieldSize: Int = 2,
                                 to writer: inout ByteWriter) -> Offsets {
        precondition((1...4).contains(packetNumberLength), "packet numbers are 1 to 4 bytes")
        precondition(type != .retry, "use writeRetry for Retry packets")
        let start = writer.count
        writer.writeUInt8(0xc0 | type.bits(for: version) << 4 | UInt8(packetNumberLength - 1))
        writer.writeUInt32(version.rawValue)
        writer.writeUInt8(UInt8(destination.length))
        destination.write(to: &writer)
        writer.writeUInt8(UInt8(source.length))
        source.write(to: &writer)
        if type == .initial {
            writer.writeVarIntPrefixedBytes(token)
        }
        let lengthOffset = writer.count
        writer.writeVarInt(0, length: lengthFieldSize)
        let packetNumberOffset = writer.count
        PacketNumber.write(packetNumber, length: packetNumberLength, to: &writer)
        return Offsets(packetStart: start, lengthOffset: lengthOffset, lengthFieldSize: lengthFieldSize,
                       packetNumberOffset: packetNumberOffset, packetNumberLength: packetNumberLength)
    }

    /// Sets the Length field once the payload (and room for the AEAD tag) is known: it counts the packet
    /// number, the payload and the tag (RFC 9000 §17.2).
    public static func patchLength(_ offsets: Offsets, packetEnd: Int, tagLength: Int, in writer: inout ByteWriter) {
        guard let lengthOffset = offsets.lengthOffset else { return }
        let length = packetEnd - offsets.packetNumberOffset + tagLength
        writer.patchVarInt(UInt64(length), at: lengthOffset, length: offsets.lengthFieldSize)
    }

    /// Writes a 1-RTT header (RFC 9000 §17.3.1).
    public static func writeShort(destination: ConnectionID, packetNumber: UInt64, packetNumberLength: Int,
                                  keyPhase: Bool, spinBit: Bool = false, to writer: inout ByteWriter) -> Offsets {
        precondition((1...4).contains(packetNumberLength), "packet numbers are 1 to 4 bytes")
        let start = writer.count
        writer.writeUInt8(0x40 | (spinBit ? 0x20 : 0) | (keyPhase ? 0x04 : 0) | UInt8(packetNumberLength - 1))
        destination.write(to: &writer)
        let packetNumberOffset = writer.count
        PacketNumber.write(packetNumber, length: packetNumberLength, to: &writer)
        return Offsets(packetStart: start, lengthOffset: nil, lengthFieldSize: 0,
                       packetNumberOffset: packetNumberOffset, packetNumberLength: packetNumberLength)
    }

    /// Writes a Retry packet without its integrity tag (the caller computes the tag over the pseudo-packet
    /// and appends it). RFC 9000 §17.2.5: the unused bits of the first byte are arbitrary; they are zero
    /// here.
    public static func writeRetryWithoutTag(version: QUICVersion, destination: ConnectionID, source: ConnectionID,
                                            token: some Collection<UInt8>, to writer: inout ByteWriter) {
        writer.writeUInt8(0xc0 | LongPacketType.retry.bits(for: version) << 4)
        writer.writeUInt32(version.rawValue)
        writer.writeUInt8(UInt8(destination.length))
        destination.write(to: &writer)
        writer.writeUInt8(UInt8(source.length))
        source.write(to: &writer)
        writer.writeBytes(token)
    }

    /// Writes a Version Negotiation packet (RFC 9000 §17.2.1) answering a client: its source connection
    /// ID becomes the destination and vice versa. `unusedBits` fills the seven arbitrary bits of the first
    /// byte (RFC 9000 §17.2.1: "set to an arbitrary value").
    public static func writeVersionNegotiation(destination: some Collection<UInt8>, source: some Collection<UInt8>,
                                               versions: [QUICVersion], unusedBits: UInt8,
                                               to writer: inout ByteWriter) {
        writer.writeUInt8(0x80 | (unusedBits & 0x7f))
        writer.writeUInt32(0)
        writer.writeUInt8(UInt8(truncatingIfNeeded: destination.count))
        writer.writeBytes(destination)
        writer.writeUInt8(UInt8(truncatingIfNeeded: source.count))
        writer.writeBytes(source)
        for version in versions {
            writer.writeUInt32(version.rawValue)
        }
    }
}
