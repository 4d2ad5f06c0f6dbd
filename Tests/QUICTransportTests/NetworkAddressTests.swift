import Testing
@testable import QUICTransport

@Suite("Network addresses")
struct NetworkAddressTests {
    @Test(arguments: [
        ("127.0.0.1:4433", "127.0.0.1:4433"),
        ("[::1]:443", "[0:0:0:0:0:0:0:1]:443"),
        ("[2001:db8::8:800:200c:417a]:1", "[2001:db8:0:0:8:800:200c:417a]:1"),
        ("[fe80::]:9", "[fe80:0:0:0:0:0:0:0]:9"),
    ])
    func parsesAndPrints(text: String, printed: String) throws {
        let address = try #require(NetworkAddress(parsing: text))
        #expect(address.description == printed)
        #expect(NetworkAddress(parsing: address.description) == address)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5:1", "256.1.1.1:1", "1.2.3.4:65536", "[::1", "[1::2::3]:4", "::1:2:3",
                      "[1:2:3:4:5:6:7:8:9]:1", "[12345::]:1", "1.2.3.4:x"])
    func rejectsMalformed(text: String) {
        #expect(NetworkAddress(parsing: text) == nil)
    }

    @Test func defaultPortAndBytes() throws {
        let address = try #require(NetworkAddress(parsing: "10.1.2.3", defaultPort: 443))
        #expect(address == .ipv4(10, 1, 2, 3, port: 443))
        #expect(address.bytes == [10, 1, 2, 3, 0x01, 0xbb])
        let six = try #require(NetworkAddress(parsing: "[::2]:1"))
        #expect(six.bytes.count == 18)
    }
}
