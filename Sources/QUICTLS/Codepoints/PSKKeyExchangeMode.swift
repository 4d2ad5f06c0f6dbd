/// A PSK key exchange mode (RFC 8446 §4.2.9).
public struct PSKKeyExchangeMode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8

    @inlinable
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// PSK-only key establishment.
    public static let psk = PSKKeyExchangeMode(rawValue: 0)
    /// PSK with (EC)DHE key establishment.
    public static let pskDHE = PSKKeyExchangeMode(rawValue: 1)
}
