/// A micro-benchmark body for packet protection, for `mpquic bench` or an ad-hoc harness to time.
///
/// It reads no clock (nothing below the driver does); the caller measures the time around `run`.
public enum PacketProtectionBenchmark {
    /// Protects and unprotects `iterations` short-header packets of `payloadLength` bytes in one reused buffer:
    /// seal, apply header protection, remove header protection, open.
    ///
    /// - Returns: a checksum over the results, so the work cannot be optimized away.
    public static func run(
        cipherSuite: CipherSuite,
        payloadLength: Int = 1200,
        iterations: Int,
        pathID: UInt32 = 0
    ) throws(CryptoError) -> UInt64 {
        let protection = try PacketProtection(
            cipherSuite: cipherSuite,
            secret: [UInt8](repeating: 0x42, count: cipherSuite.hashLength),
            parameters: .v1
        )
        // Short header: first byte, 8-byte DCID, 4-byte packet number.
        let headerLength = 1 + 8 + 4
        let packetNumberOffset = 9
        let payloadLength = max(payloadLength, 4)
        let packetLength = headerLength + payloadLength + cipherSuite.tagLength
        var buffer = [UInt8](repeating: 0, count: packetLength)
        var checksum: UInt64 = 0
        for iteration in 0..<max(iterations, 0) {
            let packetNumber = UInt64(iteration)
            buffer[0] = 0x43
            for i in 0..<4 {
                buffer[packetNumberOffset + i] = UInt8(truncatingIfNeeded: packetNumber >> (24 - 8 * UInt64(i)))
            }
            let end = try protection.seal(
                in: &buffer, headerRange: 0..<headerLength, payloadLength: payloadLength,
                packetNumber: packetNumber, pathID: pathID)
            try protection.applyHeaderProtection(
                to: &buffer, packetStart: 0, packetNumberOffset: packetNumberOffset, packetEnd: end)
            let (pnLength, truncated) = try protection.removeHeaderProtection(
                from: &buffer, packetStart: 0, packetNumberOffset: packetNumberOffset, packetEnd: end)
            let headerEnd = packetNumberOffset + pnLength
            let plaintextLength = try protection.open(
                in: &buffer, headerRange: 0..<headerEnd, ciphertextLength: end - headerEnd,
                packetNumber: truncated, pathID: pathID)
            checksum &+= UInt64(plaintextLength) &+ UInt64(buffer[headerEnd])
        }
        return checksum
    }
}
