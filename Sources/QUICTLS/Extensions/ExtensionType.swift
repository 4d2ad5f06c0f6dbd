/// The type of a TLS extension (RFC 8446 §4.2).
public struct ExtensionType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    public static let serverName = ExtensionType(rawValue: 0)
    public static let maxFragmentLength = ExtensionType(rawValue: 1)
    public static let statusRequest = ExtensionType(rawValue: 5)
    public static let supportedGroups = ExtensionType(rawValue: 10)
    public static let signatureAlgorithms = ExtensionType(rawValue: 13)
    public static let useSRTP = ExtensionType(rawValue: 14)
    public static let heartbeat = ExtensionType(rawValue: 15)
    public static let applicationLayerProtocolNegotiation = ExtensionType(rawValue: 16)
    public static let signedCertificateTimestamp = ExtensionType(rawValue: 18)
    public static let clientCertificateType = ExtensionType(rawValue: 19)
    public static let serverCertificateType = ExtensionType(rawValue: 20)
    public static let padding = ExtensionType(rawValue: 21)
    /// RFC 8449.
    public static let recordSizeLimit = ExtensionType(rawValue: 28)
    public static let preSharedKey = ExtensionType(rawValue: 41)
    public static let earlyData = ExtensionType(rawValue: 42)
    public static let supportedVersions = ExtensionType(rawValue: 43)
    public static let cookie = ExtensionType(rawValue: 44)
    public static let pskKeyExchangeModes = ExtensionType(rawValue: 45)
    public static let certificateAuthorities = ExtensionType(rawValue: 47)
    public static let oidFilters = ExtensionType(rawValue: 48)
    public static let postHandshakeAuth = ExtensionType(rawValue: 49)
    public static let signatureAlgorithmsCert = ExtensionType(rawValue: 50)
    public static let keyShare = ExtensionType(rawValue: 51)
    /// RFC 9001 §8.2.
    public static let quicTransportParameters = ExtensionType(rawValue: 0x39)

    /// The messages this extension may appear in, from the table in RFC 8446 §4.2 (plus RFC 8449 and
    /// RFC 9001 §8.2), or nil when this library does not know the extension.
    public var permittedMessages: Set<ExtensionContext>? {
        switch self.rawValue {
        case 0, 1, 10, 14, 15, 16, 19, 20, 28, 0x39: return [.clientHello, .encryptedExtensions]
        case 5, 18: return [.clientHello, .certificateRequest, .certificate]
        case 13, 47, 50: return [.clientHello, .certificateRequest]
        case 21, 45, 49: return [.clientHello]
        case 41: return [.clientHello, .serverHello]
        case 42: return [.clientHello, .encryptedExtensions, .newSessionTicket]
        case 43, 51: return [.clientHello, .serverHello, .helloRetryRequest]
        case 44: return [.clientHello, .helloRetryRequest]
        case 48: return [.certificateRequest]
        default: return nil
        }
    }

    public var description: String {
        switch self.rawValue {
        case 0: return "server_name"
        case 1: return "max_fragment_length"
        case 5: return "status_request"
        case 10: return "supported_groups"
        case 13: return "signature_algorithms"
        case 14: return "use_srtp"
        case 15: return "heartbeat"
        case 16: return "application_layer_protocol_negotiation"
        case 18: return "signed_certificate_timestamp"
        case 19: return "client_certificate_type"
        case 20: return "server_certificate_type"
        case 21: return "padding"
        case 28: return "record_size_limit"
        case 41: return "pre_shared_key"
        case 42: return "early_data"
        case 43: return "supported_versions"
        case 44: return "cookie"
        case 45: return "psk_key_exchange_modes"
        case 47: return "certificate_authorities"
        case 48: return "oid_filters"
        case 49: return "post_handshake_auth"
        case 50: return "signature_algorithms_cert"
        case 51: return "key_share"
        case 0x39: return "quic_transport_parameters"
        default: return "extension \(self.rawValue)"
        }
    }
}

/// The message an extension block belongs to; the payload layout and the rules differ between them.
public enum ExtensionContext: Hashable, Sendable, CaseIterable {
    case clientHello
    case serverHello
    case helloRetryRequest
    case encryptedExtensions
    /// A CertificateEntry's extensions.
    case certificate
    case certificateRequest
    case newSessionTicket

    /// Whether the peer must ignore extension types it does not know in this message.
    ///
    /// RFC 8446 §4.1.2 (ClientHello), §4.3.2 (CertificateRequest) and §4.6.1 (NewSessionTicket) say to
    /// ignore unrecognized extensions. The other messages carry responses, and RFC 8446 §4.2 says an
    /// endpoint that receives a response to an extension it did not send MUST abort with
    /// unsupported_extension; an unknown type can never be a response to what this library sends.
    public var ignoresUnknownExtensions: Bool {
        switch self {
        case .clientHello, .certificateRequest, .newSessionTicket: return true
        case .serverHello, .helloRetryRequest, .encryptedExtensions, .certificate: return false
        }
    }
}
