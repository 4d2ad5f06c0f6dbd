import Foundation
import QUIC
import QUICLab
import Synchronization

/// The client side of a lab workload over real sockets, with the simulator's semantics (`BulkDownloadClient`,
/// `RequestSeriesClient`): a bulk download on one stream asked for once the handshake completed, and a series of
/// latency-sensitive requests, one at a time, each leaving a think time after the previous answer, for as long as
/// requests start before the workload's duration. Everything the application sees goes to one
/// ``LabApplicationRecorder``; times are seconds since `origin`.
final class LabRealWorkloads: Sendable {
    private struct State {
        var recorder: LabApplicationRecorder
        var issued = 0
        /// When the request now open left.
        var openRequest: Double?
        var bulkDone: Double?
        var requestsDone: Double?
    }

    let origin: ContinuousClock.Instant
    private let state: Mutex<State>

    init(origin: ContinuousClock.Instant, stallThreshold: Double) {
        self.origin = origin
        self.state = Mutex(State(recorder: LabApplicationRecorder(stallThreshold: stallThreshold)))
    }

    /// Seconds since the origin.
    func now() -> Double {
        let elapsed = ContinuousClock.now - self.origin
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Downloads `bytes` on one stream.
    func bulk(_ workload: BulkWorkload, on connection: QUICConnection) async throws {
        let stream = try await connection.openStream()
        self.state.withLock { $0.recorder.begin(at: self.now()) }
        try await stream.write(LabRequestLine(bytes: workload.bytes, interactive: false).encoded())
        try await stream.finish()
        try await self.readAnswer(stream)
        self.state.withLock { state in
            let now = self.now()
            state.recorder.end(at: now, requestSeconds: nil)
            state.bulkDone = now
        }
    }

    /// Runs the request series.
    func requests(_ workload: RequestResponseWorkload, on connection: QUICConnection) async throws {
        let start = self.now()
        var next = start
        var lastAnswer = start
        while next < start + workload.duration {
            let wait = next - self.now()
            if wait > 0 { try await Task.sleep(for: .nanoseconds(Int64(wait * 1e9))) }
            let stream = try await connection.openStream()
            try await stream.setIntent(.latencySensitive)
            let sent = self.state.withLock { state in
                let now = self.now()
                state.recorder.begin(at: now)
                state.issued += 1
                state.openRequest = now
                return now
            }
            let line = LabRequestLine(bytes: workload.responseBytes, interactive: true)
            try await stream.write(line.encoded(size: workload.requestBytes))
            try await stream.finish()
            try await self.readAnswer(stream)
            lastAnswer = self.state.withLock { state in
                let now = self.now()
                state.recorder.end(at: now, requestSeconds: now - sent)
                state.openRequest = nil
                return now
            }
            next = lastAnswer + workload.thinkTime
        }
        // The series ended with its last answer: no request starts after it.
        self.state.withLock { $0.requestsDone = lastAnswer }
    }

    private func readAnswer(_ stream: QUICStream) async throws {
        while let chunk = try await stream.read() {
            self.state.withLock { $0.recorder.read(chunk.count, at: self.now()) }
        }
    }

    /// Since when the application has waited with nothing read, if it is waiting.
    var waitingStart: Double? { self.state.withLock { $0.recorder.waitingStart } }

    /// When the workload finished (both parts, those it has), or nil while it runs.
    func finishedAt(bulk: Bool, requests: Bool) -> Double? {
        self.state.withLock { state in
            let parts = [bulk ? state.bulkDone : 0, requests ? state.requestsDone : 0]
            guard parts.allSatisfy({ $0 != nil }), state.recorder.firstRequest != nil else { return nil }
            return parts.compactMap { $0 }.max()
        }
    }

    /// The run's result, the workload ending (or cut off) at `end`.
    func result(scenario: LabScenario, strategy: LabStrategy, seed: UInt64, completed: Bool, end: Double,
                bytesPerPath: [LabPathBytes], migratedAt: Double?, series: LabSeries) -> LabResult {
        self.state.withLock { state in
            LabResult.measured(
                scenario: scenario, strategy: strategy, seed: seed, completed: completed, end: end,
                recorder: state.recorder, openRequestSeconds: completed ? nil : state.openRequest.map { end - $0 },
                requestsIssued: state.issued, bytesPerPath: bytesPerPath, migratedAt: migratedAt, series: series)
        }
    }
}
