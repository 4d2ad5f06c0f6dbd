import QUICWire

/// A TLS extension with its payload decoded (RFC 8446 §4.2).
///
/// Several extensions have a different layout depending on the message that carries them (a list in
/// ClientHello, a single value in ServerHello), so each layout is its own case. Extensions this library
/// does not model, and unknown ones, are kept as ``other(type:data:)`` so that they re-encode exactly.
public enum TLSExtension: Hashable, Sendable {
    /// server_name in ClientHello: server_name_list<1..2^16-1> (RFC 6066 §3).
    case serverName([ServerName])
    /// server_name in EncryptedExtensions: empty, meaning the server used the name (RFC 6066 §3).
    case serverNameAcknowledged
    /// supported_groups: named_group_list<2..2^16-1> (RFC 8446 §4.2.7).
    case supportedGroups([NamedGroup])
    /// signature_algorithms: supported_signature_algorithms<2..2^16-2> (RFC 8446 §4.2.3).
    case signatureAlgorithms([SignatureScheme])
    /// signature_algorithms_cert, same layout as signature_algorithms (RFC 8446 §4.2.3).
    case signatureAlgorithmsCert([SignatureScheme])
    /// application_layer_protocol_negotiation: protocol_name_list<2..2^16-1> of ProtocolName<1..2^8-1>
    /// (RFC 7301 §3.1). A server's list holds exactly one name.
    case applicationLayerProtocolNegotiation([[UInt8]])
    /// supported_versions in ClientHello: versions<2..254> (RFC 8446 §4.2.1).
    case supportedVersions([TLSVersion])
    /// supported_versions in ServerHello and HelloRetryRequest: selected_version.
    case selectedVersion(TLSVersion)
    /// key_share in ClientHello: client_shares<0..2^16-1> (RFC 8446 §4.2.8).
    case keyShares([KeyShareEntry])
    /// key_share in ServerHello: server_share.
    case serverKeyShare(KeyShareEntry)
    /// key_share in HelloRetryRequest: selected_group.
    case selectedGroup(NamedGroup)
    /// psk_key_exchange_modes: ke_modes<1..255> (RFC 8446 §4.2.9).
    case pskKeyExchangeModes([PSKKeyExchangeMode])
    /// pre_shared_key in ClientHello: identities and binders (RFC 8446 §4.2.11). MUST be last.
    case preSharedKey(OfferedPSKs)
    /// pre_shared_key in ServerHello: selected_identity.
    case selectedPreSharedKey(UInt16)
    /// early_data in ClientHello and EncryptedExtensions: empty (RFC 8446 §4.2.10).
    case earlyData
    /// early_data in NewSessionTicket: max_early_data_size. RFC 9001 §4.6.1: in QUIC it is 0xffffffff.
    case maxEarlyDataSize(UInt32)
    /// cookie: cookie<1..2^16-1> (RFC 8446 §4.2.2).
    case cookie([UInt8])
    /// quic_transport_parameters (RFC 9001 §8.2), kept opaque: QUICWire decodes the parameters.
    case quicTransportParameters([UInt8])
    /// certificate_authorities: authorities<3..2^16-1> of DistinguishedName<1..2^16-1> (RFC 8446 §4.2.4).
    case certificateAuthorities([[UInt8]])
    /// Any other extension, payload unparsed.
    case other(type: ExtensionType, data: [UInt8])

    /// The maximum value of max_early_data_size in QUIC (RFC 9001 §4.6.1).
    public static let quicMaxEarlyDataSize: UInt32 = 0xffff_ffff

    /// The extension's type codepoint.
    public var type: ExtensionType {
        switch self {
        case .serverName, .serverNameAcknowledged: return .serverName
        case .supportedGroups: return .supportedGroups
        case .signatureAlgorithms: return .signatureAlgorithms
        case .signatureAlgorithmsCert: return .signatureAlgorithmsCert
        case .applicationLayerProtocolNegotiation: return .applicationLayerProtocolNegotiation
        case .supportedVersions, .selectedVersion: return .supportedVersions
        case .keyShares, .serverKeyShare, .selectedGroup: return .keyShare
        case .pskKeyExchangeModes: return .pskKeyExchangeModes
        case .preSharedKey, .selectedPreSharedKey: return .preSharedKey
        case .earlyData, .maxEarlyDataSize: return .earlyData
        case .cookie: return .cookie
        case .quicTransportParameters: return .quicTransportParameters
        case .certificateAuthorities: return .certificateAuthorities
        case .other(let type, _): return type
        }
    }

    /// Appends the extension: type, 2-byte length, payload.
    ///
    /// - Precondition: every list fits its length prefix (values decoded from the wire always do).
    public func encode(to writer: inout ByteWriter) {
        writer.writeUInt16(self.type.rawValue)
        writer.writeTLSVector(lengthBytes: 2) { payload in
            self.encodePayload(to: &payload)
        }
    }

    private func encodePayload(to writer: inout ByteWriter) {
        switch self {
        case .serverName(let names):
            writer.writeTLSVector(lengthBytes: 2) { list in
                for name in names {
                    list.writeUInt8(name.nameType)
                    list.writeTLSVector(name.name, lengthBytes: 2)
                }
            }
        case .serverNameAcknowledged, .earlyData:
            break
        case .supportedGroups(let groups):
            writer.writeTLSVector(lengthBytes: 2) { list in
                for group in groups { list.writeUInt16(group.rawValue) }
            }
        case .signatureAlgorithms(let schemes), .signatureAlgorithmsCert(let schemes):
            writer.writeTLSVector(lengthBytes: 2) { list in
                for scheme in schemes { list.writeUInt16(scheme.rawValue) }
            }
        case .applicationLayerProtocolNegotiation(let names):
            writer.writeTLSVector(lengthBytes: 2) { list in
                for name in names { list.writeTLSVector(name, lengthBytes: 1) }
            }
        case .supportedVersions(let versions):
            writer.writeTLSVector(lengthBytes: 1) { list in
                for version in versions { list.writeUInt16(version.rawValue) }
            }
        case .selectedVersion(let version):
            writer.writeUInt16(version.rawValue)
        case .keyShares(let entries):
            writer.writeTLSVector(lengthBytes: 2) { list in
                for entry in entries { Self.encode(entry, to: &list) }
            }
        case .serverKeyShare(let entry):
            Self.encode(entry, to: &writer)
        case .selectedGroup(let group):
            writer.writeUInt16(group.rawValue)
        case .pskKeyExchangeModes(let modes):
            writer.writeTLSVector(lengthBytes: 1) { list in
                for mode in modes { list.writeUInt8(mode.rawValue) }
            }
        case .preSharedKey(let offered):
            writer.writeTLSVector(lengthBytes: 2) { list in
                for identity in offered.identities {
                    list.writeTLSVector(identity.identity, lengthBytes: 2)
                    list.writeUInt32(identity.obfuscatedTicketAge)
                }
            }
            writer.writeTLSVector(lengthBytes: 2) { list in
                for binder in offered.binders { list.writeTLSVector(binder, lengthBytes: 1) }
            }
        case .selectedPreSharedKey(let index):
            writer.writeUInt16(index)
        case .maxEarlyDataSize(let size):
            writer.writeUInt32(size)
        case .cookie(let cookie):
            writer.writeTLSVector(cookie, lengthBytes: 2)
        case .quicTransportParameters(let data), .other(_, let data):
            writer.writeBytes(data)
        case .certificateAuthorities(let names):
            writer.writeTLSVector(lengthBytes: 2) { list in
                for name in names { list.writeTLSVector(name, lengthBytes: 2) }
            }
        }
    }

    private static func encode(_ entry: KeyShareEntry, to writer: inout ByteWriter) {
        writer.writeUInt16(entry.group.rawValue)
        writer.writeTLSVector(entry.keyExchange, lengthBytes: 2)
    }
}
