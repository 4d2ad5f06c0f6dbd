/// One piece of a fuzz input: a flags byte whose meaning the fuzzer defines, and a payload.
public struct FuzzRecord: Sendable {
    public var flags: UInt8
    public var payload: ArraySlice<UInt8>

    public init(flags: UInt8, payload: ArraySlice<UInt8>) {
        self.flags = flags
        self.payload = payload
    }
}

/// The input format of the endpoint and connection fuzzers: records of one flags byte, a two-byte big-endian
/// length and that many bytes (the last record takes what is left if the input ends early).
public enum FuzzRecords {
    /// The records of `bytes`, at most `limit` of them.
    public static func parse(_ bytes: ArraySlice<UInt8>, limit: Int) -> [FuzzRecord] {
        var records: [FuzzRecord] = []
        var position = bytes.startIndex
        while records.count < limit, bytes.endIndex - position >= 3 {
            let flags = bytes[position]
            let length = Int(bytes[position + 1]) << 8 | Int(bytes[position + 2])
            let start = position + 3
            let end = min(bytes.endIndex, start + length)
            records.append(FuzzRecord(flags: flags, payload: bytes[start..<end]))
            position = end
        }
        return records
    }

    /// The bytes that ``parse(_:limit:)`` reads back as `records` (payloads up to 65,535 bytes).
    public static func encode(_ records: [(flags: UInt8, payload: [UInt8])]) -> [UInt8] {
        var bytes: [UInt8] = []
        for record in records {
            let length = min(record.payload.count, Int(UInt16.max))
            bytes.append(record.flags)
            bytes.append(UInt8(length >> 8))
            bytes.append(UInt8(length & 0xff))
            bytes.append(contentsOf: record.payload.prefix(length))
        }
        return bytes
    }
}
