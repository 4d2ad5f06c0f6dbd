/// The constants of RFC 9002 §6 and §7 (Appendix A.2 and B.1).
public enum RecoveryConstants {
    /// RFC 9002 §6.1.1: "The RECOMMENDED initial value for the packet reordering threshold
    /// (kPacketThreshold) is 3".
    public static let packetThreshold: UInt64 = 3
    /// RFC 9002 §6.1.2: "The RECOMMENDED time threshold (kTimeThreshold), expressed as an RTT
    /// multiplier, is 9/8." Kept as a numerator/denominator pair to stay in integer arithmetic.
    public static let timeThresholdNumerator: Int64 = 9
    public static let timeThresholdDenominator: Int64 = 8
    /// RFC 9002 §6.1.2: "The RECOMMENDED value of the timer granularity (kGranularity) is 1 millisecond."
    public static let granularity = QUICDuration.milliseconds(1)
    /// RFC 9002 §7.6.1: "kPersistentCongestionThreshold of 3 results in behavior that is approximately
    /// equivalent to a TCP sender declaring an RTO after two TLPs."
    public static let persistentCongestionThreshold: Int64 = 3
    /// RFC 9000 §18.2: "If this value is absent, a default of 25 milliseconds is assumed" (max_ack_delay).
    public static let defaultMaxAckDelay = QUICDuration.milliseconds(25)
}
