/// A request of the "hq-interop" application protocol used by the QUIC interop runner: HTTP/0.9 over QUIC.
///
/// The client opens one bidirectional stream per request, sends `GET /path\r\n` and finishes its side; the server
/// answers with the resource's bytes and a FIN, or resets the stream. There are no headers and no status.
public struct HQRequest: Hashable, Sendable {
    /// The longest request accepted: a request is one short line, so anything longer is refused rather than
    /// buffered without bound.
    public static let maximumLength = 8 * 1024

    /// The request target exactly as sent (still percent-encoded), starting with "/".
    public var path: String

    /// A request for `path`, which must start with "/" and contain no spaces or line breaks.
    public init(path: String) throws(HQRequestError) {
        try Self.validate(path: Substring(path))
        self.path = path
    }

    private init(validatedPath: String) {
        self.path = validatedPath
    }

    /// The bytes sent on the stream: `GET <path>\r\n`.
    public func encode() -> [UInt8] {
        Array("GET \(self.path)\r\n".utf8)
    }

    /// Parses the bytes received so far on a request stream.
    ///
    /// - Parameters:
    ///   - bytes: everything received so far.
    ///   - isFinished: whether the peer's FIN arrived (then a request without its line break is complete).
    /// - Returns: the request, or nil when more bytes are needed.
    /// - Throws: ``HQRequestError`` when the bytes can never become a valid request.
    public static func parse(_ bytes: some Collection<UInt8>, isFinished: Bool) throws(HQRequestError) -> HQRequest? {
        let line: ArraySlice<UInt8>
        // The line may be `maximumLength` bytes plus CR LF; looking at two more bytes is enough to decide.
        let all = ArraySlice(bytes.prefix(Self.maximumLength + 2))
        if let newline = all.firstIndex(of: UInt8(ascii: "\n")) {
            var end = newline
            if end > all.startIndex, all[end - 1] == UInt8(ascii: "\r") {
                end -= 1
            }
            guard bytes.count == all.distance(from: all.startIndex, to: newline) + 1 else {
                throw .trailingBytes
            }
            line = all[all.startIndex..<end]
        } else if all.count > Self.maximumLength + 1
                    || (all.count == Self.maximumLength + 1 && all.last != UInt8(ascii: "\r")) {
            throw .tooLong(limit: Self.maximumLength)
        } else if isFinished {
            guard !all.isEmpty else { throw .empty }
            line = all
        } else {
            return nil
        }
        guard line.count <= Self.maximumLength else { throw .tooLong(limit: Self.maximumLength) }
        guard line.starts(with: "GET ".utf8) else {
            throw .unsupportedMethod(String(decoding: line.prefix(16), as: UTF8.self))
        }
        let target = line.dropFirst(4)
        guard let text = String(validating: target, as: UTF8.self) else { throw .invalidEncoding }
        try Self.validate(path: Substring(text))
        return HQRequest(validatedPath: text)
    }

    private static func validate(path: Substring) throws(HQRequestError) {
        guard path.hasPrefix("/") else { throw .invalidPath(String(path.prefix(64))) }
        for scalar in path.unicodeScalars where scalar.value < 0x21 || scalar.value == 0x7f {
            throw .invalidPath(String(path.prefix(64)))
        }
    }
}

/// Why bytes on a request stream are not an hq-interop request.
public enum HQRequestError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stream ended before any byte arrived.
    case empty
    /// The request line is longer than the limit.
    case tooLong(limit: Int)
    /// The line does not start with `GET `.
    case unsupportedMethod(String)
    /// The target is not an absolute path of printable characters.
    case invalidPath(String)
    /// The line is not UTF-8.
    case invalidEncoding
    /// Bytes follow the request line.
    case trailingBytes

    public var description: String {
        switch self {
        case .empty: return "empty request"
        case .tooLong(let limit): return "request line longer than \(limit) bytes"
        case .unsupportedMethod(let start): return "not a GET request: \"\(start)\""
        case .invalidPath(let path): return "invalid request path \"\(path)\""
        case .invalidEncoding: return "request line is not UTF-8"
        case .trailingBytes: return "bytes after the request line"
        }
    }
}
