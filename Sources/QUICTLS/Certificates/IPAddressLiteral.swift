#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsing IPv4 / IPv6 literals to their network-order bytes, as a subjectAltName iPAddress carries them
/// (RFC 5280 §4.2.1.6: "the octet string MUST contain exactly four octets" for IPv4, sixteen for IPv6).
enum IPAddressLiteral {
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if v4.withUnsafeMutableBytes({ inet_pton(AF_INET, text, $0.baseAddress) }) == 1 {
            return v4
        }
        var v6 = [UInt8](repeating: 0, count: 16)
        if v6.withUnsafeMutableBytes({ inet_pton(AF_INET6, text, $0.baseAddress) }) == 1 {
            return v6
        }
        return nil
    }

    /// `name` without the brackets a URL puts around an IPv6 literal ("[::1]" → "::1"); other names unchanged.
    static func unbracketed(_ name: String) -> String {
        guard name.hasPrefix("["), name.hasSuffix("]"), name.count > 2 else { return name }
        return String(name.dropFirst().dropLast())
    }
}
