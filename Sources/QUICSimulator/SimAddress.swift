/// An IP address and UDP port as seen in the simulated network.
public struct SimAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 or IPv6 host address.
    public enum Host: Hashable, Sendable {
        /// IPv4, most significant byte first in the top bits.
        case v4(UInt32)
        /// IPv6 as two 64-bit halves, most significant half first.
        case v6(UInt64, UInt64)
    }

    public var host: Host
    public var port: UInt16

    @inlinable
    public init(host: Host, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// An IPv4 address `a.b.c.d:port`.
    @inlinable
    public static func v4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) -> SimAddress {
        let value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
        return SimAddress(host: .v4(value), port: port)
    }

    /// An IPv6 address from its two 64-bit halves.
    @inlinable
    public static func v6(high: UInt64, low: UInt64, port: UInt16) -> SimAddress {
        SimAddress(host: .v6(high, low), port: port)
    }

    /// The same host with another port.
    @inlinable
    public func with(port: UInt16) -> SimAddress {
        SimAddress(host: self.host, port: port)
    }

    public var isIPv6: Bool {
        if case .v6 = self.host {
            return true
        }
        return false
    }

    public var description: String {
        switch self.host {
        case .v4(let value):
            return "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff):\(self.port)"
        case .v6(let high, let low):
            let groups = [high >> 48, high >> 32, high >> 16, high, low >> 48, low >> 32, low >> 16, low]
                .map { String($0 & 0xffff, radix: 16) }
            return "[\(groups.joined(separator: ":"))]:\(self.port)"
        }
    }
}
