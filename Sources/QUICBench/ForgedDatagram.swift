/// Datagrams an attacker can send without any key: well-formed QUIC v1 Initials whose payload no one can decrypt,
/// and garbage of several shapes. They exercise the part of a server that runs before a packet is authenticated
/// (ARCHITECTURE.md §11); the builders are pure so that tests can check the shapes.
public enum ForgedDatagram {
    /// RFC 9000 §14.1: a client's Initial travels in a datagram of at least 1,200 bytes.
    public static let initialDatagramSize = 1_200

    /// The shapes of garbage ``garbage(_:using:)`` makes.
    public enum GarbageKind: String, CaseIterable, Sendable {
        /// 1 to 1,500 random bytes.
        case randomBytes
        /// A short-header (1-RTT) packet with a random 8-byte connection ID and random protected bytes.
        case shortHeader
        /// The first bytes of a v1 Initial, cut before its payload (or inside its header).
        case truncatedInitial
    }

    /// A v1 long-header Initial (RFC 9000 §17.2.2) of exactly `size` bytes (at least the header plus 21 bytes of
    /// packet number and payload, so that header protection has its sample), with random connection IDs of the
    /// given lengths (clamped to 0...20; a client's first DCID is at least 8 bytes), no token, and a random,
    /// undecryptable packet number and payload. The protected low bits of the first byte are random too.
    public static func initial<Random: RandomNumberGenerator>(
        size: Int = ForgedDatagram.initialDatagramSize, destinationLength: Int, sourceLength: Int,
        using random: inout Random
    ) -> [UInt8] {
        let destination = min(max(destinationLength, 0), 20)
        let source = min(max(sourceLength, 0), 20)
        // first byte, version, two length bytes, the IDs, token length (0) and a 2-byte Length.
        let headerLength = 1 + 4 + 1 + destination + 1 + source + 1 + 2
        let total = max(size, headerLength + 21)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        // Long header, fixed bit, type Initial (00), reserved bits and packet number length protected: random.
        bytes.append(0xc0 | UInt8(truncatingIfNeeded: random.next()) & 0x0f)
        bytes += [0x00, 0x00, 0x00, 0x01]
        bytes.append(UInt8(destination))
        Self.appendRandom(destination, to: &bytes, using: &random)
        bytes.append(UInt8(source))
        Self.appendRandom(source, to: &bytes, using: &random)
        bytes.append(0x00)
        let length = total - headerLength
        // A 2-byte variable-length integer (RFC 9000 §16): 0b01 prefix and 14 bits; `total` stays far below 16,384.
        bytes.append(0x40 | UInt8(truncatingIfNeeded: length >> 8) & 0x3f)
        bytes.append(UInt8(truncatingIfNeeded: length))
        Self.appendRandom(length, to: &bytes, using: &random)
        return bytes
    }

    /// A forged Initial with a random DCID of 8...20 bytes and a random SCID of 0...20 bytes.
    public static func randomInitial<Random: RandomNumberGenerator>(using random: inout Random) -> [UInt8] {
        Self.initial(destinationLength: Int.random(in: 8...20, using: &random),
                     sourceLength: Int.random(in: 0...20, using: &random), using: &random)
    }

    /// One garbage datagram of the given shape.
    public static func garbage<Random: RandomNumberGenerator>(_ kind: GarbageKind, using random: inout Random)
        -> [UInt8] {
        switch kind {
        case .randomBytes:
            var bytes: [UInt8] = []
            Self.appendRandom(Int.random(in: 1...1_500, using: &random), to: &bytes, using: &random)
            return bytes
        case .shortHeader:
            // Header form 0, fixed bit 1; spin, reserved, key phase and packet number length are protected.
            var bytes: [UInt8] = [0x40 | UInt8(truncatingIfNeeded: random.next()) & 0x3f]
            Self.appendRandom(8 + Int.random(in: 21...1_400, using: &random), to: &bytes, using: &random)
            return bytes
        case .truncatedInitial:
            let whole = Self.randomInitial(using: &random)
            return Array(whole.prefix(Int.random(in: 1...(whole.count / 2), using: &random)))
        }
    }

    /// Appends `count` random bytes, eight at a time.
    static func appendRandom<Random: RandomNumberGenerator>(_ count: Int, to bytes: inout [UInt8],
                                                            using random: inout Random) {
        var remaining = count
        while remaining > 0 {
            let word = random.next()
            for shift in stride(from: 0, to: min(remaining, 8) * 8, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
            remaining -= 8
        }
    }
}
