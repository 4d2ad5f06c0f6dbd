import QUICSimulator
import QUICTransport

/// Requests of `requestBytes` each on its own stream, answered with `responseBytes` streamed back; the next request
/// leaves `thinkTime` seconds after the previous answer completed, for as long as requests start before
/// `duration` seconds. The metric is each request's completion time (request sent to last byte read).
public struct RequestResponseWorkload: Sendable, Hashable {
    public var requestBytes: Int
    public var responseBytes: Int
    public var thinkTime: Double
    public var duration: Double

    public init(requestBytes: Int, responseBytes: Int, thinkTime: Double, duration: Double) {
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.thinkTime = thinkTime
        self.duration = duration
    }
}

/// The client side of a ``RequestResponseWorkload``: one request at a time, each on a new latency-sensitive
/// stream, the next one a think time after the previous answer.
final class RequestSeriesClient {
    let workload: RequestResponseWorkload
    private var current: (id: StreamID, start: SimInstant)?
    private var nextRequest: SimInstant?
    private var start: SimInstant?
    private(set) var issued = 0
    private var buffer: [UInt8] = []

    init(workload: RequestResponseWorkload) {
        self.workload = workload
    }

    /// Whether no more requests will leave and none is open.
    func isFinished(now: SimInstant) -> Bool {
        guard let start = self.start, self.current == nil else { return false }
        let next = self.nextRequest ?? now
        return next >= start + .seconds(self.workload.duration)
    }

    /// When the next request is due (for the node's wake-up), if one is waiting for its think time.
    var wakeup: SimInstant? { self.current == nil ? self.nextRequest : nil }

    /// Seconds the open request has waited by `now`, if one is open.
    func openRequestSeconds(now: SimInstant) -> Double? {
        self.current.map { (now - $0.start).seconds }
    }

    func drive(_ connection: Connection, now: SimInstant, recorder: LabRecorder) {
        if self.start == nil {
            guard connection.isHandshakeComplete else { return }
            self.start = now
            self.nextRequest = now
        }
        self.readAnswer(connection, now: now, recorder: recorder)
        guard self.current == nil, let due = self.nextRequest, now >= due, !self.isFinished(now: now),
              let id = try? connection.openStream(.bidirectional) else { return }
        connection.setIntent(StreamSendIntent(kind: .latencySensitive), for: id)
        let request = LabRequestLine(bytes: self.workload.responseBytes, interactive: true)
            .encoded(size: self.workload.requestBytes)
        _ = try? connection.write(request, to: id)
        try? connection.finish(id)
        self.current = (id, now)
        self.issued += 1
        recorder.begin(now: now)
    }

    private func readAnswer(_ connection: Connection, now: SimInstant, recorder: LabRecorder) {
        guard let (id, start) = self.current else { return }
        while true {
            self.buffer.removeAll(keepingCapacity: true)
            guard let (count, fin) = try? connection.read(id, into: &self.buffer, maxLength: 1 << 20) else { return }
            recorder.read(count, now: now)
            if fin {
                self.current = nil
                recorder.end(now: now, requestSeconds: (now - start).seconds)
                self.nextRequest = now + .seconds(self.workload.thinkTime)
                return
            }
            if count == 0 { return }
        }
    }
}
