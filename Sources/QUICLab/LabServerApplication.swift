import QUICTransport

/// The server side of the download workloads in the simulator: each stream carries one ``LabRequestLine``; the
/// server answers with that many bytes, latency-sensitive when the line says so, and finishes the stream.
final class LabServerApplication {
    private struct Answer {
        var request: [UInt8] = []
        var remaining: Int?
        var finished = false
    }

    private var answers: [StreamID: Answer] = [:]
    private var order: [StreamID] = []
    private var chunk = [UInt8](repeating: 0x5a, count: 32 * 1_024)
    private var readBuffer: [UInt8] = []

    func streamOpened(_ id: StreamID) {
        guard self.answers[id] == nil else { return }
        self.answers[id] = Answer()
        self.order.append(id)
    }

    /// Reads requests and writes as much of every answer as flow control accepts, oldest stream first.
    func serve(_ connection: Connection) {
        var done: [StreamID] = []
        for id in self.order {
            guard var answer = self.answers[id] else { continue }
            if answer.remaining == nil { self.readRequest(id, into: &answer, connection: connection) }
            if var remaining = answer.remaining {
                while remaining > 0 {
                    let count = min(self.chunk.count, remaining)
                    guard let accepted = try? connection.write(self.chunk[..<count], to: id), accepted > 0 else { break }
                    remaining -= accepted
                }
                answer.remaining = remaining
                if remaining == 0 {
                    try? connection.finish(id)
                    answer.finished = true
                }
            }
            self.answers[id] = answer
            if answer.finished { done.append(id) }
        }
        if !done.isEmpty {
            for id in done { self.answers[id] = nil }
            self.order.removeAll { self.answers[$0] == nil }
        }
    }

    private func readRequest(_ id: StreamID, into answer: inout Answer, connection: Connection) {
        self.readBuffer.removeAll(keepingCapacity: true)
        guard let (_, fin) = try? connection.read(id, into: &self.readBuffer) else { return }
        answer.request.append(contentsOf: self.readBuffer)
        guard fin else { return }
        guard let line = LabRequestLine(parsing: answer.request) else {
            answer.remaining = 0
            return
        }
        answer.remaining = line.bytes
        connection.setIntent(StreamSendIntent(kind: line.interactive ? .latencySensitive : .bulk), for: id)
    }
}
