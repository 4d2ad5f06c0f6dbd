/// Lines in the NSS key log format (the SSLKEYLOGFILE that Wireshark and other tools read), one secret per
/// line: `<label> <client random, hex> <secret, hex>`.
///
/// Formatting only; writing the file is the caller's business.
public enum KeyLog {
    /// The labels of the TLS 1.3 secrets.
    public enum Label: String, Hashable, Sendable, CaseIterable {
        case clientEarlyTrafficSecret = "CLIENT_EARLY_TRAFFIC_SECRET"
        case clientHandshakeTrafficSecret = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
        case serverHandshakeTrafficSecret = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
        case clientTrafficSecret0 = "CLIENT_TRAFFIC_SECRET_0"
        case serverTrafficSecret0 = "SERVER_TRAFFIC_SECRET_0"
        case exporterSecret = "EXPORTER_SECRET"
    }

    /// One key log line, without the trailing newline.
    ///
    /// - Parameter clientRandom: the 32-byte ClientHello.random, which identifies the connection (for a
    ///   HelloRetryRequest, the random of the first ClientHello, which the second repeats).
    public static func line(
        _ label: Label,
        clientRandom: some Sequence<UInt8>,
        secret: some Sequence<UInt8>
    ) -> String {
        label.rawValue + " " + Self.hex(clientRandom) + " " + Self.hex(secret)
    }

    /// Lower-case hex without separators.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }
}
