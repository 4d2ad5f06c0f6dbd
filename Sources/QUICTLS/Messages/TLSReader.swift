import QUICWire

/// Reads TLS presentation-language structures (RFC 8446 §3): fixed-width big-endian integers and
/// vectors whose length prefix is 1, 2 or 3 bytes wide, with the bounds the RFC declares.
///
/// Every failure is a ``TLSAlert`` with code decode_error: RFC 8446 §6 uses decode_error for "a
/// message could not be decoded because some field was out of the specified range or the length of
/// the message was incorrect". Nothing here traps on short or hostile input.
@usableFromInline
internal struct TLSReader {
    @usableFromInline
    internal var reader: ByteReader

    @inlinable
    internal init(_ bytes: ArraySlice<UInt8>) {
        self.reader = ByteReader(bytes)
    }

    @inlinable
    internal init(_ bytes: [UInt8]) {
        self.reader = ByteReader(bytes)
    }

    @inlinable
    internal var isAtEnd: Bool { self.reader.isAtEnd }

    @inlinable
    internal var remaining: Int { self.reader.remaining }

    @inlinable
    internal var offset: Int { self.reader.offset }

    @inlinable
    internal mutating func readInteger(byteCount: Int, _ field: StaticString) throws(TLSAlert) -> UInt64 {
        do {
            return try self.reader.readBigEndian(byteCount: byteCount)
        } catch {
            throw TLSAlert.decodeError("truncated \(field)")
        }
    }

    @inlinable
    internal mutating func readUInt8(_ field: StaticString) throws(TLSAlert) -> UInt8 {
        UInt8(truncatingIfNeeded: try self.readInteger(byteCount: 1, field))
    }

    @inlinable
    internal mutating func readUInt16(_ field: StaticString) throws(TLSAlert) -> UInt16 {
        UInt16(truncatingIfNeeded: try self.readInteger(byteCount: 2, field))
    }

    @inlinable
    internal mutating func readUInt32(_ field: StaticString) throws(TLSAlert) -> UInt32 {
        UInt32(truncatingIfNeeded: try self.readInteger(byteCount: 4, field))
    }

    /// Reads exactly `count` bytes.
    @inlinable
    internal mutating func readBytes(_ count: Int, _ field: StaticString) throws(TLSAlert) -> ArraySlice<UInt8> {
        do {
            return try self.reader.readBytes(count)
        } catch {
            throw TLSAlert.decodeError("truncated \(field)")
        }
    }

    /// Reads a vector `<min..max>` whose length prefix is `lengthBytes` wide (the smallest width that
    /// holds `max`, RFC 8446 §3.4), and returns its contents.
    @inlinable
    internal mutating func readVector(
        lengthBytes: Int, min: Int, max: Int, _ field: StaticString
    ) throws(TLSAlert) -> ArraySlice<UInt8> {
        let length = try self.readInteger(byteCount: lengthBytes, field)
        guard length >= UInt64(min), length <= UInt64(max) else {
            throw TLSAlert.decodeError("\(field) length \(length) outside \(min)...\(max)")
        }
        guard length <= UInt64(self.reader.remaining) else {
            throw TLSAlert.decodeError("\(field) length \(length) exceeds the \(self.reader.remaining) bytes left")
        }
        return try self.readBytes(Int(length), field)
    }

    /// Reads a vector and returns a reader over its contents.
    @inlinable
    internal mutating func readSubReader(
        lengthBytes: Int, min: Int, max: Int, _ field: StaticString
    ) throws(TLSAlert) -> TLSReader {
        TLSReader(try self.readVector(lengthBytes: lengthBytes, min: min, max: max, field))
    }

    /// Throws decode_error when bytes are left over: every TLS structure has an exact length.
    @inlinable
    internal func expectEnd(_ structure: StaticString) throws(TLSAlert) {
        guard self.reader.isAtEnd else {
            throw TLSAlert.decodeError("\(self.reader.remaining) trailing bytes after \(structure)")
        }
    }
}

extension ByteWriter {
    /// Writes `bytes` behind a length prefix `lengthBytes` wide (RFC 8446 §3.4).
    ///
    /// - Precondition: the count fits the prefix. Callers that build messages from user input check
    ///   the bounds first; values that came off the wire always fit.
    @inlinable
    internal mutating func writeTLSVector(_ bytes: some Collection<UInt8>, lengthBytes: Int) {
        precondition(bytes.count < (1 << (lengthBytes * 8)), "vector of \(bytes.count) bytes too long")
        self.writeBigEndian(UInt64(bytes.count), byteCount: lengthBytes)
        self.writeBytes(bytes)
    }

    /// Writes a vector whose contents `body` writes, then fills in its `lengthBytes`-wide length.
    @inlinable
    internal mutating func writeTLSVector(lengthBytes: Int, _ body: (inout ByteWriter) -> Void) {
        let start = self.count
        self.writeZeros(lengthBytes)
        body(&self)
        let length = self.count - start - lengthBytes
        precondition(length < (1 << (lengthBytes * 8)), "vector of \(length) bytes too long")
        var shift = (lengthBytes - 1) * 8
        var position = start
        while shift >= 0 {
            self.bytes[position] = UInt8(truncatingIfNeeded: length >> shift)
            position += 1
            shift -= 8
        }
    }
}
