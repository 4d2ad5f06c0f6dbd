#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import QUICTransport

extension NetworkAddress {
    /// The engine's view of a socket address; nil for Unix-domain addresses, which UDP never reports.
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            let raw = UInt32(bigEndian: v4.address.sin_addr.s_addr)
            self.init(ip: .v4(raw), port: UInt16(bigEndian: v4.address.sin_port))
        case .v6(let v6):
            var storage = v6.address.sin6_addr
            let (high, low) = withUnsafeBytes(of: &storage) { raw -> (UInt64, UInt64) in
                var high: UInt64 = 0
                var low: UInt64 = 0
                for index in 0..<8 { high = high << 8 | UInt64(raw[index]) }
                for index in 8..<16 { low = low << 8 | UInt64(raw[index]) }
                return (high, low)
            }
            self.init(ip: .v6(high: high, low: low), port: UInt16(bigEndian: v6.address.sin6_port))
        case .unixDomainSocket:
            return nil
        }
    }

    /// The address for a socket call.
    var socketAddress: SocketAddress {
        switch self.ip {
        case .v4(let raw):
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = self.port.bigEndian
            address.sin_addr.s_addr = raw.bigEndian
            return SocketAddress(address, host: "")
        case .v6(let high, let low):
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = self.port.bigEndian
            withUnsafeMutableBytes(of: &address.sin6_addr) { raw in
                for index in 0..<8 { raw[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index)) }
                for index in 0..<8 { raw[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index)) }
            }
            return SocketAddress(address, host: "")
        }
    }

    /// True for 0.0.0.0 and ::, where a socket receives on every local address.
    var isUnspecified: Bool {
        switch self.ip {
        case .v4(let raw): return raw == 0
        case .v6(let high, let low): return high == 0 && low == 0
        }
    }

    /// This address with another port.
    func with(port: UInt16) -> NetworkAddress {
        NetworkAddress(ip: self.ip, port: port)
    }
}

/// The two bits of the IP header's ECN field (RFC 3168) in the engine's numbering: 0 not-ECT, 1 ECT(1),
/// 2 ECT(0), 3 CE.
enum ECNCodepoint {
    static func value(_ state: NIOExplicitCongestionNotificationState) -> UInt8 {
        switch state {
        case .transportNotCapable: return 0
        case .transportCapableFlag1: return 1
        case .transportCapableFlag0: return 2
        case .congestionExperienced: return 3
        }
    }

    static func state(_ value: UInt8) -> NIOExplicitCongestionNotificationState {
        switch value & 0b11 {
        case 1: return .transportCapableFlag1
        case 2: return .transportCapableFlag0
        case 3: return .congestionExperienced
        default: return .transportNotCapable
        }
    }
}
