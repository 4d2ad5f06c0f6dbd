import QUICSimulator

/// What the client application saw during a run: bytes read, request completion times, and stalls (gaps in the
/// data reaching it while it was waiting for some).
final class LabRecorder {
    let stallThreshold: SimDuration
    private(set) var bytesRead = 0
    private(set) var firstRequest: SimInstant?
    private(set) var lastRead: SimInstant?
    private(set) var completions: [Double] = []
    private(set) var totalStall = SimDuration.zero
    private(set) var longestStall = SimDuration.zero
    private(set) var stallCount = 0
    /// Requests and downloads the application is waiting on.
    private(set) var outstanding = 0
    /// Since when the application has waited with nothing read (the later of its last read and the start of the
    /// current wait).
    private var waitingSince: SimInstant?

    init(stallThreshold: SimDuration) {
        self.stallThreshold = stallThreshold
    }

    /// The application started waiting for one more answer.
    func begin(now: SimInstant) {
        if self.firstRequest == nil { self.firstRequest = now }
        if self.outstanding == 0 { self.waitingSince = now }
        self.outstanding += 1
    }

    /// One answer is complete, `seconds` after it was asked for (nil for answers that are not requests).
    func end(now: SimInstant, requestSeconds: Double?) {
        self.outstanding = max(self.outstanding - 1, 0)
        if let requestSeconds { self.completions.append(requestSeconds) }
        if self.outstanding == 0 { self.waitingSince = nil }
    }

    func read(_ count: Int, now: SimInstant) {
        guard count > 0 else { return }
        self.closeGap(at: now)
        self.bytesRead += count
        self.lastRead = now
        if self.outstanding > 0 { self.waitingSince = now }
    }

    /// Since when the application has waited without data, if it is waiting.
    var waitingStart: SimInstant? { self.waitingSince }

    /// Ends the run at `now`, counting a wait still going on as a stall.
    func finish(now: SimInstant) {
        if self.outstanding > 0 { self.closeGap(at: now) }
        self.waitingSince = nil
    }

    private func closeGap(at now: SimInstant) {
        guard let since = self.waitingSince, now > since else { return }
        let gap = now - since
        guard self.stallThreshold < gap else { return }
        self.totalStall = self.totalStall + gap
        if self.longestStall < gap { self.longestStall = gap }
        self.stallCount += 1
    }
}
