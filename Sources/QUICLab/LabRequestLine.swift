/// The request line of the lab's application protocol: a stream carries "GET <bytes> <kind>\r\n", padded with spaces
/// to the request size; the server answers with `bytes` bytes and finishes the stream. Kind "i" (interactive) marks
/// the answer latency-sensitive for the multipath schedulers, "b" leaves it bulk. The simulated server
/// (`LabServerApplication`) and the real-socket one read the same line.
public struct LabRequestLine: Sendable, Hashable {
    /// Bytes the server answers with.
    public var bytes: Int
    /// Whether the answer is latency-sensitive ("i") rather than bulk ("b").
    public var interactive: Bool

    public init(bytes: Int, interactive: Bool) {
        self.bytes = bytes
        self.interactive = interactive
    }

    /// The line, padded with spaces to `size` bytes (not truncated when it is longer).
    public func encoded(size: Int = 0) -> [UInt8] {
        var line = Array("GET \(self.bytes) \(self.interactive ? "i" : "b")\r\n".utf8)
        if line.count < size { line.append(contentsOf: repeatElement(0x20, count: size - line.count)) }
        return line
    }

    /// Reads a request (the whole stream up to its FIN); nil when it is not "GET <bytes> <kind>" with a
    /// non-negative byte count.
    public init?(parsing request: some Collection<UInt8>) {
        // Split the bytes, not the characters: "\r\n" is a single Character, equal to neither "\r" nor "\n".
        let words = request.split(whereSeparator: { $0 == 0x20 || $0 == 0x0d || $0 == 0x0a })
            .map { String(decoding: $0, as: UTF8.self) }
        guard words.count >= 3, words[0] == "GET", let bytes = Int(words[1]), bytes >= 0 else { return nil }
        self.bytes = bytes
        self.interactive = words[2] == "i"
    }
}

extension LabWorkload {
    /// Whether the workload is made of a bulk download and/or a request series only, and of nothing else a
    /// workload may hold (runners that know only these two refuse the others). Compares the workload with the
    /// one built from these two fields alone, so any other field set makes it false.
    public var hasOnlyBulkAndRequests: Bool {
        self == LabWorkload(bulk: self.bulk, requests: self.requests)
    }
}
