import QUICCrypto

/// HKDF-Expand-Label and Derive-Secret (RFC 8446 §7.1).
///
/// The HkdfLabel encoding is QUICCrypto's, which packet protection (RFC 9001 §5.1) uses with labels such as
/// "quic key"; this file adds the TLS key schedule's hash dispatch and Derive-Secret.
enum HKDFLabel {
    /// The encoded HkdfLabel structure, the `info` argument of HKDF-Expand, built by the same code that
    /// derives QUIC's packet keys (``QUICHKDF/hkdfLabel(label:context:length:)``).
    ///
    /// - Precondition: the label is at most 249 bytes, the context at most 255 and the length at most 65535
    ///   (all are chosen by this library, never taken from the wire).
    static func encode(label: String, context: some Collection<UInt8>, length: Int) -> [UInt8] {
        guard let info = try? QUICHKDF.hkdfLabel(label: label, context: Array(context), length: length) else {
            preconditionFailure("HKDF label, context or length out of range")
        }
        return info
    }

    /// HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length).
    static func expandLabel(
        _ hash: TLSHashAlgorithm,
        secret: [UInt8],
        label: String,
        context: some Collection<UInt8>,
        length: Int
    ) -> [UInt8] {
        let info = Self.encode(label: label, context: context, length: length)
        return hash.expand(pseudoRandomKey: secret, info: info, length: length)
    }

    /// Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages),
    /// Hash.length). Takes the transcript hash, which the caller computes with ``TranscriptHash``.
    static func deriveSecret(
        _ hash: TLSHashAlgorithm,
        secret: [UInt8],
        label: String,
        transcriptHash: [UInt8]
    ) -> [UInt8] {
        precondition(transcriptHash.count == hash.length, "transcript hash of the wrong length")
        return Self.expandLabel(hash, secret: secret, label: label, context: transcriptHash, length: hash.length)
    }
}
