import QUICTransport

/// Where a benchmark may send: this machine only. Traffic generators (the flood above all) must never reach
/// another host, so a target is accepted when it is a loopback address (127.0.0.0/8, ::1) or one of the
/// addresses of this machine's own interfaces, which the caller lists.
public enum BenchTarget {
    /// Why a target was refused.
    public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        case notLocal(String)

        public var description: String {
            switch self {
            case .notLocal(let address):
                return "\(address) is neither a loopback address (127.0.0.0/8, ::1) nor an address of this "
                    + "machine: the benchmarks only send to this machine"
            }
        }
    }

    /// Whether `address` is in 127.0.0.0/8 or is ::1 (or ::ffff:127.x.y.z).
    public static func isLoopback(_ address: NetworkAddress) -> Bool {
        switch address.ip {
        case .v4(let value):
            return value >> 24 == 127
        case .v6(let high, let low):
            if high == 0, low == 1 { return true }
            return high == 0 && low >> 32 == 0xffff && (low >> 24) & 0xff == 127
        }
    }

    /// Accepts a loopback address or one of `ownAddresses` (ports ignored).
    public static func check(_ address: NetworkAddress, ownAddresses: [NetworkAddress]) throws(Refusal) {
        if Self.isLoopback(address) { return }
        if ownAddresses.contains(where: { $0.ip == address.ip }) { return }
        throw .notLocal("\(address)")
    }
}
