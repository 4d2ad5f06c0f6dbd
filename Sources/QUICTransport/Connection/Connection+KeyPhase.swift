extension Connection {
    /// The 1-RTT key phase bits (RFC 9001 §6) this endpoint reads and writes with, once 1-RTT keys exist.
    /// They differ while a key update is in progress: between initiating one and seeing the peer follow,
    /// or between seeing the peer's update and answering it.
    public var keyPhases: (read: Bool, write: Bool)? {
        guard let read = self.oneRTTRead, let write = self.oneRTTWrite else { return nil }
        return (read.keyPhase, write.keyPhase)
    }
}
