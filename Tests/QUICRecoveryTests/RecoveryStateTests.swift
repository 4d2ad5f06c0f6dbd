import Testing
import QUICRecovery
import QUICWire

/// The congestion controllers a recovery state can be built with.
enum ControllerKind: CaseIterable, Sendable {
    case newReno
    case cubic

    func make() -> any CongestionController {
        switch self {
        case .newReno: return NewReno(maxDatagramSize: 1_200)
        case .cubic: return Cubic(maxDatagramSize: 1_200)
        }
    }
}

/// An instant well after the origin, so that `now - lossDelay` never clamps at the origin.
let recoveryBase = ms(10_000)

/// The instant `value` milliseconds after `recoveryBase`.
func at(_ value: Int64) -> QUICInstant {
    recoveryBase + .milliseconds(value)
}

/// A packet whose payload is its own packet number.
func sentPacket(_ number: UInt64, at time: QUICInstant, size: Int = 1_200, ackEliciting: Bool = true,
                inFlight: Bool = true, ecn: ECNCodepoint = .notECT) -> SentPacket<UInt64> {
    SentPacket(packetNumber: number, timeSent: time, size: size, isAckEliciting: ackEliciting, isInFlight: inFlight,
               ecn: ecn, payload: number)
}

/// A client before the handshake is confirmed and before the server validated its address.
let clientBeforeValidation = RecoveryContext(isHandshakeConfirmed: false, hasHandshakeKeys: false,
                                             peerCompletedAddressValidation: false)

extension RecoveryState where Payload == UInt64 {
    static func make(_ kind: ControllerKind = .newReno) -> RecoveryState<UInt64> {
        RecoveryState(congestionController: kind.make())
    }

    /// Sends one packet of 1200 bytes per number, `spacing` apart from `start`.
    mutating func send(_ numbers: ClosedRange<UInt64>, space: PacketNumberSpace = .applicationData,
                       from start: QUICInstant, spacing: QUICDuration = .milliseconds(1)) {
        var time = start
        for number in numbers {
            self.onPacketSent(sentPacket(number, at: time), space: space, now: time)
            time += spacing
        }
    }

    /// Processes an ACK frame and returns the result with the acknowledged and lost packet numbers.
    @discardableResult
    mutating func ack(_ ranges: [ClosedRange<UInt64>], space: PacketNumberSpace = .applicationData,
                      delay: QUICDuration = .zero, ecn: ECNCounts? = nil,
                      context: RecoveryContext = .handshakeConfirmed,
                      now: QUICInstant) throws -> (result: AckProcessingResult, acked: [UInt64], lost: [UInt64]) {
        var acked: [SentPacket<UInt64>] = []
        var lost: [SentPacket<UInt64>] = []
        let result = try self.onAckReceived(space: space, ranges: ranges, ackDelay: delay, ecn: ecn, context: context,
                                            now: now, acked: &acked, lost: &lost)
        return (result, acked.map(\.payload), lost.map(\.payload))
    }
}

@Suite("RecoveryState")
struct RecoveryStateTests {
    // MARK: - RTT and window growth

    @Test(arguments: ControllerKind.allCases)
    func ackTakesAnRTTSampleAndGrowsTheWindowInSlowStart(kind: ControllerKind) throws {
        var state = RecoveryState<UInt64>.make(kind)
        state.send(0...1, from: at(0), spacing: .zero)
        #expect(state.bytesInFlight == 2_400)
        #expect(state.congestionWindow == 12_000)

        let (result, acked, lost) = try state.ack([0...1], delay: .milliseconds(10), now: at(100))
        #expect(acked == [0, 1])
        #expect(lost.isEmpty)
        #expect(result.outcome.newlyAckedCount == 2)
        #expect(result.outcome.rttSample == .milliseconds(100))
        #expect(!result.congestionEvent)
        // The first sample sets the estimator outright: the ACK delay is not subtracted from it.
        #expect(state.rtt.latestRTT == .milliseconds(100))
        #expect(state.rtt.smoothedRTT == .milliseconds(100))
        #expect(state.rtt.minRTT == .milliseconds(100))
        #expect(state.rtt.firstSampleTime == at(100))
        // Slow start: the window grows by the acknowledged bytes.
        #expect(state.congestionWindow == 14_400)
        #expect(state.bytesInFlight == 0)
    }

    /// The ACK delay is subtracted in the application space, capped by max_ack_delay once the handshake
    /// is confirmed, and ignored in the Handshake space.
    @Test(arguments: [
        (PacketNumberSpace.applicationData, true, QUICDuration.milliseconds(25), QUICDuration.microseconds(101_250)),
        (PacketNumberSpace.applicationData, true, QUICDuration.milliseconds(4), QUICDuration.milliseconds(102)),
        (PacketNumberSpace.applicationData, false, QUICDuration.milliseconds(4), QUICDuration.microseconds(101_250)),
        (PacketNumberSpace.handshake, true, QUICDuration.milliseconds(25), QUICDuration.microseconds(102_500)),
    ])
    func ackDelayAdjustsTheSecondSample(space: PacketNumberSpace, confirmed: Bool, maxAckDelay: QUICDuration,
                                        expectedSmoothedRTT: QUICDuration) throws {
        var state = RecoveryState<UInt64>.make()
        state.maxAckDelay = maxAckDelay
        let context = RecoveryContext(isHandshakeConfirmed: confirmed, hasHandshakeKeys: true,
                                      peerCompletedAddressValidation: true)
        state.send(0...0, space: space, from: at(0))
        try state.ack([0...0], space: space, delay: .milliseconds(10), context: context, now: at(100))
        state.send(1...1, space: space, from: at(100))
        try state.ack([0...1], space: space, delay: .milliseconds(10), context: context, now: at(220))
        // smoothed = 7/8 * 100 ms + 1/8 * (120 ms - applied delay)
        #expect(state.rtt.smoothedRTT == expectedSmoothedRTT)
        #expect(state.rtt.latestRTT == .milliseconds(120))
    }

    @Test func appLimitedAcksDoNotGrowTheWindow() throws {
        var state = RecoveryState<UInt64>.make()
        state.isAppLimited = true
        state.send(0...3, from: at(0))
        try state.ack([0...3], now: at(50))
        #expect(state.congestionWindow == 12_000)
        #expect(state.rtt.hasSample)
        state.isAppLimited = false
        state.send(4...4, from: at(60))
        try state.ack([0...4], now: at(110))
        #expect(state.congestionWindow == 13_200)
    }

    @Test func ackWithNothingNewChangesNothing() throws {
        var state = RecoveryState<UInt64>.make()
        state.send(0...2, from: at(0))
        try state.ack([1...2], now: at(50))
        let window = state.congestionWindow
        let smoothed = state.rtt.smoothedRTT
        let (result, acked, lost) = try state.ack([1...2], now: at(80))
        #expect(result.outcome.newlyAckedCount == 0)
        #expect(acked.isEmpty && lost.isEmpty)
        #expect(state.congestionWindow == window)
        #expect(state.rtt.smoothedRTT == smoothed)
        #expect(state.bytesInFlight == 1_200)
    }

    // MARK: - Loss detection

    @Test(arguments: ControllerKind.allCases)
    func packetThresholdThenTimeThresholdLoss(kind: ControllerKind) throws {
        var state = RecoveryState<UInt64>.make(kind)
        state.send(0...4, from: at(0))
        // latest_rtt = 50 - 4 = 46 ms; loss delay = 9/8 * 46 ms = 51.75 ms: no packet is old enough by time.
        let (result, acked, lost) = try state.ack([4...4], now: at(50))
        #expect(acked == [4])
        // kPacketThreshold = 3: 0 and 1 are at least three below the largest acknowledged.
        #expect(lost == [0, 1])
        #expect(result.congestionEvent)
        #expect(!result.persistentCongestion)
        // One reduction; the acknowledged packet was sent before recovery began and doesn't grow the window.
        let reduced = kind == .newReno ? 6_000 : 8_400
        #expect(state.congestionWindow == reduced)
        #expect(state.bytesInFlight == 2_400)

        // Packets 2 and 3 become lost 51.75 ms after they were sent.
        let lossDelay = QUICDuration.microseconds(51_750)
        #expect(state.nextTimeout(context: .handshakeConfirmed, now: at(50)) == at(2) + lossDelay)
        #expect(state.onTimeout(context: .handshakeConfirmed, now: at(53)) == .none)
        #expect(state.onTimeout(context: .handshakeConfirmed, now: at(2) + lossDelay)
                    == .lost([sentPacket(2, at: at(2))]))
        #expect(state.nextTimeout(context: .handshakeConfirmed, now: at(54)) == at(3) + lossDelay)
        #expect(state.onTimeout(context: .handshakeConfirmed, now: at(60)) == .lost([sentPacket(3, at: at(3))]))
        #expect(state.bytesInFlight == 0)
        // Losses of packets sent before the recovery period started don't reduce the window again.
        #expect(state.congestionWindow == reduced)
        #expect(state.ptoCount == 0)
        #expect(state.nextTimeout(context: .handshakeConfirmed, now: at(60)) == nil)
    }

    @Test func nonInFlightLossIsNoCongestionEvent() throws {
        var state = RecoveryState<UInt64>.make()
        state.onPacketSent(sentPacket(0, at: at(0), size: 50, ackEliciting: false, inFlight: false),
                           space: .applicationData, now: at(0))
        state.send(1...3, from: at(1))
        #expect(state.bytesInFlight == 3_600)
        let (result, _, lost) = try state.ack([3...3], now: at(40))
        #expect(lost == [0])
        #expect(!result.congestionEvent)
        #expect(state.congestionWindow == 13_200)
    }

    // MARK: - Probe timeout

    @Test func probeTimeoutFiresWithBackoffAndTwoProbes() throws {
        var state = RecoveryState<UInt64>.make()
        state.send(0...0, from: at(0))
        // PTO = 333 ms + 4 * 166.5 ms + 25 ms = 1024 ms.
        let period = QUICDuration.milliseconds(1_024)
        #expect(state.nextTimeout(context: .handshakeConfirmed, now: at(0)) == at(0) + period)
        #expect(state.onTimeout(context: .handshakeConfirmed, now: at(1_023)) == .none)
        #expect(state.ptoCount == 0)
        #expect(state.onTimeout(context: .handshakeConfirmed, now: at(1_024))
                    == .probe(space: .applicationData, count: 2))
        #expect(state.ptoCount == 1)
        #expect(state.nextTimeout(context: .handshakeConfirmed, now: at(1_024)) == at(0) + period * 2)
        #expect(state.onTimeout(context: .handshakeConfirmed, now: at(2_048))
                    == .probe(space: .applicationData, count: 2))
        #expect(state.ptoCount == 2)
        #expect(state.nextTimeout(context: .handshakeConfirmed, now: at(2_048)) == at(0) + period * 4)

        // The probe is acknowledged: the backoff resets.
        state.send(1...1, from: at(2_050))
        try state.ack([1...1], now: at(2_150))
        #expect(state.ptoCount == 0)
    }

    @Test func clientKeepsBackoffUntilTheServerValidatedItsAddress() throws {
        var state = RecoveryState<UInt64>.make()
        let context = RecoveryContext(isHandshakeConfirmed: false, hasHandshakeKeys: true,
                                      peerCompletedAddressValidation: false)
        state.send(0...0, space: .handshake, from: at(0))
        // Handshake space: no max_ack_delay in the period. 333 + 666 = 999 ms.
        #expect(state.nextTimeout(context: context, now: at(0)) == at(999))
        #expect(state.onTimeout(context: context, now: at(999)) == .probe(space: .handshake, count: 2))
        state.send(1...1, space: .handshake, from: at(999))
        try state.ack([1...1], space: .handshake, context: context, now: at(1_100))
        // RFC 9002 §6.2.1: no reset at a client not yet certain the server validated its address.
        #expect(state.ptoCount == 1)
        let validated = RecoveryContext(isHandshakeConfirmed: false, hasHandshakeKeys: true,
                                        peerCompletedAddressValidation: true)
        state.send(2...2, space: .handshake, from: at(1_100))
        try state.ack([2...2], space: .handshake, context: validated, now: at(1_200))
        #expect(state.ptoCount == 0)
    }

    @Test func applicationPTOWaitsForHandshakeConfirmation() {
        var state = RecoveryState<UInt64>.make()
        let server = RecoveryContext(isHandshakeConfirmed: false, hasHandshakeKeys: true,
                                     peerCompletedAddressValidation: true)
        state.send(0...0, from: at(0))
        #expect(state.nextTimeout(context: server, now: at(0)) == nil)
        #expect(state.onTimeout(context: server, now: at(5_000)) == .none)
        #expect(state.nextTimeout(context: .handshakeConfirmed, now: at(0)) == at(1_024))
    }

    @Test func serverAtAmplificationLimitHasNoTimer() {
        var state = RecoveryState<UInt64>.make()
        let blocked = RecoveryContext(isHandshakeConfirmed: false, hasHandshakeKeys: true,
                                      peerCompletedAddressValidation: true, isAtAntiAmplificationLimit: true)
        state.send(0...0, space: .initial, from: at(0))
        #expect(state.nextTimeout(context: blocked, now: at(0)) == nil)
        // Once the client's datagram lifts the limit, a deadline in the past fires at once.
        var unblocked = blocked
        unblocked.isAtAntiAmplificationLimit = false
        #expect(state.nextTimeout(context: unblocked, now: at(3_000)) == at(999))
        #expect(state.onTimeout(context: unblocked, now: at(3_000)) == .probe(space: .initial, count: 2))
    }

    @Test func clientAntiDeadlockProbeCountsFromTheLastEvent() throws {
        var state = RecoveryState<UInt64>.make()
        state.send(0...0, space: .initial, from: at(0))
        try state.ack([0...0], space: .initial, context: clientBeforeValidation, now: at(100))
        #expect(state.bytesInFlight == 0)
        // smoothed 100 ms, rttvar 50 ms: PTO 300 ms from the ACK, however often the deadline is asked for.
        #expect(state.nextTimeout(context: clientBeforeValidation, now: at(150)) == at(400))
        #expect(state.nextTimeout(context: clientBeforeValidation, now: at(350)) == at(400))
        #expect(state.onTimeout(context: clientBeforeValidation, now: at(399)) == .none)
        #expect(state.onTimeout(context: clientBeforeValidation, now: at(400)) == .probe(space: .initial, count: 1))
        #expect(state.ptoCount == 1)
        // With Handshake keys the anti-deadlock probe is a Handshake packet, after the doubled period.
        var withKeys = clientBeforeValidation
        withKeys.hasHandshakeKeys = true
        #expect(state.nextTimeout(context: withKeys, now: at(500)) == at(1_000))
        #expect(state.onTimeout(context: withKeys, now: at(1_000)) == .probe(space: .handshake, count: 1))
        // Nothing in flight and the address validated: no timer at all.
        #expect(state.nextTimeout(context: .handshakeConfirmed, now: at(1_000)) == nil)
    }

    // MARK: - Persistent congestion

    @Test(arguments: ControllerKind.allCases)
    func persistentCongestionCollapsesTheWindow(kind: ControllerKind) throws {
        var state = RecoveryState<UInt64>.make(kind)
        state.send(0...0, from: at(0))
        try state.ack([0...0], now: at(100))
        // Packets 1...12 sent 100 ms apart from 200 ms to 1300 ms, then 13, an ACK-only packet that alone is
        // acknowledged (so no acknowledged in-flight packet grows the window afterwards).
        state.send(1...12, from: at(200), spacing: .milliseconds(100))
        state.onPacketSent(sentPacket(13, at: at(1_400), size: 40, ackEliciting: false, inFlight: false),
                           space: .applicationData, now: at(1_400))
        let (result, acked, lost) = try state.ack([13...13], now: at(1_500))
        #expect(acked == [13])
        #expect(lost == Array(1...12))
        // Persistent congestion duration: (100 + 4 * 50 + 25) ms * 3 = 975 ms < 1100 ms between 1 and 12.
        #expect(PersistentCongestion.duration(rtt: state.rtt, maxAckDelay: state.maxAckDelay)
                    == .milliseconds(975))
        #expect(result.persistentCongestion)
        #expect(result.congestionEvent)
        #expect(state.congestionWindow == 2_400)
        #expect(state.bytesInFlight == 0)
    }

    @Test func shortLossSpanIsNotPersistentCongestion() throws {
        var state = RecoveryState<UInt64>.make()
        state.send(0...0, from: at(0))
        try state.ack([0...0], now: at(100))
        state.send(1...5, from: at(200), spacing: .milliseconds(100))
        state.send(6...6, from: at(700))
        let (result, _, lost) = try state.ack([6...6], now: at(800))
        #expect(lost == [1, 2, 3, 4, 5])
        #expect(!result.persistentCongestion)
        // 13200 halved; packet 6 was sent before the recovery period began and doesn't grow it.
        #expect(state.congestionWindow == 6_600)
    }

    // MARK: - Discarding keys

    @Test func discardingASpaceRemovesItsBytesInFlightAndResetsTheBackoff() {
        var state = RecoveryState<UInt64>.make()
        let server = RecoveryContext(isHandshakeConfirmed: false, hasHandshakeKeys: true,
                                     peerCompletedAddressValidation: true)
        state.send(0...2, space: .initial, from: at(0))
        state.onPacketSent(sentPacket(0, at: at(5), size: 1_000), space: .handshake, now: at(5))
        #expect(state.bytesInFlight == 4_600)
        #expect(state.onTimeout(context: server, now: at(999)) == .none)
        #expect(state.onTimeout(context: server, now: at(1_001)) == .probe(space: .initial, count: 2))
        #expect(state.ptoCount == 1)

        var removed: [SentPacket<UInt64>] = []
        state.discard(space: .initial, into: &removed)
        #expect(removed.map(\.payload) == [0, 1, 2])
        #expect(state.bytesInFlight == 1_000)
        #expect(state.tracker(.initial).packets.isEmpty)
        #expect(state.tracker(.handshake).bytesInFlight == 1_000)
        #expect(state.ptoCount == 0)
        // The timer now follows the Handshake packet only.
        #expect(state.nextTimeout(context: server, now: at(1_001)) == at(5) + .milliseconds(999))
        // Discarding does not count as loss.
        #expect(state.congestionWindow == 12_000)
    }

    // MARK: - Pacing and the window

    @Test func pacingDelaysABurstBeyondTheInitialWindow() throws {
        var state = RecoveryState<UInt64>.make()
        #expect(state.earliestSendTime(bytes: 1_200, now: at(0)) == nil)
        for number in UInt64(0)..<10 {
            #expect(state.earliestSendTime(bytes: 1_200, now: at(0)) == nil)
            state.onPacketSent(sentPacket(number, at: at(0)), space: .applicationData, now: at(0))
        }
        #expect(state.bytesInFlight == 12_000)
        #expect(!state.canSend(bytes: 1_200))
        #expect(state.canSend(bytes: 0))
        // Rate = 1.25 * 12000 B / 333 ms ≈ 45 kB/s: 1200 bytes take about 26.6 ms.
        let delayed = state.earliestSendTime(bytes: 1_200, now: at(0))
        let next = try #require(delayed)
        #expect(next > at(26) && next < at(27))
        #expect(state.earliestSendTime(bytes: 1_200, now: at(10)) != nil)
        #expect(state.earliestSendTime(bytes: 1_200, now: at(27)) == nil)
    }

    @Test func canSendFollowsBytesInFlight() throws {
        var state = RecoveryState<UInt64>.make()
        state.send(0...8, from: at(0))
        #expect(state.canSend(bytes: 1_200))
        #expect(!state.canSend(bytes: 1_201))
        try state.ack([0...0], now: at(50))
        #expect(state.canSend(bytes: 3_600))
    }

    @Test func maxDatagramSizeReachesTheControllerAndPacer() {
        var state = RecoveryState<UInt64>(congestionController: NewReno(), maxDatagramSize: 1_500)
        #expect(state.congestion.maxDatagramSize == 1_500)
        #expect(state.pacer.burstCapacity == 14_720)
        state.setMaxDatagramSize(1_452)
        #expect(state.maxDatagramSize == 1_452)
        #expect(state.congestion.maxDatagramSize == 1_452)
        #expect(state.pacer.burstCapacity == 14_520)
    }

    // MARK: - Errors

    @Test func ackOfAnUnsentPacketIsAProtocolViolation() throws {
        var state = RecoveryState<UInt64>.make()
        let violation = TransportError(.protocolViolation, frameType: 0x02,
                                       reason: "ACK for a packet that was not sent")
        #expect(throws: violation) {
            try state.ack([0...0], now: at(10))
        }
        state.send(0...2, from: at(0))
        #expect(throws: violation) {
            try state.ack([3...3], now: at(10))
        }
        #expect(throws: violation) {
            try state.ack([0...0], space: .handshake, now: at(10))
        }
        // Nothing changed.
        #expect(state.bytesInFlight == 3_600)
        #expect(!state.rtt.hasSample)
        var acked: [SentPacket<UInt64>] = []
        var lost: [SentPacket<UInt64>] = []
        let error = #expect(throws: TransportError.self) {
            _ = try state.onAckReceived(space: .applicationData, ranges: [5...6, 0...1], ackDelay: .zero, ecn: nil,
                                        context: .handshakeConfirmed, now: at(10), acked: &acked, lost: &lost)
        }
        #expect(error?.code == .protocolViolation)
        #expect(acked.isEmpty && lost.isEmpty)
        #expect(state.bytesInFlight == 3_600)
    }

    // MARK: - ECN

    @Test func ecnCEIncreaseIsACongestionEvent() throws {
        var state = RecoveryState<UInt64>.make()
        #expect(state.ecnCapable)
        #expect(state.ecnCodepointForNextPacket == .ect0)
        for number in UInt64(0)...3 {
            state.onPacketSent(sentPacket(number, at: at(Int64(number)), ecn: .ect0), space: .applicationData,
                               now: at(Int64(number)))
        }
        let (first, _, _) = try state.ack([0...1], ecn: ECNCounts(ect0: 2), now: at(50))
        #expect(!first.congestionEvent)
        #expect(first.ecn.validationSucceeded)
        #expect(state.ecnState == .capable)
        #expect(state.congestionWindow == 14_400)
        let (second, _, _) = try state.ack([0...3], ecn: ECNCounts(ect0: 3, ce: 1), now: at(60))
        #expect(second.congestionEvent)
        #expect(second.ecn.congestionExperienced)
        #expect(state.congestionWindow == 7_200)
        #expect(state.ecnCapable)
    }

    @Test func ecnFailsWhenCountsAreMissing() throws {
        var state = RecoveryState<UInt64>.make()
        state.onPacketSent(sentPacket(0, at: at(0), ecn: .ect0), space: .applicationData, now: at(0))
        let (result, _, _) = try state.ack([0...0], ecn: nil, now: at(50))
        #expect(result.ecn.validationFailed)
        #expect(!state.ecnCapable)
        #expect(state.ecnCodepointForNextPacket == .notECT)
    }

    @Test func ecnDisabledNeverMarks() {
        let state = RecoveryState<UInt64>(congestionController: NewReno(), ecnEnabled: false)
        #expect(!state.ecnCapable)
    }

    // MARK: - Path change

    @Test(arguments: ControllerKind.allCases)
    func pathChangeResetsRTTAndControllerAndIgnoresOldPathPackets(kind: ControllerKind) throws {
        var state = RecoveryState<UInt64>.make(kind)
        state.send(0...5, from: at(0))
        try state.ack([5...5], now: at(40))
        #expect(state.congestionWindow < 12_000)
        #expect(state.rtt.hasSample)

        state.onPersistentPathChange()
        #expect(!state.rtt.hasSample)
        #expect(state.rtt.smoothedRTT == RTTEstimator.defaultInitialRTT)
        #expect(state.congestionWindow == 12_000)
        #expect(state.ptoCount == 0)
        // Packets 3 and 4 are still outstanding; an acknowledgment of one measures the old path.
        #expect(state.bytesInFlight == 2_400)
        let (oldAck, acked, _) = try state.ack([3...3], now: at(80))
        #expect(acked == [3])
        #expect(oldAck.outcome.rttSample != nil)
        #expect(!state.rtt.hasSample)
        #expect(state.congestionWindow == 12_000)

        // Packets on the new path count again; the loss of an old one doesn't reduce the new window.
        state.send(6...8, from: at(100))
        let (newAck, _, lost) = try state.ack([8...8], now: at(130))
        #expect(lost == [4])
        #expect(!newAck.congestionEvent)
        #expect(state.rtt.latestRTT == .milliseconds(28))
        #expect(state.congestionWindow == 13_200)
        #expect(state.bytesInFlight == 2_400)
    }

    @Test func pathChangeKeepsTheCurrentDatagramSize() {
        var state = RecoveryState<UInt64>.make()
        state.setMaxDatagramSize(1_400)
        state.onPersistentPathChange()
        #expect(state.congestion.maxDatagramSize == 1_400)
        #expect(state.pacer.burstCapacity == 14_000)
    }
}
