/// The TLS 1.3 key schedule (RFC 8446 §7.1), as three stages that can only be reached in order:
///
///               0
///               |
///               v
///     PSK ->  HKDF-Extract = Early Secret           ``KeySchedule/EarlyStage``
///               |
///               +-----> Derive-Secret(., "ext binder" | "res binder", "") = binder_key
///               +-----> Derive-Secret(., "c e traffic", ClientHello)     = client_early_traffic_secret
///               +-----> Derive-Secret(., "e exp master", ClientHello)    = early_exporter_master_secret
///               v
///         Derive-Secret(., "derived", "")
///               |
///               v
///     (EC)DHE -> HKDF-Extract = Handshake Secret     ``KeySchedule/HandshakeStage``
///               |
///               +-----> Derive-Secret(., "c hs traffic", ClientHello...ServerHello)
///               +-----> Derive-Secret(., "s hs traffic", ClientHello...ServerHello)
///               v
///         Derive-Secret(., "derived", "")
///               |
///               v
///     0 -> HKDF-Extract = Master Secret              ``KeySchedule/MasterStage``
///               |
///               +-----> Derive-Secret(., "c ap traffic", ClientHello...server Finished)
///               +-----> Derive-Secret(., "s ap traffic", ClientHello...server Finished)
///               +-----> Derive-Secret(., "exp master", ClientHello...server Finished)
///               +-----> Derive-Secret(., "res master", ClientHello...client Finished)
///
/// Every secret is a byte array of Hash.length bytes, so that QUIC can derive its packet protection keys from
/// the traffic secrets (RFC 9001 §5.1). Transcript hashes come from ``TranscriptHash``.
public enum KeySchedule {
    /// Which kind of PSK a binder key is for (RFC 8446 §7.1: "ext binder" or "res binder"), so that a
    /// resumption PSK can never be used as an external one or vice versa.
    public enum PSKKind: Hashable, Sendable {
        /// A PSK established by NewSessionTicket in an earlier connection.
        case resumption
        /// A PSK provisioned outside TLS.
        case external

        var binderLabel: String {
            switch self {
            case .resumption: return "res binder"
            case .external: return "ext binder"
            }
        }
    }

    /// The PSK a ticket stands for (RFC 8446 §4.6.1):
    ///
    ///     HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length)
    public static func resumptionPSK(
        _ hash: TLSHashAlgorithm,
        resumptionMasterSecret: [UInt8],
        ticketNonce: some Collection<UInt8>
    ) -> [UInt8] {
        HKDFLabel.expandLabel(
            hash,
            secret: resumptionMasterSecret,
            label: "resumption",
            context: ticketNonce,
            length: hash.length
        )
    }

    /// finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length) (RFC 8446 §4.4.4), where BaseKey is
    /// the sender's handshake traffic secret, or the binder key for a PSK binder.
    public static func finishedKey(_ hash: TLSHashAlgorithm, baseKey: [UInt8]) -> [UInt8] {
        HKDFLabel.expandLabel(hash, secret: baseKey, label: "finished", context: [], length: hash.length)
    }

    /// Finished.verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*,
    /// CertificateVerify*)) (RFC 8446 §4.4.4).
    public static func finishedVerifyData(
        _ hash: TLSHashAlgorithm,
        baseKey: [UInt8],
        transcriptHash: [UInt8]
    ) -> [UInt8] {
        hash.hmac(key: Self.finishedKey(hash, baseKey: baseKey), data: transcriptHash)
    }

    /// Checks a received Finished.verify_data in constant time.
    ///
    /// RFC 8446 §4.4.4: "Recipients of Finished messages MUST verify that the contents are correct and if
    /// incorrect MUST terminate the connection with a "decrypt_error" alert."
    public static func verifyFinished(
        _ hash: TLSHashAlgorithm,
        baseKey: [UInt8],
        transcriptHash: [UInt8],
        received: some Collection<UInt8>
    ) throws(TLSAlert) {
        let expected = Self.finishedVerifyData(hash, baseKey: baseKey, transcriptHash: transcriptHash)
        guard constantTimeEqual(expected, received) else {
            throw TLSAlert(.decryptError, reason: "Finished verify_data does not match the transcript")
        }
    }

    /// A PSK binder (RFC 8446 §4.2.11.2): computed like Finished.verify_data, with the binder key as BaseKey
    /// and the transcript hash over the partial ClientHello (``TranscriptHash/hash(appending:)``).
    public static func pskBinder(
        _ hash: TLSHashAlgorithm,
        binderKey: [UInt8],
        partialTranscriptHash: [UInt8]
    ) -> [UInt8] {
        Self.finishedVerifyData(hash, baseKey: binderKey, transcriptHash: partialTranscriptHash)
    }

    /// Checks a received PSK binder in constant time.
    ///
    /// RFC 8446 §4.2.11.2: "If this value does not validate, the server MUST abort the handshake" with
    /// decrypt_error (§6.2: "a handshake (not record layer) cryptographic operation failed, including being
    /// unable to correctly verify a signature or validate a Finished message or a PSK binder").
    public static func verifyPSKBinder(
        _ hash: TLSHashAlgorithm,
        binderKey: [UInt8],
        partialTranscriptHash: [UInt8],
        received: some Collection<UInt8>
    ) throws(TLSAlert) {
        let expected = Self.pskBinder(hash, binderKey: binderKey, partialTranscriptHash: partialTranscriptHash)
        guard constantTimeEqual(expected, received) else {
            throw TLSAlert(.decryptError, reason: "PSK binder does not match the ClientHello")
        }
    }
}

/// Compares two byte strings without stopping at the first difference. A length mismatch returns at once:
/// lengths are public.
func constantTimeEqual(_ lhs: [UInt8], _ rhs: some Collection<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (left, right) in zip(lhs, rhs) {
        difference |= left ^ right
    }
    return difference == 0
}
