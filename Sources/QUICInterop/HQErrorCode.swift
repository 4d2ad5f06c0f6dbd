/// Application error codes used with hq-interop, which defines none of its own: the server resets a request
/// stream with one of these, and the client closes an HTTP/3 handshake-only connection with ``h3NoError``.
public enum HQErrorCode {
    /// The request line is malformed (not `GET /path`, too long, bad encoding).
    public static let badRequest: UInt64 = 0x10
    /// Nothing by that name.
    public static let notFound: UInt64 = 0x11
    /// The path tries to leave the root directory.
    public static let forbidden: UInt64 = 0x12
    /// The server failed to read the resource.
    public static let internalError: UInt64 = 0x13
    /// RFC 9114 §8.1: H3_NO_ERROR, "no error", used when closing an HTTP/3 connection normally.
    public static let h3NoError: UInt64 = 0x100

    /// The code a server resets a stream with when a path maps to no resource.
    public static func code(for error: HQResourceError) -> UInt64 {
        switch error {
        case .notFound, .notARegularFile, .tooLarge: return Self.notFound
        case .forbidden: return Self.forbidden
        case .invalidEncoding: return Self.badRequest
        case .invalidRoot, .readFailed: return Self.internalError
        }
    }
}
