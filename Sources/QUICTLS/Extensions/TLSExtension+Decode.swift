import QUICWire

extension TLSExtension {
    /// Decodes the payload of an extension of `type` found in a message of kind `context`.
    ///
    /// The caller (``TLSExtensionBlock``) has already checked that the type is allowed there. Every
    /// length must match exactly: bytes left over in the payload are a decode_error.
    public static func decode(
        type: ExtensionType, payload: ArraySlice<UInt8>, context: ExtensionContext
    ) throws(TLSAlert) -> TLSExtension {
        var reader = TLSReader(payload)
        let decoded: TLSExtension
        switch type {
        case .serverName:
            decoded = try self.decodeServerName(&reader, context: context)
        case .supportedGroups:
            decoded = .supportedGroups(try self.readUInt16List(&reader, min: 2, max: 0xffff, "named_group_list")
                .map(NamedGroup.init(rawValue:)))
        case .signatureAlgorithms:
            decoded = .signatureAlgorithms(try self.readSchemes(&reader))
        case .signatureAlgorithmsCert:
            decoded = .signatureAlgorithmsCert(try self.readSchemes(&reader))
        case .applicationLayerProtocolNegotiation:
            decoded = try self.decodeALPN(&reader, context: context)
        case .supportedVersions:
            if context == .clientHello {
                let versions = try self.readUInt16List(&reader, lengthBytes: 1, min: 2, max: 254, "versions")
                decoded = .supportedVersions(versions.map(TLSVersion.init(rawValue:)))
            } else {
                decoded = .selectedVersion(TLSVersion(rawValue: try reader.readUInt16("selected_version")))
            }
        case .keyShare:
            decoded = try self.decodeKeyShare(&reader, context: context)
        case .pskKeyExchangeModes:
            let modes = try reader.readVector(lengthBytes: 1, min: 1, max: 255, "ke_modes")
            decoded = .pskKeyExchangeModes(modes.map(PSKKeyExchangeMode.init(rawValue:)))
        case .preSharedKey:
            if context == .clientHello {
                decoded = .preSharedKey(try self.decodeOfferedPSKs(&reader))
            } else {
                decoded = .selectedPreSharedKey(try reader.readUInt16("selected_identity"))
            }
        case .earlyData:
            if context == .newSessionTicket {
                decoded = .maxEarlyDataSize(try reader.readUInt32("max_early_data_size"))
            } else {
                decoded = .earlyData
            }
        case .cookie:
            decoded = .cookie(Array(try reader.readVector(lengthBytes: 2, min: 1, max: 0xffff, "cookie")))
        case .quicTransportParameters:
            decoded = .quicTransportParameters(Array(payload))
            return decoded
        case .certificateAuthorities:
            var list = try reader.readSubReader(lengthBytes: 2, min: 3, max: 0xffff, "authorities")
            var names: [[UInt8]] = []
            while !list.isAtEnd {
                names.append(Array(try list.readVector(lengthBytes: 2, min: 1, max: 0xffff, "DistinguishedName")))
            }
            decoded = .certificateAuthorities(names)
        default:
            return .other(type: type, data: Array(payload))
        }
        try reader.expectEnd("extension payload")
        return decoded
    }

    private static func readUInt16List(
        _ reader: inout TLSReader, lengthBytes: Int = 2, min: Int, max: Int, _ field: StaticString
    ) throws(TLSAlert) -> [UInt16] {
        var list = try reader.readSubReader(lengthBytes: lengthBytes, min: min, max: max, field)
        guard list.remaining % 2 == 0 else {
            throw TLSAlert.decodeError("\(field) has an odd length")
        }
        var values: [UInt16] = []
        values.reserveCapacity(list.remaining / 2)
        while !list.isAtEnd {
            values.append(try list.readUInt16(field))
        }
        return values
    }

    private static func readSchemes(_ reader: inout TLSReader) throws(TLSAlert) -> [SignatureScheme] {
        try self.readUInt16List(&reader, min: 2, max: 0xfffe, "supported_signature_algorithms")
            .map(SignatureScheme.init(rawValue:))
    }

    private static func decodeServerName(
        _ reader: inout TLSReader, context: ExtensionContext
    ) throws(TLSAlert) -> TLSExtension {
        guard context == .clientHello else {
            // RFC 6066 §3: the server's response carries an empty extension_data.
            return .serverNameAcknowledged
        }
        var list = try reader.readSubReader(lengthBytes: 2, min: 1, max: 0xffff, "server_name_list")
        var names: [ServerName] = []
        while !list.isAtEnd {
            let nameType = try list.readUInt8("name_type")
            let name = try list.readVector(lengthBytes: 2, min: 1, max: 0xffff, "HostName")
            // RFC 6066 §3: "The ServerNameList MUST NOT contain more than one name of the same name_type."
            guard !names.contains(where: { $0.nameType == nameType }) else {
                throw TLSAlert.illegalParameter("two server names of type \(nameType)")
            }
            names.append(ServerName(nameType: nameType, name: Array(name)))
        }
        return .serverName(names)
    }

    private static func decodeALPN(
        _ reader: inout TLSReader, context: ExtensionContext
    ) throws(TLSAlert) -> TLSExtension {
        var list = try reader.readSubReader(lengthBytes: 2, min: 2, max: 0xffff, "protocol_name_list")
        var names: [[UInt8]] = []
        while !list.isAtEnd {
            names.append(Array(try list.readVector(lengthBytes: 1, min: 1, max: 255, "ProtocolName")))
        }
        // RFC 7301 §3.1: in the server's response, "the ProtocolNameList MUST contain exactly one
        // ProtocolName".
        if context != .clientHello, names.count != 1 {
            throw TLSAlert.illegalParameter("server selected \(names.count) application protocols")
        }
        return .applicationLayerProtocolNegotiation(names)
    }

    private static func decodeKeyShare(
        _ reader: inout TLSReader, context: ExtensionContext
    ) throws(TLSAlert) -> TLSExtension {
        switch context {
        case .helloRetryRequest:
            return .selectedGroup(NamedGroup(rawValue: try reader.readUInt16("selected_group")))
        case .clientHello:
            var list = try reader.readSubReader(lengthBytes: 2, min: 0, max: 0xffff, "client_shares")
            var entries: [KeyShareEntry] = []
            while !list.isAtEnd {
                let entry = try self.readKeyShareEntry(&list)
                // RFC 8446 §4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same
                // group ... Servers MAY check for violations of these rules and abort the handshake with
                // an illegal_parameter alert if one is violated."
                guard !entries.contains(where: { $0.group == entry.group }) else {
                    throw TLSAlert.illegalParameter("two key shares for \(entry.group)")
                }
                entries.append(entry)
            }
            return .keyShares(entries)
        default:
            return .serverKeyShare(try self.readKeyShareEntry(&reader))
        }
    }

    private static func readKeyShareEntry(_ reader: inout TLSReader) throws(TLSAlert) -> KeyShareEntry {
        let group = NamedGroup(rawValue: try reader.readUInt16("group"))
        let keyExchange = try reader.readVector(lengthBytes: 2, min: 1, max: 0xffff, "key_exchange")
        return KeyShareEntry(group: group, keyExchange: Array(keyExchange))
    }

    private static func decodeOfferedPSKs(_ reader: inout TLSReader) throws(TLSAlert) -> OfferedPSKs {
        var identityList = try reader.readSubReader(lengthBytes: 2, min: 7, max: 0xffff, "identities")
        var identities: [PSKIdentity] = []
        while !identityList.isAtEnd {
            let identity = try identityList.readVector(lengthBytes: 2, min: 1, max: 0xffff, "identity")
            let age = try identityList.readUInt32("obfuscated_ticket_age")
            identities.append(PSKIdentity(identity: Array(identity), obfuscatedTicketAge: age))
        }
        var binderList = try reader.readSubReader(lengthBytes: 2, min: 33, max: 0xffff, "binders")
        var binders: [[UInt8]] = []
        while !binderList.isAtEnd {
            binders.append(Array(try binderList.readVector(lengthBytes: 1, min: 32, max: 255, "PskBinderEntry")))
        }
        // RFC 8446 §4.2.11: binders holds "a series of HMAC values, one for each value in the identities
        // list and in the same order".
        guard binders.count == identities.count else {
            throw TLSAlert.illegalParameter("\(identities.count) PSK identities but \(binders.count) binders")
        }
        return OfferedPSKs(identities: identities, binders: binders)
    }
}
