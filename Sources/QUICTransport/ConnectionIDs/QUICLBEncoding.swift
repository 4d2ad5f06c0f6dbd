import QUICCrypto
import QUICWire

/// Encoding a server ID and nonce into a QUIC-LB connection ID and reading them back
/// (draft-ietf-quic-load-balancers-21 §5.4 server actions, §5.5 load balancer actions).
///
/// Every function works in a stack-allocated workspace and builds its results inline: decoding allocates
/// nothing, so a router can call ``serverID(of:)`` or ``serverID(ofDatagram:)`` for every datagram.
extension QUICLBConfiguration {
    /// The workspace of one call: the first octet, the plaintext block (at most 19 octets), four-pass scratch.
    private static let blockOffset = 1
    private static let scratchOffset = 1 + QUICLBConfiguration.maximumPlaintextLength
    private static let workspaceLength = QUICLBConfiguration.scratchOffset + QUICLBFourPass.scratchLength

    // MARK: - Server actions

    /// The connection ID for `serverID` and `nonce`; when the length is not self-encoded, the first octet's low
    /// five bits come from `random` (§3.3: "no observable relationship to previous connection IDs").
    ///
    /// - Throws: ``QUICLBError/lengthMismatch(field:expected:actual:)`` when a field has the wrong length.
    public func encode(serverID: QUICLBServerID, nonce: QUICLBNonce,
                       using random: inout some RandomNumberGenerator) throws(QUICLBError) -> ConnectionID {
        let bits = self.encodesLength ? 0 : UInt8.random(in: 0...0x1f, using: &random)
        return try self.encode(serverID: serverID, nonce: nonce, firstOctetRandomBits: bits)
    }

    /// The connection ID for `serverID` and `nonce` with the given low five bits of the first octet (ignored
    /// when the length is self-encoded): the deterministic form, for test vectors.
    public func encode(serverID: QUICLBServerID, nonce: QUICLBNonce,
                       firstOctetRandomBits: UInt8) throws(QUICLBError) -> ConnectionID {
        guard serverID.length == self.serverIDLength else {
            throw .lengthMismatch(field: .serverID, expected: self.serverIDLength, actual: serverID.length)
        }
        guard nonce.length == self.nonceLength else {
            throw .lengthMismatch(field: .nonce, expected: self.nonceLength, actual: nonce.length)
        }
        let serverIDLength = self.serverIDLength
        return try self.seal(firstOctet: self.firstOctet(randomBits: firstOctetRandomBits)) { block in
            for index in 0..<serverIDLength {
                block[index] = serverID[index]
            }
            for index in 0..<nonce.length {
                block[serverIDLength + index] = nonce[index]
            }
        }.get()
    }

    /// A connection ID no load balancer can route (§3.2): "Servers with no active configuration MUST issue
    /// connection IDs with the reserved value of the three most significant bits set to 0b111 [...]. These
    /// connection IDs MUST self-encode their length", and "all bytes but the first SHOULD have no larger of a
    /// chance of collision as random bytes. The connection ID SHOULD be of at least length 8".
    ///
    /// - Throws: ``QUICLBError/invalidConnectionIDLength(_:)`` unless `length` is 1 through 20.
    public static func unroutableConnectionID(length: Int,
                                              using random: inout some RandomNumberGenerator) throws(QUICLBError)
        -> ConnectionID {
        guard length >= 1, length <= ConnectionID.maxLength else { throw .invalidConnectionIDLength(length) }
        var bytes: [UInt8] = [Self.unroutableConfigRotation << 5 | UInt8(length - 1)]
        bytes.reserveCapacity(length)
        for _ in 1..<length {
            bytes.append(UInt8.random(in: 0...255, using: &random))
        }
        do {
            return try ConnectionID(bytes)
        } catch {
            throw .invalidConnectionIDLength(length)
        }
    }

    /// Writes the plaintext block with `fill`, applies the configuration's encoding and prefixes `firstOctet`.
    func seal(firstOctet: UInt8,
              fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) -> Result<ConnectionID, QUICLBError> {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.workspaceLength) { workspace in
            workspace[0] = firstOctet
            let block = UnsafeMutableBufferPointer(
                rebasing: workspace[Self.blockOffset..<(Self.blockOffset + self.plaintextLength)])
            let scratch = UnsafeMutableBufferPointer(rebasing: workspace[Self.scratchOffset...])
            fill(block)
            guard self.transform(block, scratch: scratch, decrypting: false, serverIDOnly: false) else {
                return .failure(.cipherFailure)
            }
            let encoded = UnsafeBufferPointer(rebasing: workspace[0..<self.connectionIDLength])
            guard let connectionID = try? ConnectionID(encoded) else {
                return .failure(.invalidConnectionIDLength(self.connectionIDLength))
            }
            return .success(connectionID)
        }
    }

    // MARK: - Load balancer actions

    /// The server ID and nonce `connectionID` carries.
    ///
    /// - Throws: ``QUICLBError`` when the connection ID is unroutable with this configuration (§4.1): the wrong
    ///   length, another config rotation codepoint, 0b111, or a self-encoded length that does not match.
    public func decode(_ connectionID: ConnectionID) throws(QUICLBError) -> QUICLBDecodedConnectionID {
        let serverIDLength = self.serverIDLength
        let nonceLength = self.nonceLength
        return try self.open(connectionID, serverIDOnly: false) { block in
            guard let serverID = try? ConnectionID(UnsafeBufferPointer(rebasing: block[0..<serverIDLength])),
                  let nonce = try? ConnectionID(
                      UnsafeBufferPointer(rebasing: block[serverIDLength..<(serverIDLength + nonceLength)]))
            else { return nil }
            return QUICLBDecodedConnectionID(serverID: QUICLBServerID(checked: serverID),
                                             nonce: QUICLBNonce(checked: nonce))
        }.get()
    }

    /// The server ID in `connectionID`, or nil when this configuration cannot route it (§4.1).
    ///
    /// The router's call: it allocates nothing, and under four-pass encryption it stops after three AES passes
    /// when the nonce is at least as long as the server ID (§5.5.2).
    public func serverID(of connectionID: ConnectionID) -> QUICLBServerID? {
        let serverIDLength = self.serverIDLength
        let result = self.open(connectionID, serverIDOnly: true) { block in
            (try? ConnectionID(UnsafeBufferPointer(rebasing: block[0..<serverIDLength])))
                .map { QUICLBServerID(checked: $0) }
        }
        return try? result.get()
    }

    /// The server ID in the Destination Connection ID of the first packet of `datagram`, or nil when there is
    /// none this configuration routes (a client's first Initial names a connection ID of its own choice).
    ///
    /// The Destination Connection ID is found by the version-independent rules of RFC 8999 §5: a long header
    /// (high bit set) gives its length in the sixth octet and the ID follows; a short header carries an ID of
    /// the length the server chose, here ``connectionIDLength``, right after the first octet.
    public func serverID(ofDatagram datagram: UnsafeRawBufferPointer) -> QUICLBServerID? {
        guard !datagram.isEmpty else { return nil }
        let idStart: Int
        if datagram[0] & 0x80 != 0 {
            // RFC 8999 §5.1: Header Form (1), Version-Specific Bits (7), Version (32), DCID Length (8), DCID.
            guard datagram.count >= 6, Int(datagram[5]) == self.connectionIDLength else { return nil }
            idStart = 6
        } else {
            idStart = 1
        }
        guard datagram.count >= idStart + self.connectionIDLength else { return nil }
        let bytes = UnsafeRawBufferPointer(rebasing: datagram[idStart..<(idStart + self.connectionIDLength)])
        guard let connectionID = try? ConnectionID(bytes) else { return nil }
        return self.serverID(of: connectionID)
    }

    /// The server ID in the Destination Connection ID of `datagram`'s first packet, as the
    /// `UnsafeRawBufferPointer` form reads it, for any collection of octets (an array, a slice); a collection
    /// without contiguous storage is copied first.
    @inlinable
    public func serverID(ofDatagram datagram: some Collection<UInt8>) -> QUICLBServerID? {
        let contiguous = datagram.withContiguousStorageIfAvailable { octets in
            self.serverID(ofDatagram: UnsafeRawBufferPointer(octets))
        }
        if let contiguous { return contiguous }
        return Array(datagram).withUnsafeBytes { self.serverID(ofDatagram: $0) }
    }

    /// Why `connectionID` is unroutable with this configuration, or nil when it can be decoded (§4.1).
    public func unroutableReason(_ connectionID: ConnectionID) -> QUICLBError? {
        guard connectionID.length >= 1 else {
            return .connectionIDLength(expected: self.connectionIDLength, actual: connectionID.length)
        }
        let first = connectionID[0]
        let rotation = first >> 5
        guard rotation != Self.unroutableConfigRotation else { return .unroutable }
        guard rotation == self.configRotation else {
            return .configRotationMismatch(expected: self.configRotation, actual: rotation)
        }
        guard connectionID.length == self.connectionIDLength else {
            return .connectionIDLength(expected: self.connectionIDLength, actual: connectionID.length)
        }
        // §4.1: a load balancer that knows every server self-encodes the length "MAY perform additional checks".
        if self.encodesLength, Int(first & 0x1f) != self.plaintextLength {
            return .lengthSelfDescription(expected: self.plaintextLength, actual: Int(first & 0x1f))
        }
        return nil
    }

    /// Checks `connectionID`, copies its plaintext block into the workspace, undoes the encoding and hands the
    /// plaintext to `read`.
    private func open<Value>(_ connectionID: ConnectionID, serverIDOnly: Bool,
                             read: (UnsafeMutableBufferPointer<UInt8>) -> Value?) -> Result<Value, QUICLBError> {
        if let reason = self.unroutableReason(connectionID) { return .failure(reason) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.workspaceLength) { workspace in
            let block = UnsafeMutableBufferPointer(
                rebasing: workspace[Self.blockOffset..<(Self.blockOffset + self.plaintextLength)])
            let scratch = UnsafeMutableBufferPointer(rebasing: workspace[Self.scratchOffset...])
            for index in 0..<self.plaintextLength {
                block[index] = connectionID[Self.blockOffset + index]
            }
            guard self.transform(block, scratch: scratch, decrypting: true, serverIDOnly: serverIDOnly) else {
                return .failure(.cipherFailure)
            }
            guard let value = read(block) else { return .failure(.cipherFailure) }
            return .success(value)
        }
    }

    /// Applies (or undoes) the configuration's encoding to the plaintext block in place.
    private func transform(_ block: UnsafeMutableBufferPointer<UInt8>, scratch: UnsafeMutableBufferPointer<UInt8>,
                           decrypting: Bool, serverIDOnly: Bool) -> Bool {
        guard let cipher = self.cipher else { return true }
        switch self.algorithm {
        case .plaintext:
            return true
        case .singlePassEncryption:
            // §5.4.1: "All connection ID octets except the first form an AES-ECB block."
            do {
                if decrypting {
                    try cipher.decrypt(block)
                } else {
                    try cipher.encrypt(block)
                }
                return true
            } catch {
                return false
            }
        case .fourPassEncryption:
            guard let fourPass = QUICLBFourPass(cipher: cipher, plaintextLength: self.plaintextLength) else {
                return false
            }
            if decrypting {
                return fourPass.decrypt(block, scratch: scratch,
                                        serverIDOnly: serverIDOnly ? self.serverIDLength : nil)
            }
            return fourPass.encrypt(block, scratch: scratch)
        }
    }
}
