import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension PacketKeys {
    /// Encrypts a packet payload in place and writes the tag after it (RFC 9001 §5.3).
    ///
    /// The header (the AEAD associated data, from the first byte up to and including the unprotected Packet
    /// Number field) is `buffer[headerRange]`; the plaintext follows it directly. The ciphertext replaces the
    /// plaintext and the 16-byte tag goes right after it, so the buffer must already hold those 16 bytes.
    ///
    /// - Returns: the offset one past the tag, the end of the protected packet.
    public func seal(
        in buffer: inout [UInt8],
        headerRange: Range<Int>,
        payloadLength: Int,
        packetNumber: UInt64,
        pathID: UInt32 = 0
    ) throws(CryptoError) -> Int {
        let tagLength = self.cipherSuite.tagLength
        let payloadStart = headerRange.upperBound
        guard headerRange.lowerBound >= 0, payloadStart <= buffer.count,
            payloadLength >= 0, payloadLength <= buffer.count - payloadStart
        else { throw .invalidRange }
        let payloadEnd = payloadStart + payloadLength
        guard buffer.count - payloadEnd >= tagLength else { throw .bufferTooSmall }

        let result: Result<Void, CryptoError> = try self.withNonce(packetNumber: packetNumber, pathID: pathID) {
            nonce in
            buffer.withUnsafeMutableBytes { raw in
                let aad = UnsafeRawBufferPointer(rebasing: raw[headerRange])
                let plaintext = UnsafeRawBufferPointer(rebasing: raw[payloadStart..<payloadEnd])
                let output = UnsafeMutableRawBufferPointer(rebasing: raw[payloadStart..<(payloadEnd + tagLength)])
                return self.sealRaw(nonce: nonce, aad: aad, plaintext: plaintext, output: output)
            }
        }
        try result.get()
        return payloadEnd + tagLength
    }

    /// Decrypts a packet payload in place (RFC 9001 §5.3).
    ///
    /// `buffer[headerRange]` is the header with header protection already removed; the ciphertext and tag,
    /// `ciphertextLength` bytes in total, follow it. On success the plaintext is written where the ciphertext
    /// began. On failure the buffer content after the header is unspecified.
    ///
    /// - Returns: the plaintext length (`ciphertextLength` minus the tag).
    public func open(
        in buffer: inout [UInt8],
        headerRange: Range<Int>,
        ciphertextLength: Int,
        packetNumber: UInt64,
        pathID: UInt32 = 0
    ) throws(CryptoError) -> Int {
        let tagLength = self.cipherSuite.tagLength
        let payloadStart = headerRange.upperBound
        guard headerRange.lowerBound >= 0, payloadStart <= buffer.count,
            ciphertextLength >= 0, ciphertextLength <= buffer.count - payloadStart
        else { throw .invalidRange }
        guard ciphertextLength >= tagLength else { throw .ciphertextTooShort }
        let plaintextLength = ciphertextLength - tagLength

        let result: Result<Void, CryptoError> = try self.withNonce(packetNumber: packetNumber, pathID: pathID) {
            nonce in
            buffer.withUnsafeMutableBytes { raw in
                let aad = UnsafeRawBufferPointer(rebasing: raw[headerRange])
                let ciphertextEnd = payloadStart + plaintextLength
                let ciphertext = UnsafeRawBufferPointer(rebasing: raw[payloadStart..<ciphertextEnd])
                let tag = UnsafeRawBufferPointer(rebasing: raw[ciphertextEnd..<(ciphertextEnd + tagLength)])
                let output = UnsafeMutableRawBufferPointer(rebasing: raw[payloadStart..<ciphertextEnd])
                return self.openRaw(nonce: nonce, aad: aad, ciphertext: ciphertext, tag: tag, output: output)
            }
        }
        try result.get()
        return plaintextLength
    }

    /// swift-crypto returns the ciphertext and tag as new `Data` values; they are copied into `output`
    /// (ciphertext, then tag). This is the one allocation per packet the backend forces on us.
    func sealRaw(
        nonce: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer,
        plaintext: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) -> Result<Void, CryptoError> {
        let ciphertext: Data
        let tag: Data
        do {
            switch self.cipherSuite {
            case .aes128GCMSHA256, .aes256GCMSHA384:
                let box = try AES.GCM.seal(
                    plaintext, using: self.key, nonce: try AES.GCM.Nonce(data: nonce), authenticating: aad)
                ciphertext = box.ciphertext
                tag = box.tag
            case .chacha20Poly1305SHA256:
                let box = try ChaChaPoly.seal(
                    plaintext, using: self.key, nonce: try ChaChaPoly.Nonce(data: nonce), authenticating: aad)
                ciphertext = box.ciphertext
                tag = box.tag
            }
        } catch {
            return .failure(.backendFailure)
        }
        guard ciphertext.count == plaintext.count, ciphertext.count + tag.count == output.count else {
            return .failure(.backendFailure)
        }
        ciphertext.withUnsafeBytes { source in
            UnsafeMutableRawBufferPointer(rebasing: output[0..<source.count]).copyMemory(from: source)
        }
        tag.withUnsafeBytes { source in
            UnsafeMutableRawBufferPointer(rebasing: output[ciphertext.count...]).copyMemory(from: source)
        }
        return .success(())
    }

    /// With the BoringSSL backend a wrong tag surfaces as `CryptoKitError.underlyingCoreCryptoError` (the
    /// BAD_DECRYPT code), not `.authenticationFailure`. Key, nonce and tag sizes are fixed and valid here, so
    /// any failure of `open` itself is reported as an authentication failure.
    func openRaw(
        nonce: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer,
        ciphertext: UnsafeRawBufferPointer,
        tag: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) -> Result<Void, CryptoError> {
        let plaintext: Data
        do {
            switch self.cipherSuite {
            case .aes128GCMSHA256, .aes256GCMSHA384:
                let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
                do {
                    plaintext = try AES.GCM.open(box, using: self.key, authenticating: aad)
                } catch {
                    return .failure(.authenticationFailure)
                }
            case .chacha20Poly1305SHA256:
                let box = try ChaChaPoly.SealedBox(
                    nonce: ChaChaPoly.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
                do {
                    plaintext = try ChaChaPoly.open(box, using: self.key, authenticating: aad)
                } catch {
                    return .failure(.authenticationFailure)
                }
            }
        } catch {
            return .failure(.backendFailure)
        }
        guard plaintext.count == output.count else { return .failure(.backendFailure) }
        plaintext.withUnsafeBytes { source in
            output.copyMemory(from: source)
        }
        return .success(())
    }
}
