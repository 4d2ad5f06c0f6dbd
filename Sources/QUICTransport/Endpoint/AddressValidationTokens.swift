import Crypto
import QUICWire

/// Address-validation tokens for Retry and NEW_TOKEN (RFC 9000 §8.1.2-§8.1.4), sealed with a key only
/// the server knows, so that it can check a token without keeping state.
///
/// A token is `kind (1) || AES-256-GCM(nonce 12 || ciphertext || tag 16)` over: issue time (8 bytes,
/// nanoseconds), the client's address (IPv4 or IPv6 bytes; the port only for Retry tokens, since a
/// client that comes back later may use another port), and for Retry the original destination
/// connection ID and the Retry's source connection ID, which the server must echo in its transport
/// parameters (RFC 9000 §7.3).
public struct AddressValidationTokens: Sendable {
    public enum Kind: UInt8, Sendable {
        case retry = 0x52
        case newToken = 0x4e
    }

    /// What a valid Retry token carries.
    public struct RetryContents: Sendable, Hashable {
        public var originalDestinationConnectionID: ConnectionID
        public var retrySourceConnectionID: ConnectionID
    }

    /// Why a token was refused. RFC 9000 §8.1.3: a server that receives an invalid token "MAY" close
    /// with INVALID_TOKEN for a Retry token; other tokens are ignored and the server may send Retry.
    public enum Failure: Error, Sendable, Hashable {
        case malformed
        case forged
        case expired
        case wrongAddress
        case wrongKind
    }

    private let key: SymmetricKey
    /// How long a Retry token stays valid (it is used immediately, so a few seconds).
    public var retryLifetime: UInt64 = 10_000_000_000
    /// How long a NEW_TOKEN token stays valid.
    public var newTokenLifetime: UInt64 = 24 * 3_600 * 1_000_000_000

    /// - Parameter key: 32 bytes of secret key material, stable across server restarts if tokens should
    ///   survive them.
    public init(key: some Collection<UInt8>) {
        self.key = SymmetricKey(data: Array(key))
    }

    /// A token for a Retry packet.
    public func makeRetryToken(client: NetworkAddress, originalDestination: ConnectionID,
                               retrySource: ConnectionID, now: UInt64) -> [UInt8] {
        var plain = ByteWriter(capacity: 80)
        plain.writeUInt64(now)
        plain.writeVarIntPrefixedBytes(client.bytes)
        plain.writeUInt8(UInt8(originalDestination.length))
        originalDestination.write(to: &plain)
        plain.writeUInt8(UInt8(retrySource.length))
        retrySource.write(to: &plain)
        return self.seal(plain.bytes, kind: .retry)
    }

    /// A token for a NEW_TOKEN frame.
    public func makeNewToken(client: NetworkAddress, now: UInt64) -> [UInt8] {
        var plain = ByteWriter(capacity: 32)
        plain.writeUInt64(now)
        plain.writeVarIntPrefixedBytes(client.bytes.dropLast(2))
        return self.seal(plain.bytes, kind: .newToken)
    }

    private func seal(_ plain: [UInt8], kind: Kind) -> [UInt8] {
        // The kind byte is authenticated as associated data, so a NEW_TOKEN token cannot pass as Retry's.
        let header = [kind.rawValue]
        guard let box = try? AES.GCM.seal(plain, using: self.key, authenticating: header),
              let combined = box.combined else {
            preconditionFailure("AES-GCM sealing with a valid key cannot fail")
        }
        return header + Array(combined)
    }

    /// Checks a token from a client Initial; returns its kind and, for Retry tokens, what it carries.
    public func validate(_ token: ArraySlice<UInt8>, client: NetworkAddress,
                         now: UInt64) throws(Failure) -> (kind: Kind, retry: RetryContents?) {
        guard token.count > 1 + 12 + 16, let kind = Kind(rawValue: token[token.startIndex]) else {
            throw .malformed
        }
        let sealed = token.dropFirst()
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
              let opened = try? AES.GCM.open(box, using: self.key, authenticating: [kind.rawValue]) else {
            throw .forged
        }
        var reader = ByteReader(Array(opened))
        do {
            let issued = try reader.readUInt64()
            let lifetime = kind == .retry ? self.retryLifetime : self.newTokenLifetime
            guard now >= issued, now - issued <= lifetime else { throw Failure.expired }
            let address = try reader.readVarIntPrefixedBytes()
            let expected = kind == .retry ? client.bytes[...] : client.bytes.dropLast(2)
            guard address.elementsEqual(expected) else { throw Failure.wrongAddress }
            guard kind == .retry else { return (kind, nil) }
            let original = try ConnectionID(try reader.readBytes(Int(try reader.readUInt8())))
            let retrySource = try ConnectionID(try reader.readBytes(Int(try reader.readUInt8())))
            return (kind, RetryContents(originalDestinationConnectionID: original, retrySourceConnectionID: retrySource))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .malformed
        }
    }
}

/// Stateless reset tokens derived from a static key (RFC 9000 §10.3.2): "An endpoint could use
/// HMAC [...] with a static key and the connection ID as input", so that a server that lost all state
/// can still produce the token for a connection ID it issued.
public struct StatelessResetKey: Sendable {
    private let key: SymmetricKey

    public init(key: some Collection<UInt8>) {
        self.key = SymmetricKey(data: Array(key))
    }

    public func token(for connectionID: ConnectionID) -> StatelessResetToken {
        let mac = HMAC<SHA256>.authenticationCode(for: connectionID.bytes, using: self.key)
        let bytes = Array(mac).prefix(StatelessResetToken.length)
        guard let token = try? StatelessResetToken(bytes) else {
            preconditionFailure("an HMAC-SHA256 has at least 16 bytes")
        }
        return token
    }
}
