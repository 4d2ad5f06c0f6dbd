import QUICSimulator

/// What a client application outside the simulator saw during a lab run, with the simulator's definitions: bytes
/// read, request completion times and stalls (gaps in the data reaching it, while it waited, longer than the
/// scenario's stall threshold). Times are seconds from the start of the run on the caller's clock.
///
/// Not thread-safe: a caller with several tasks keeps it behind a lock.
public final class LabApplicationRecorder {
    private let recorder: LabRecorder

    public init(stallThreshold: Double) {
        self.recorder = LabRecorder(stallThreshold: .seconds(stallThreshold))
    }

    /// The application started waiting for one more answer.
    public func begin(at seconds: Double) {
        self.recorder.begin(now: Self.instant(seconds))
    }

    /// `count` bytes reached the application.
    public func read(_ count: Int, at seconds: Double) {
        self.recorder.read(count, now: Self.instant(seconds))
    }

    /// One answer is complete; `requestSeconds` after it was asked for when it answered a request.
    public func end(at seconds: Double, requestSeconds: Double?) {
        self.recorder.end(now: Self.instant(seconds), requestSeconds: requestSeconds)
    }

    /// Ends the run, counting a wait still going on as a stall.
    public func finish(at seconds: Double) {
        self.recorder.finish(now: Self.instant(seconds))
    }

    public var bytesRead: Int { self.recorder.bytesRead }
    /// When the first request or download was asked for.
    public var firstRequest: Double? { self.recorder.firstRequest.map { ($0 - .zero).seconds } }
    /// Completion times of the requests that completed, in the order they completed.
    public var completions: [Double] { self.recorder.completions }
    public var totalStall: Double { self.recorder.totalStall.seconds }
    public var longestStall: Double { self.recorder.longestStall.seconds }
    public var stallCount: Int { self.recorder.stallCount }
    /// Since when the application has waited with nothing read, if it is waiting.
    public var waitingStart: Double? { self.recorder.waitingStart.map { ($0 - .zero).seconds } }

    private static func instant(_ seconds: Double) -> SimInstant {
        .zero + .seconds(seconds)
    }
}
