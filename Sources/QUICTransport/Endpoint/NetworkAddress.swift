/// An IP address and UDP port, as the sans-IO core sees them: plain bytes, no sockets.
public struct NetworkAddress: Hashable, Sendable, CustomStringConvertible {
    public enum IP: Hashable, Sendable {
        case v4(UInt32)
        case v6(high: UInt64, low: UInt64)
    }

    public var ip: IP
    public var port: UInt16

    public init(ip: IP, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// An IPv4 address from its four bytes.
    public static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) -> NetworkAddress {
        NetworkAddress(ip: .v4(UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)), port: port)
    }

    /// Parses "1.2.3.4:443", "[::1]:443" or a bare address with `defaultPort`.
    public init?(parsing text: String, defaultPort: UInt16? = nil) {
        var host = Substring(text)
        var port = defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if rest.hasPrefix(":") {
                guard let value = UInt16(rest.dropFirst()) else { return nil }
                port = value
            } else if !rest.isEmpty {
                return nil
            }
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.lastIndex(of: ":") {
            guard let value = UInt16(host[host.index(after: colon)...]) else { return nil }
            port = value
            host = host[..<colon]
        }
        guard let port, let ip = NetworkAddress.parseIP(host) else { return nil }
        self.init(ip: ip, port: port)
    }

    private static func parseIP(_ text: Substring) -> IP? {
        if text.contains(":") {
            return self.parseIPv6(text)
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return .v4(value)
    }

    private static func parseIPv6(_ text: Substring) -> IP? {
        var halves: [String] = []
        var current = ""
        var previousWasColon = false
        for character in text {
            if character == ":", previousWasColon {
                current.removeLast()
                halves.append(current)
                current = ""
                previousWasColon = false
                continue
            }
            current.append(character)
            previousWasColon = character == ":"
        }
        halves.append(current)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !group.isEmpty, group.count <= 4, let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, group) in all.enumerated() {
            if index < 4 { high = high << 16 | UInt64(group) } else { low = low << 16 | UInt64(group) }
        }
        return .v6(high: high, low: low)
    }

    /// The address bytes (4 or 16) followed by the port, big-endian: for tokens and hashing.
    public var bytes: [UInt8] {
        var result: [UInt8] = []
        switch self.ip {
        case .v4(let value):
            for shift in stride(from: 24, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: value >> shift)) }
        case .v6(let high, let low):
            for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: high >> shift)) }
            for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: low >> shift)) }
        }
        result.append(UInt8(self.port >> 8))
        result.append(UInt8(self.port & 0xff))
        return result
    }

    public var description: String {
        switch self.ip {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff):\(self.port)"
        case .v6(let high, let low):
            var groups: [String] = []
            for shift in stride(from: 48, through: 0, by: -16) { groups.append(String(high >> UInt64(shift) & 0xffff, radix: 16)) }
            for shift in stride(from: 48, through: 0, by: -16) { groups.append(String(low >> UInt64(shift) & 0xffff, radix: 16)) }
            return "[" + groups.joined(separator: ":") + "]:\(self.port)"
        }
    }
}

/// The 4-tuple a datagram travelled on, from this endpoint's point of view.
public struct FourTuple: Hashable, Sendable, CustomStringConvertible {
    public var local: NetworkAddress
    public var remote: NetworkAddress

    public init(local: NetworkAddress, remote: NetworkAddress) {
        self.local = local
        self.remote = remote
    }

    public var description: String { "\(self.local) <-> \(self.remote)" }
}
