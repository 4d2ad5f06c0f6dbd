import QUICSimulator
import QUICWire

/// The payload of a live frame or a tunnelled packet: a sequence number and the time it was produced (nanoseconds of
/// the run's clock; both ends share the simulator's clock), then filler up to its size. The receiver tells from it
/// which one arrived and how late.
enum StampedPayload {
    static let headerBytes = 16

    static func encode(sequence: Int, producedAt: SimInstant, size: Int) -> [UInt8] {
        var writer = ByteWriter(capacity: max(size, Self.headerBytes))
        writer.writeUInt64(UInt64(max(sequence, 0)))
        writer.writeUInt64(producedAt.nanoseconds)
        writer.writeZeros(max(size - Self.headerBytes, 0))
        return writer.bytes
    }

    /// Nil when the payload is shorter than the header.
    static func decode(_ bytes: ArraySlice<UInt8>) -> (sequence: Int, producedAt: SimInstant)? {
        var reader = ByteReader(bytes)
        guard let sequence = try? reader.readUInt64(), let produced = try? reader.readUInt64(),
              sequence <= UInt64(Int.max) else { return nil }
        return (Int(sequence), SimInstant(nanoseconds: produced))
    }
}
