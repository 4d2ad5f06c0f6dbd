import QUICTestSupport

/// Parses hex, ignoring whitespace. Returns nil for malformed input so tests can `#require` it.
func hexBytes(_ text: String) -> [UInt8]? {
    let digits = text.filter { !$0.isWhitespace }
    guard digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
        bytes.append(byte)
        index = next
    }
    return bytes
}

/// Lower-case hex of bytes.
func hexString(_ bytes: some Sequence<UInt8>) -> String {
    var out = ""
    for byte in bytes {
        let digits = String(byte, radix: 16)
        out += digits.count == 1 ? "0" + digits : digits
    }
    return out
}

typealias CryptoTestRNG = SplitMix64

