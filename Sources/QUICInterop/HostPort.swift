/// A host and port as typed on a command line: `127.0.0.1:4433`, `[::1]:4433`, `localhost:4433`.
public struct HostPort: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 address, a name, or an IPv6 address without its brackets.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; an IPv6 address goes in brackets. Without a port, `defaultPort` is used when given.
    public init(parsing text: String, defaultPort: Int? = nil) throws(AddressParsingError) {
        guard !text.isEmpty else { throw .emptyHost(text) }
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .unclosedBracket(text) }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") {
                portText = rest.dropFirst()
            } else if !rest.isEmpty {
                throw .invalidHost(text)
            }
            guard !host.isEmpty, host.contains(":"),
                  host.utf8.allSatisfy({ Self.isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
            else { throw .invalidHost(text) }
        } else {
            let colons = text.filter { $0 == ":" }.count
            guard colons <= 1 else { throw .ipv6WithoutBrackets(text) }
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = Substring(text)
            }
            guard !host.isEmpty else { throw .emptyHost(text) }
            guard host.utf8.allSatisfy(Self.isNameByte) else { throw .invalidHost(text) }
        }
        let port: Int
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let value = Int(portText), value <= 65_535
            else { throw .invalidPort(text) }
            port = value
        } else if let defaultPort {
            port = defaultPort
        } else {
            throw .missingPort(text)
        }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// Letters, digits, `-`, `.` and `_`: host names and IPv4 literals.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
    }
}

/// Why an address or URL given on the command line cannot be used; the text says what to type instead.
public enum AddressParsingError: Error, Hashable, Sendable, CustomStringConvertible {
    case emptyHost(String)
    case unclosedBracket(String)
    case ipv6WithoutBrackets(String)
    case invalidHost(String)
    case invalidPort(String)
    case missingPort(String)
    case unsupportedScheme(String)
    case userInfoNotAllowed(String)
    case invalidPath(String)

    public var description: String {
        switch self {
        case .emptyHost(let text): return "\"\(text)\": the host is missing (expected HOST:PORT)"
        case .unclosedBracket(let text): return "\"\(text)\": an IPv6 address needs a closing ']' ([::1]:4433)"
        case .ipv6WithoutBrackets(let text): return "\"\(text)\": put an IPv6 address in brackets, as in [::1]:4433"
        case .invalidHost(let text): return "\"\(text)\": not a valid host name or IP address"
        case .invalidPort(let text): return "\"\(text)\": the port must be a number from 0 to 65535"
        case .missingPort(let text): return "\"\(text)\": a port is required (HOST:PORT)"
        case .unsupportedScheme(let text): return "\"\(text)\": only https:// URLs are supported"
        case .userInfoNotAllowed(let text): return "\"\(text)\": user names in URLs are not supported"
        case .invalidPath(let text): return "\"\(text)\": the path must contain printable characters only"
        }
    }
}
