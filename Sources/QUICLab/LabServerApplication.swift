import QUICTransport

/// The server side of every workload: each stream carries one request line, "GET <bytes> <kind>", padded to the
/// request size; the server answers with that many bytes and finishes the stream. Kind "i" (interactive) marks
/// the answer latency-sensitive for the multipath schedulers, "b" leaves it bulk.
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
        let words = String(decoding: answer.request, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count >= 3, words[0] == "GET", let bytes = Int(words[1]), bytes >= 0 else {
            answer.remaining = 0
            return
        }
        answer.remaining = bytes
        let kind: SendIntent.Kind = words[2] == "i" ? .latencySensitive : .bulk
        connection.setIntent(StreamSendIntent(kind: kind), for: id)
    }

    /// The request line a client sends for `bytes` of answer, padded with spaces to `size` bytes.
    static func request(bytes: Int, interactive: Bool, size: Int) -> [UInt8] {
        var line = Array("GET \(bytes) \(interactive ? "i" : "b")\r\n".utf8)
        if line.count < size { line.append(contentsOf: [UInt8](repeating: 0x20, count: size - line.count)) }
        return line
    }
}
