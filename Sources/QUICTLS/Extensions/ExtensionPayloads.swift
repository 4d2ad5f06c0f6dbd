/// One entry of a ClientHello's server_name list (RFC 6066 §3).
public struct ServerName: Hashable, Sendable {
    /// RFC 6066 §3: the only defined name type, host_name (0).
    public static let hostNameType: UInt8 = 0

    public var nameType: UInt8
    public var name: [UInt8]

    public init(nameType: UInt8 = ServerName.hostNameType, name: [UInt8]) {
        self.nameType = nameType
        self.name = name
    }

    /// A host_name entry for `hostName` (ASCII; RFC 6066 §3 forbids a trailing dot and IP literals).
    public init(hostName: String) {
        self.init(nameType: ServerName.hostNameType, name: Array(hostName.utf8))
    }

    /// The host name, when this is a host_name entry.
    public var hostName: String? {
        guard self.nameType == ServerName.hostNameType else { return nil }
        return String(decoding: self.name, as: UTF8.self)
    }
}

/// A key share: a group and the sender's public value for it (RFC 8446 §4.2.8).
public struct KeyShareEntry: Hashable, Sendable {
    public var group: NamedGroup
    /// key_exchange<1..2^16-1>.
    public var keyExchange: [UInt8]

    public init(group: NamedGroup, keyExchange: [UInt8]) {
        self.group = group
        self.keyExchange = keyExchange
    }
}

/// One offered PSK identity (RFC 8446 §4.2.11).
public struct PSKIdentity: Hashable, Sendable {
    /// identity<1..2^16-1>: a ticket, or an external PSK label.
    public var identity: [UInt8]
    /// The ticket age in milliseconds plus ticket_age_add, modulo 2^32.
    public var obfuscatedTicketAge: UInt32

    public init(identity: [UInt8], obfuscatedTicketAge: UInt32) {
        self.identity = identity
        self.obfuscatedTicketAge = obfuscatedTicketAge
    }
}

/// The ClientHello's pre_shared_key payload (RFC 8446 §4.2.11): identities and one binder per identity.
public struct OfferedPSKs: Hashable, Sendable {
    /// identities<7..2^16-1>.
    public var identities: [PSKIdentity]
    /// binders<33..2^16-1>, each PskBinderEntry<32..255>.
    public var binders: [[UInt8]]

    public init(identities: [PSKIdentity], binders: [[UInt8]]) {
        self.identities = identities
        self.binders = binders
    }

    /// The encoded length of the binders list, its 2-byte length prefix included.
    ///
    /// RFC 8446 §4.2.11.2: a binder is computed over the ClientHello truncated just before this list,
    /// so the truncated message is the encoded ClientHello minus this many bytes at its end (the
    /// pre_shared_key extension is last, and the binders are last in it).
    public var bindersEncodedLength: Int {
        var total = 2
        for binder in self.binders {
            total += 1 + binder.count
        }
        return total
    }
}
