/// Iterates over the frames of a decrypted packet payload, checking each against the packet's
/// encryption level; allocation-free apart from what the frames themselves reference (slices of the
/// payload).
///
/// RFC 9000 §12.4: "An endpoint MUST treat receipt of a frame in a packet type that is not permitted as
/// a connection error of type PROTOCOL_VIOLATION." RFC 9000 §12.4 also: "The payload of a packet that
/// contains frames MUST contain at least one frame" — an empty payload is a PROTOCOL_VIOLATION.
public struct FrameDecoder: Sendable {
    @usableFromInline
    internal var reader: ByteReader
    public let level: EncryptionLevel

    /// - Throws: PROTOCOL_VIOLATION when the payload is empty.
    @inlinable
    public init(payload: ArraySlice<UInt8>, level: EncryptionLevel) throws(WireError) {
        guard !payload.isEmpty else {
            throw WireError(.malformed, code: .protocolViolation, reason: "packet without frames")
        }
        self.reader = ByteReader(payload)
        self.level = level
    }

    /// The next frame, or nil at the end of the payload.
    @inlinable
    public mutating func next() throws(WireError) -> Frame? {
        guard !self.reader.isAtEnd else { return nil }
        let frame = try Frame.decode(from: &self.reader)
        guard frame.isPermitted(in: self.level) else {
            throw WireError(.notPermitted, code: .protocolViolation, frameType: frame.frameType,
                            reason: "frame type 0x\(String(frame.frameType, radix: 16)) not allowed in \(self.level) packets")
        }
        return frame
    }

    /// Decodes every frame (for tests and tools; the engine iterates with ``next()``).
    public static func decodeAll(_ payload: ArraySlice<UInt8>, level: EncryptionLevel) throws(WireError) -> [Frame] {
        var decoder = try FrameDecoder(payload: payload, level: level)
        var frames: [Frame] = []
        while let frame = try decoder.next() {
            frames.append(frame)
        }
        return frames
    }
}
