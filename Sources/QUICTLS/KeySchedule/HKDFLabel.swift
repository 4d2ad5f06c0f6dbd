import QUICWire

/// HKDF-Expand-Label and Derive-Secret (RFC 8446 §7.1).
///
/// Kept in one internal file on purpose: QUIC packet protection (RFC 9001 §5.1) uses the same function with
/// labels such as "quic key", so the two copies can later be merged into one.
enum HKDFLabel {
    /// The prefix every TLS 1.3 label carries: "tls13 ".
    static let labelPrefix: [UInt8] = Array("tls13 ".utf8)

    /// The encoded HkdfLabel structure, the `info` argument of HKDF-Expand:
    ///
    ///     struct {
    ///         uint16 length = Length;
    ///         opaque label<7..255> = "tls13 " + Label;
    ///         opaque context<0..255> = Context;
    ///     } HkdfLabel;
    ///
    /// - Precondition: the label is at most 249 bytes and the context at most 255 (both are chosen by this
    ///   library, never taken from the wire).
    static func encode(label: String, context: some Collection<UInt8>, length: Int) -> [UInt8] {
        let labelBytes = Array(label.utf8)
        precondition(labelBytes.count + Self.labelPrefix.count <= 255, "HKDF label too long")
        precondition(context.count <= 255, "HKDF context too long")
        precondition(length >= 0 && length <= Int(UInt16.max), "HKDF output length out of range")
        var writer = ByteWriter(capacity: 4 + Self.labelPrefix.count + labelBytes.count + context.count)
        writer.writeUInt16(UInt16(length))
        writer.writeUInt8(UInt8(Self.labelPrefix.count + labelBytes.count))
        writer.writeBytes(Self.labelPrefix)
        writer.writeBytes(labelBytes)
        writer.writeUInt8(UInt8(context.count))
        writer.writeBytes(context)
        return writer.bytes
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
