import Crypto
import QUICRecovery
import QUICSimulator
import QUICTransport
import QUICWire

/// Deterministic payload bytes: position-dependent so that reordering or duplication would show.
func patternByte(_ index: Int) -> UInt8 {
    UInt8(truncatingIfNeeded: index &* 31 &+ index >> 8 &+ index >> 16)
}

/// A download: the client opens a bidirectional stream and sends a request; the server answers with
/// `size` pattern bytes and a FIN. Both sides hash what they wrote and read.
final class DownloadApplication {
    let size: Int
    var stream: StreamID?
    var serverStream: StreamID?
    var serverWritten = 0
    var serverHash = SHA256()
    var clientHash = SHA256()
    var clientReceived = 0
    var clientFinished = false
    var finishedAt: SimInstant?
    var readBuffer: [UInt8] = []
    var chunk: [UInt8] = []

    init(size: Int) {
        self.size = size
    }

    /// Installs the application on both nodes of `harness`.
    func install(on harness: EngineHarness) {
        harness.pair.server.onActivity = { [unowned self, unowned harness] _, _ in
            guard let server = harness.server else { return }
            self.serve(server)
        }
        harness.pair.client.onActivity = { [unowned self, unowned harness] _, now in
            guard let client = harness.client else { return }
            self.consume(client, now: now)
        }
    }

    func serve(_ server: Connection) {
        while let event = server.pollEvent() {
            if case .stream(.opened(let id)) = event, self.serverStream == nil { self.serverStream = id }
        }
        guard let id = self.serverStream else { return }
        self.readBuffer.removeAll(keepingCapacity: true)
        _ = try? server.read(id, into: &self.readBuffer)
        while self.serverWritten < self.size {
            let count = min(64 * 1_024, self.size - self.serverWritten)
            self.chunk.removeAll(keepingCapacity: true)
            for index in self.serverWritten..<(self.serverWritten + count) { self.chunk.append(patternByte(index)) }
            guard let accepted = try? server.write(self.chunk, to: id), accepted > 0 else { break }
            self.serverHash.update(data: self.chunk[..<accepted])
            self.serverWritten += accepted
            if accepted < count { break }
        }
        if self.serverWritten == self.size {
            try? server.finish(id)
        }
    }

    func consume(_ client: Connection, now: SimInstant) {
        while client.pollEvent() != nil {}
        if self.stream == nil, client.isHandshakeComplete, let id = try? client.openStream(.bidirectional) {
            self.stream = id
            _ = try? client.write(Array("GET /\(self.size)\r\n".utf8), to: id)
            try? client.finish(id)
        }
        guard let id = self.stream, !self.clientFinished else { return }
        while true {
            self.readBuffer.removeAll(keepingCapacity: true)
            guard let (count, fin) = try? client.read(id, into: &self.readBuffer, maxLength: 256 * 1_024) else { return }
            self.clientHash.update(data: self.readBuffer)
            self.clientReceived += count
            if fin {
                self.clientFinished = true
                self.finishedAt = now
                return
            }
            if count == 0 { return }
        }
    }

    var hashesMatch: Bool {
        self.clientFinished && self.clientReceived == self.size
            && Array(self.clientHash.finalize()) == Array(self.serverHash.finalize())
    }
}
