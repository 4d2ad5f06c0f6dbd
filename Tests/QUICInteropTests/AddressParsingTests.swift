import QUICInterop
import QUICTestSupport
import Testing

@Suite("HostPort and InteropURL")
struct AddressParsingTests {
    @Test("listen addresses", arguments: [
        ("127.0.0.1:4433", "127.0.0.1", 4433),
        ("[::1]:4433", "::1", 4433),
        ("localhost:4433", "localhost", 4433),
        ("0.0.0.0:0", "0.0.0.0", 0),
        ("[fe80::1]:65535", "fe80::1", 65535),
        ("my-host.example_1:1", "my-host.example_1", 1),
    ])
    func valid(text: String, host: String, port: Int) throws {
        let parsed = try HostPort(parsing: text)
        #expect(parsed.host == host)
        #expect(parsed.port == port)
        #expect(parsed.description == text)
    }

    @Test("bad listen addresses", arguments: [
        ("", AddressParsingError.emptyHost("")),
        (":4433", .emptyHost(":4433")),
        ("::1:4433", .ipv6WithoutBrackets("::1:4433")),
        ("[::1:4433", .unclosedBracket("[::1:4433")),
        ("[]:4433", .invalidHost("[]:4433")),
        ("[::1]4433", .invalidHost("[::1]4433")),
        ("[zz::1]:1", .invalidHost("[zz::1]:1")),
        ("host name:1", .invalidHost("host name:1")),
        ("localhost:65536", .invalidPort("localhost:65536")),
        ("localhost:", .invalidPort("localhost:")),
        ("localhost:-1", .invalidPort("localhost:-1")),
        ("localhost:+1", .invalidPort("localhost:+1")),
        ("localhost:000001", .invalidPort("localhost:000001")),
        ("localhost", .missingPort("localhost")),
    ])
    func invalid(text: String, expected: AddressParsingError) {
        #expect(throws: expected) { try HostPort(parsing: text) }
    }

    @Test("a default port applies only when none is given")
    func defaultPort() throws {
        #expect(try HostPort(parsing: "example.com", defaultPort: 443).port == 443)
        #expect(try HostPort(parsing: "[::1]", defaultPort: 443) == HostPort(host: "::1", port: 443))
        #expect(try HostPort(parsing: "example.com:80", defaultPort: 443).port == 80)
    }

    @Test("client URLs")
    func urls() throws {
        let plain = try InteropURL(parsing: "https://127.0.0.1:4433/100000")
        #expect(plain.host == "127.0.0.1" && plain.port == 4433 && plain.path == "/100000")
        let v6 = try InteropURL(parsing: "https://[::1]/files/a.bin")
        #expect(v6.host == "::1" && v6.port == 443 && v6.path == "/files/a.bin")
        #expect(v6.description == "https://[::1]:443/files/a.bin")
        #expect(try InteropURL(parsing: "HTTPS://example.com").path == "/")
        #expect(try InteropURL(parsing: "https://example.com?q=1").path == "/?q=1")
        #expect(try InteropURL(parsing: "https://example.com/x#frag").path == "/x")
    }

    @Test("bad URLs say what is wrong", arguments: [
        ("http://127.0.0.1/", AddressParsingError.unsupportedScheme("http://127.0.0.1/")),
        ("127.0.0.1:4433/x", .unsupportedScheme("127.0.0.1:4433/x")),
        ("https://", .unsupportedScheme("https://")),
        ("https:///x", .emptyHost("https:///x")),
        ("https://user@host/x", .userInfoNotAllowed("https://user@host/x")),
        ("https://host:99999/x", .invalidPort("https://host:99999/x")),
        ("https://::1/x", .ipv6WithoutBrackets("::1")),
        ("https://host/a b", .invalidPath("https://host/a b")),
    ])
    func badURLs(text: String, expected: AddressParsingError) {
        #expect(throws: expected) { try InteropURL(parsing: text) }
    }

    @Test("file names for -o DIR never escape the directory")
    func fileNames() throws {
        #expect(try InteropURL(parsing: "https://h/a/b.bin?x=1").fileName == "b.bin")
        #expect(try InteropURL(parsing: "https://h/").fileName == "index")
        #expect(try InteropURL(parsing: "https://h/a/..").fileName == "index")
        #expect(try InteropURL(parsing: "https://h/a%2f..%2fetc").fileName == "a_.._etc")
        #expect(try InteropURL(parsing: "https://h/%2e%2e").fileName == "index")
    }

    @Test("random text never crashes the parsers")
    func fuzz() {
        let alphabet = Array("[]:/.@%1a h?#".utf8)
        var random = SplitMix64(seed: 9)
        for _ in 0..<3_000 {
            let bytes = (0..<random.int(0...16)).map { _ in alphabet[random.int(0...12)] }
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? HostPort(parsing: text)
            _ = try? InteropURL(parsing: "https://" + text)
        }
    }
}
