/// HyStart++ (RFC 9406): slow start that leaves early when round-trip times start to rise, through a
/// Conservative Slow Start (CSS) phase that guards against leaving on jitter.
///
/// The host controller keeps the window; this type says how much of each acknowledgment may grow it and
/// when to switch to congestion avoidance. Rounds are counted in packet numbers: a round ends when the
/// largest packet sent at its start is acknowledged (RFC 9406 §4.2 uses SND.NXT for the same purpose).
public struct HyStartPlusPlus: Hashable, Sendable {
    /// RFC 9406 §4.3: "MIN_RTT_THRESH = 4 msec".
    public static let minRTTThreshold = QUICDuration.milliseconds(4)
    /// RFC 9406 §4.3: "MAX_RTT_THRESH = 16 msec".
    public static let maxRTTThreshold = QUICDuration.milliseconds(16)
    /// RFC 9406 §4.3: "MIN_RTT_DIVISOR = 8".
    public static let minRTTDivisor: Int64 = 8
    /// RFC 9406 §4.3: "N_RTT_SAMPLE = 8".
    public static let rttSampleCount = 8
    /// RFC 9406 §4.3: "CSS_GROWTH_DIVISOR = 4".
    public static let cssGrowthDivisor = 4
    /// RFC 9406 §4.3: "CSS_ROUNDS = 5".
    public static let cssRounds = 5
    /// RFC 9406 §4.3: "L = infinity if paced, L = 8 if non-paced".
    public static let nonPacedLimitSegments = 8

    /// Where HyStart++ is.
    public enum Phase: Hashable, Sendable {
        /// Standard slow start, watching for an RTT increase.
        case slowStart
        /// Conservative Slow Start: growth divided by CSS_GROWTH_DIVISOR.
        case conservativeSlowStart
        /// HyStart++ is done (CSS completed, or a congestion event happened). A later slow start, after
        /// persistent congestion, is standard slow start without delay detection.
        case finished
    }

    public private(set) var phase: Phase
    /// The per-ACK growth cap L in segments; nil is infinity (for a paced sender).
    public let limitSegments: Int?
    public private(set) var lastRoundMinRTT: QUICDuration?
    public private(set) var currentRoundMinRTT: QUICDuration?
    public private(set) var rttSamplesThisRound: Int
    public private(set) var cssBaselineMinRTT: QUICDuration?
    /// Rounds completed in CSS.
    public private(set) var cssRoundCount: Int
    /// The packet number whose acknowledgment ends the current round.
    public private(set) var windowEnd: UInt64?
    private var largestSent: UInt64?
    /// True while a round that started with nothing in flight is still taking in packets: its end is the
    /// last packet sent before the first acknowledgment arrives.
    private var isRoundOpen: Bool

    /// - Parameter paced: RFC 9406 §4.3: "A paced TCP implementation SHOULD use L = infinity."
    public init(paced: Bool = true) {
        self.phase = .slowStart
        self.limitSegments = paced ? nil : Self.nonPacedLimitSegments
        self.lastRoundMinRTT = nil
        self.currentRoundMinRTT = nil
        self.rttSamplesThisRound = 0
        self.cssBaselineMinRTT = nil
        self.cssRoundCount = 0
        self.windowEnd = nil
        self.largestSent = nil
        self.isRoundOpen = false
    }

    public mutating func onPacketSent(packetNumber: UInt64) {
        self.largestSent = packetNumber
        if (self.windowEnd == nil || self.isRoundOpen) && self.phase != .finished {
            self.windowEnd = packetNumber
            self.isRoundOpen = true
        }
    }

    /// RFC 9406 §4.2: "For each arriving ACK in slow start, where N is the number of previously
    /// unacknowledged bytes acknowledged in the arriving ACK: Update the cwnd: cwnd = cwnd + min(N, L *
    /// SMSS)" and in CSS "cwnd = cwnd + (min(N, L * SMSS) / CSS_GROWTH_DIVISOR)".
    public func windowIncrease(ackedBytes: Int, maxDatagramSize: Int) -> Int {
        var growth = ackedBytes
        if let limit = self.limitSegments {
            growth = Swift.min(growth, limit * maxDatagramSize)
        }
        switch self.phase {
        case .slowStart, .finished: return growth
        case .conservativeSlowStart: return growth / Self.cssGrowthDivisor
        }
    }

    /// Feeds one RTT sample (once per ACK frame that produced one).
    public mutating func onRTTSample(latestRTT: QUICDuration) {
        guard self.phase != .finished else { return }
        // RFC 9406 §4.2: "Keep track of the minimum observed RTT: currentRoundMinRTT =
        // min(currentRoundMinRTT, currRTT); rttSampleCount += 1"
        self.currentRoundMinRTT = self.currentRoundMinRTT.map { Swift.min($0, latestRTT) } ?? latestRTT
        self.rttSamplesThisRound += 1
        guard self.rttSamplesThisRound >= Self.rttSampleCount, let current = self.currentRoundMinRTT else { return }

        switch self.phase {
        case .slowStart:
            // RFC 9406 §4.2: "For rounds where at least N_RTT_SAMPLE RTT samples have been obtained and
            // currentRoundMinRTT and lastRoundMinRTT are valid, check to see if delay increase triggers
            // slow start exit: RttThresh = max(MIN_RTT_THRESH, min(lastRoundMinRTT / MIN_RTT_DIVISOR,
            // MAX_RTT_THRESH)); if (currentRoundMinRTT >= (lastRoundMinRTT + RttThresh)):
            // cssBaselineMinRtt = currentRoundMinRTT; exit slow start and enter CSS"
            guard let last = self.lastRoundMinRTT else { return }
            let threshold = Swift.max(Self.minRTTThreshold,
                                      Swift.min(last / Self.minRTTDivisor, Self.maxRTTThreshold))
            if current >= last + threshold {
                self.cssBaselineMinRTT = current
                self.cssRoundCount = 0
                self.phase = .conservativeSlowStart
            }
        case .conservativeSlowStart:
            // RFC 9406 §4.2: "if (currentRoundMinRTT < cssBaselineMinRtt): cssBaselineMinRtt = infinity;
            // resume slow start including HyStart++"
            if let baseline = self.cssBaselineMinRTT, current < baseline {
                self.cssBaselineMinRTT = nil
                self.phase = .slowStart
            }
        case .finished:
            break
        }
    }

    /// Notes an acknowledged packet; returns true when HyStart++ has just finished CSS_ROUNDS rounds of
    /// CSS and the host must enter congestion avoidance (RFC 9406 §4.2: "If CSS_ROUNDS rounds are
    /// complete, enter congestion avoidance by setting the ssthresh to the current cwnd.").
    /// A round that ends in CSS counts as one of the CSS_ROUNDS, including the round in which CSS began.
    public mutating func onPacketAcked(packetNumber: UInt64) -> Bool {
        self.isRoundOpen = false
        guard self.phase != .finished, let end = self.windowEnd, packetNumber >= end else { return false }
        if self.phase == .conservativeSlowStart {
            self.cssRoundCount += 1
            if self.cssRoundCount >= Self.cssRounds {
                self.phase = .finished
                return true
            }
        }
        // RFC 9406 §4.2: "At the start of each round during standard slow start and CSS, initialize the
        // variables used to compute the last round's and current round's minimum RTT: lastRoundMinRTT =
        // currentRoundMinRTT; currentRoundMinRTT = infinity; rttSampleCount = 0"
        self.lastRoundMinRTT = self.currentRoundMinRTT
        self.currentRoundMinRTT = nil
        self.rttSamplesThisRound = 0
        // The next round ends with the last packet sent so far; nil until another one is sent.
        if let largest = self.largestSent, largest > packetNumber {
            self.windowEnd = largest
        } else {
            self.windowEnd = nil
        }
        return false
    }

    /// RFC 9406 §4.2: "If loss or ECN-marking is observed anytime during standard slow start or CSS, exit
    /// to congestion avoidance" — the host reduces its window as its algorithm says.
    public mutating func onCongestionEvent() {
        self.phase = .finished
    }
}
