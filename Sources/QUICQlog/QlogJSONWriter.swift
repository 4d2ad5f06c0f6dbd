/// A minimal streaming JSON writer (RFC 8259) that appends UTF-8 to a byte buffer the caller owns.
///
/// The caller hands a buffer in (`init(appendingTo:)`) and takes it back from `bytes`, so one buffer can be
/// reused across records without reallocating. Commas and colons are inserted automatically: call `key(_:)`
/// before every member value inside an object, and nothing between array elements.
///
/// The writer does not validate nesting (an unbalanced `endObject()` simply writes `}`); the qlog types in this
/// module always produce balanced output.
public struct QlogJSONWriter: Sendable {
    /// The buffer written so far, including whatever it held when handed in.
    public var bytes: [UInt8]
    /// True when the next value or key must be preceded by a comma.
    private var needsComma: Bool

    /// Starts writing at the end of `buffer`.
    public init(appendingTo buffer: [UInt8] = []) {
        self.bytes = buffer
        self.needsComma = false
    }

    // MARK: Structure

    public mutating func beginObject() {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.needsComma = false
    }

    public mutating func endObject() {
        self.bytes.append(UInt8(ascii: "}"))
        self.needsComma = true
    }

    public mutating func beginArray() {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.needsComma = false
    }

    public mutating func endArray() {
        self.bytes.append(UInt8(ascii: "]"))
        self.needsComma = true
    }

    /// Writes an object member name and the `:` that follows it.
    public mutating func key(_ name: String) {
        self.separate()
        self.appendEscaped(name)
        self.bytes.append(UInt8(ascii: ":"))
        self.needsComma = false
    }

    /// Resets the comma state, e.g. before starting an unrelated top-level value in the same buffer.
    public mutating func resetSeparator() {
        self.needsComma = false
    }

    // MARK: Values

    public mutating func string(_ value: String) {
        self.separate()
        self.appendEscaped(value)
        self.needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        self.separate()
        self.appendASCII(value ? "true" : "false")
        self.needsComma = true
    }

    public mutating func null() {
        self.separate()
        self.appendASCII("null")
        self.needsComma = true
    }

    public mutating func integer(_ value: UInt64) {
        self.separate()
        self.appendDigits(value)
        self.needsComma = true
    }

    public mutating func integer(_ value: Int64) {
        self.separate()
        if value < 0 {
            self.bytes.append(UInt8(ascii: "-"))
        }
        // `magnitude` is exact even for Int64.min.
        self.appendDigits(value.magnitude)
        self.needsComma = true
    }

    public mutating func integer(_ value: Int) {
        self.integer(Int64(value))
    }

    /// Writes a finite double in Swift's shortest round-tripping form (always valid JSON: "1.5", "1e-05",
    /// "1e+20"). RFC 8259 §6: "Numeric values that cannot be represented [...] (such as Infinity and NaN) are
    /// not permitted", so a non-finite value is written as `null`.
    public mutating func double(_ value: Double) {
        guard value.isFinite else {
            self.null()
            return
        }
        self.separate()
        self.appendASCII(value.description)
        self.needsComma = true
    }

    /// Writes bytes as a lowercase hex string, qlog's `hexstring`.
    public mutating func hexString(_ value: some Sequence<UInt8>) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        for byte in value {
            self.bytes.append(Self.hexDigit(byte >> 4))
            self.bytes.append(Self.hexDigit(byte & 0x0f))
        }
        self.bytes.append(UInt8(ascii: "\""))
        self.needsComma = true
    }

    // MARK: Helpers

    private mutating func separate() {
        if self.needsComma {
            self.bytes.append(UInt8(ascii: ","))
        }
    }

    private mutating func appendASCII(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }

    private mutating func appendDigits(_ value: UInt64) {
        guard value != 0 else {
            self.bytes.append(UInt8(ascii: "0"))
            return
        }
        let start = self.bytes.count
        var remaining = value
        while remaining != 0 {
            let (quotient, digit) = remaining.quotientAndRemainder(dividingBy: 10)
            self.bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: digit))
            remaining = quotient
        }
        self.bytes[start...].reverse()
    }

    /// RFC 8259 §7: "All Unicode characters may be placed within the quotation marks, except for the
    /// characters that MUST be escaped: quotation mark, reverse solidus, and the control characters (U+0000
    /// through U+001F)." Swift strings are valid Unicode, so their UTF-8 passes through unchanged.
    private mutating func appendEscaped(_ text: String) {
        self.bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                self.bytes.append(UInt8(ascii: "\\"))
                self.bytes.append(byte)
            case 0x00..<0x20:
                self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"),
                                               UInt8(ascii: "0"), Self.hexDigit(byte >> 4), Self.hexDigit(byte & 0x0f)])
            default:
                self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
