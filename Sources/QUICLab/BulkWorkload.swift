import QUICSimulator
import QUICTransport

/// A download of `bytes` on one stream, asked for as soon as the handshake completes.
public struct BulkWorkload: Sendable, Hashable {
    public var bytes: Int

    public init(bytes: Int) {
        self.bytes = bytes
    }
}

/// The client side of a ``BulkWorkload``: one stream asking for the bytes, read as they come.
final class BulkDownloadClient {
    let workload: BulkWorkload
    private(set) var stream: StreamID?
    private(set) var finished = false
    private var buffer: [UInt8] = []

    init(workload: BulkWorkload) {
        self.workload = workload
    }

    func drive(_ connection: Connection, now: SimInstant, recorder: LabRecorder) {
        if self.stream == nil {
            guard connection.isHandshakeComplete, let id = try? connection.openStream(.bidirectional) else { return }
            self.stream = id
            let request = LabRequestLine(bytes: self.workload.bytes, interactive: false).encoded()
            _ = try? connection.write(request, to: id)
            try? connection.finish(id)
            recorder.begin(now: now)
        }
        guard let id = self.stream, !self.finished else { return }
        while true {
            self.buffer.removeAll(keepingCapacity: true)
            guard let (count, fin) = try? connection.read(id, into: &self.buffer, maxLength: 1 << 20) else { return }
            recorder.read(count, now: now)
            if fin {
                self.finished = true
                recorder.end(now: now, requestSeconds: nil)
                return
            }
            if count == 0 { return }
        }
    }
}
