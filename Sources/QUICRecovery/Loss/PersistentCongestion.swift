/// Persistent congestion detection (RFC 9002 §7.6).
public enum PersistentCongestion {
    /// RFC 9002 §7.6.1: "The persistent congestion duration is computed as follows:
    /// (smoothed_rtt + max(4*rttvar, kGranularity) + max_ack_delay) * kPersistentCongestionThreshold.
    /// Unlike the PTO computation in Section 6.2, this duration includes the max_ack_delay irrespective of
    /// the packet number spaces in which losses are established."
    public static func duration(rtt: RTTEstimator, maxAckDelay: QUICDuration) -> QUICDuration {
        (rtt.probeTimeoutWithoutAckDelay + maxAckDelay) * RecoveryConstants.persistentCongestionThreshold
    }

    /// Whether a batch of lost packets from one packet number space establishes persistent congestion.
    ///
    /// RFC 9002 §7.6.2: "A sender establishes persistent congestion after the receipt of an
    /// acknowledgment if two packets that are ack-eliciting are declared lost, and: across all packet
    /// number spaces, none of the packets sent between the send times of these two packets are
    /// acknowledged; the duration between the send times of these two packets exceeds the persistent
    /// congestion duration (Section 7.6.1); and a prior RTT sample existed when these two packets were
    /// sent."
    ///
    /// "These two packets MUST be ack-eliciting" and "The persistent congestion period SHOULD NOT start
    /// until there is at least one RTT sample": packets sent before the first RTT sample are ignored.
    ///
    /// This checks one space at a time and treats any gap in packet numbers inside the batch as a packet
    /// that may have been acknowledged, ending the span. That can miss persistent congestion that spans
    /// an earlier loss batch or a skipped packet number, but never declares it falsely.
    ///
    /// - Parameters:
    ///   - lost: the packets declared lost by one ACK, in increasing packet number order.
    ///   - firstRTTSampleTime: when the path's first RTT sample was taken; nil means no sample yet.
    ///   - duration: the persistent congestion duration.
    public static func isEstablished<Payload>(lost: some Collection<SentPacket<Payload>>,
                                              firstRTTSampleTime: QUICInstant?,
                                              duration: QUICDuration) -> Bool {
        guard let firstSample = firstRTTSampleTime else { return false }
        var spanStart: QUICInstant?
        var previousNumber: UInt64?
        for packet in lost {
            // A gap means packets in between were acknowledged (or unknown): the span restarts.
            if let previous = previousNumber, packet.packetNumber != previous &+ 1 {
                spanStart = nil
            }
            previousNumber = packet.packetNumber
            // Packets sent before the first RTT sample neither start nor end a span.
            guard packet.timeSent > firstSample else {
                spanStart = nil
                continue
            }
            guard packet.isAckEliciting else { continue }
            if let start = spanStart {
                if packet.timeSent - start > duration {
                    return true
                }
            } else {
                spanStart = packet.timeSent
            }
        }
        return false
    }
}
