import QUICWire
import Testing

@Suite("Hex digits")
struct HexDigitsTests {
    @Test("octets from hex text of either case")
    func octets() {
        #expect(HexDigits.octets("0a1B") == [0x0a, 0x1b])
        #expect(HexDigits.octets("00ff7F80") == [0x00, 0xff, 0x7f, 0x80])
    }

    @Test("empty, odd-length and non-hex text is refused", arguments: ["", "a", "abc", "0g", " 0a", "0x0a", "é0"])
    func refused(_ text: String) {
        #expect(HexDigits.octets(text) == nil)
    }

    @Test("every octet value survives a round trip through two lower-case digits")
    func roundTrip() {
        let digits = Array("0123456789abcdef")
        for value in 0...255 {
            let text = String([digits[value >> 4], digits[value & 0xf]])
            #expect(HexDigits.octets(text) == [UInt8(value)])
            #expect(HexDigits.octets(text.uppercased()) == [UInt8(value)])
        }
    }
}
