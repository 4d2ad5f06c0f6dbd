import QUICWire

/// Test support: lets a test turn a connection into a misbehaving peer that sends frames the engine itself
/// would never send (a STREAM frame beyond flow control, HANDSHAKE_DONE from a client, an unknown frame type),
/// so that the receiving engine's checks can be exercised over the wire. Nothing in the engine calls the
/// injecting methods; the packet writer only drains what a test queued.
extension Connection {
    /// Queues `frame` for the next packet sent at `level` (ahead of everything else in that packet).
    func injectForTesting(_ frame: Frame, level: EncryptionLevel) {
        var writer = ByteWriter(capacity: frame.encodedLength)
        frame.encode(to: &writer)
        self.injectedFrames.append((level, writer.bytes))
    }

    /// Queues raw frame bytes (which need not decode at all) for the next packet sent at `level`.
    func injectForTesting(rawFrames bytes: [UInt8], level: EncryptionLevel) {
        self.injectedFrames.append((level, bytes))
    }

    /// Whether a test queued frames for `level`.
    func hasInjectedFrames(_ level: EncryptionLevel) -> Bool {
        !self.injectedFrames.isEmpty && self.injectedFrames.contains { $0.level == level }
    }

    /// Writes the queued frames of `level` that fit; they count as ack-eliciting and are never retransmitted.
    func writeInjectedFrames(level: EncryptionLevel, into writer: inout ByteWriter, limit: Int,
                             frames: inout [SentFrame]) {
        guard !self.injectedFrames.isEmpty else { return }
        var remaining: [(level: EncryptionLevel, bytes: [UInt8])] = []
        for entry in self.injectedFrames {
            guard entry.level == level, entry.bytes.count <= limit - writer.count else {
                remaining.append(entry)
                continue
            }
            writer.writeBytes(entry.bytes)
            frames.append(.other)
        }
        self.injectedFrames = remaining
    }
}
