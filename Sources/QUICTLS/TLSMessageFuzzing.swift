/// An entry point for libFuzzer: every decoder in this module over arbitrary bytes.
public enum TLSMessageFuzzing {
    /// Runs every decoder over `bytes` and re-encodes what decodes, checking that the re-encoding decodes
    /// to the same value. Returns the number of successful decodes (so the work is not optimised away).
    ///
    /// It never traps on its own account; a trap here is a bug in a decoder.
    @discardableResult
    public static func decodeAll(_ bytes: [UInt8]) -> Int {
        var decoded = 0
        let body = bytes[...]

        // As one framed message, with and without a known hash length.
        for finishedLength in [nil, 32, 48] as [Int?] {
            if let message = try? HandshakeMessage(decoding: bytes, finishedLength: finishedLength) {
                decoded += 1
                precondition(
                    (try? HandshakeMessage(decoding: message.encoded(), finishedLength: finishedLength)) == message,
                    "re-encoded handshake message does not decode to itself")
            }
        }

        // As the body of each message type.
        if let message = try? ClientHello(body: body) { decoded += 1 + message.extensions.count }
        if let message = try? ServerHello(body: body) { decoded += 1 + message.extensions.count }
        if let message = try? HelloRetryRequest(body: body) { decoded += 1 + message.extensions.count }
        if let message = try? EncryptedExtensions(body: body) { decoded += 1 + message.extensions.count }
        if let message = try? CertificateMessage(body: body) { decoded += 1 + message.entries.count }
        if let message = try? CertificateRequest(body: body) { decoded += 1 + message.extensions.count }
        if let message = try? CertificateVerify(body: body) { decoded += 1 + message.signature.count }
        if let message = try? Finished(body: body, hashLength: nil) { decoded += message.verifyData.count }
        if let message = try? NewSessionTicket(body: body) { decoded += 1 + message.extensions.count }

        // As an extension payload of each known type in each message, the type taken from the first byte.
        if let first = bytes.first {
            let types: [ExtensionType] = [
                .serverName, .supportedGroups, .signatureAlgorithms, .signatureAlgorithmsCert,
                .applicationLayerProtocolNegotiation, .supportedVersions, .keyShare, .pskKeyExchangeModes,
                .preSharedKey, .earlyData, .cookie, .quicTransportParameters, .certificateAuthorities,
            ]
            let type = types[Int(first) % types.count]
            let payload = bytes.dropFirst()
            for context in ExtensionContext.allCases {
                if (try? TLSExtension.decode(type: type, payload: payload, context: context)) != nil {
                    decoded += 1
                }
            }
        }

        // As a CRYPTO stream, fed in pieces whose sizes come from the bytes themselves.
        var reassembler = HandshakeReassembler(maxMessageLength: 4096)
        var offset = 0
        while offset < bytes.count {
            let piece = 1 + Int(bytes[offset] % 17)
            let end = min(bytes.count, offset + piece)
            do {
                try reassembler.append(bytes[offset..<end], at: .handshake)
                while let message = try reassembler.nextMessage(at: .handshake) {
                    decoded += 1
                    _ = try? HandshakeMessage(decoding: message)
                }
            } catch {
                break
            }
            offset = end
        }
        return decoded
    }
}
