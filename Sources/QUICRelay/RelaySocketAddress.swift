import Glibc

/// A numeric IPv4 or IPv6 socket address, stored as the `sockaddr` the kernel takes.
public struct RelaySocketAddress: Hashable, Sendable, CustomStringConvertible {
    /// The comparable identity of an address: family, port and address bits.
    public struct Key: Hashable, Sendable {
        var family: UInt8
        var port: UInt16
        var high: UInt64
        var low: UInt64
    }

    public private(set) var storage: sockaddr_storage
    public private(set) var length: socklen_t
    public let key: Key

    /// Reads `127.0.0.1:4433`, `[::1]:4433` or `localhost:4433` (which means 127.0.0.1).
    public init(parsing text: String) throws(RelayError) {
        var host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalidAddress(text, reason: "missing ']' after the IPv6 address")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw .invalidAddress(text, reason: "missing ':PORT' after the IPv6 address")
            }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw .invalidAddress(text, reason: "missing ':PORT'")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portText) else {
            throw .invalidAddress(text, reason: "the port must be a number from 0 to 65535")
        }
        if host == "localhost" {
            host = "127.0.0.1"
        }
        var storage = sockaddr_storage()
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        if inet_pton(AF_INET, String(host), &ipv4) == 1 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr = ipv4
            withUnsafeBytes(of: address) { source in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
            }
            self.init(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in>.size))
        } else if inet_pton(AF_INET6, String(host), &ipv6) == 1 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = ipv6
            withUnsafeBytes(of: address) { source in
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
            }
            self.init(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
        } else {
            throw .invalidAddress(text, reason: "'\(host)' is not a numeric IPv4 or IPv6 address")
        }
    }

    /// Wraps an address the kernel returned (from `recvfrom` or `getsockname`).
    public init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
        self.key = Self.key(of: storage)
    }

    private static func key(of storage: sockaddr_storage) -> Key {
        let family = Int32(storage.ss_family)
        return withUnsafeBytes(of: storage) { raw in
            if family == AF_INET {
                let address = raw.loadUnaligned(as: sockaddr_in.self)
                return Key(family: 4, port: UInt16(bigEndian: address.sin_port), high: 0,
                           low: UInt64(UInt32(bigEndian: address.sin_addr.s_addr)))
            }
            if family == AF_INET6 {
                let address = raw.loadUnaligned(as: sockaddr_in6.self)
                let bytes = withUnsafeBytes(of: address.sin6_addr) { Array($0) }
                let high = bytes[0..<8].reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
                let low = bytes[8..<16].reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
                return Key(family: 6, port: UInt16(bigEndian: address.sin6_port), high: high, low: low)
            }
            return Key(family: 0, port: 0, high: 0, low: 0)
        }
    }

    /// `AF_INET` or `AF_INET6`.
    public var family: Int32 {
        Int32(self.storage.ss_family)
    }

    public var port: UInt16 {
        self.key.port
    }

    /// True for 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8.
    public var isLoopback: Bool {
        switch self.key.family {
        case 4: return (self.key.low >> 24) == 127
        case 6:
            if self.key.high == 0 && self.key.low == 1 {
                return true
            }
            return self.key.high == 0 && (self.key.low >> 32) == 0xffff && ((self.key.low >> 24) & 0xff) == 127
        default: return false
        }
    }

    /// The same address family's loopback address with port 0, for binding an upstream socket.
    public var loopbackAnyPort: RelaySocketAddress {
        // Both literals are valid, so parsing cannot fail; fall back to self to avoid a trap.
        (try? RelaySocketAddress(parsing: self.key.family == 6 ? "[::1]:0" : "127.0.0.1:0")) ?? self
    }

    /// The same address family's wildcard address with port 0.
    public var wildcardAnyPort: RelaySocketAddress {
        (try? RelaySocketAddress(parsing: self.key.family == 6 ? "[::]:0" : "0.0.0.0:0")) ?? self
    }

    public static func == (lhs: RelaySocketAddress, rhs: RelaySocketAddress) -> Bool {
        lhs.key == rhs.key
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.key)
    }

    public var description: String {
        switch self.key.family {
        case 4:
            let value = self.key.low
            return "\(value >> 24 & 0xff).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff):\(self.port)"
        case 6:
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            withUnsafeBytes(of: self.storage) { raw in
                var address = raw.loadUnaligned(as: sockaddr_in6.self).sin6_addr
                _ = inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
            }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return "[\(text)]:\(self.port)"
        default:
            return "unknown"
        }
    }
}
