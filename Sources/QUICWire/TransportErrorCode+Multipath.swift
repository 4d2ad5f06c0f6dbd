/// Error codes of draft-ietf-quic-multipath-21 §4.2.1, used in PATH_ABANDON frames.
extension TransportErrorCode {
    /// "The endpoint is abandoning the path at the request of the application."
    public static let applicationAbandonPath = TransportErrorCode(rawValue: 0x3e)
    /// "The endpoint is abandoning the path because it cannot allocate sufficient resources to maintain it."
    public static let pathResourceLimitReached = TransportErrorCode(rawValue: 0x3e75)
    /// "The endpoint is abandoning the path because the used interface is observed to be unstable or
    /// performance is considered poor."
    public static let pathUnstableOrPoor = TransportErrorCode(rawValue: 0x3e76)
    /// "The endpoint is abandoning the path due to the lack of a connection ID for this path."
    public static let noCIDAvailableForPath = TransportErrorCode(rawValue: 0x3e77)
}
