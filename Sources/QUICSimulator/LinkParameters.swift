/// The behaviour of one direction of a simulated link.
///
/// A datagram offered to the direction goes through, in order: the outage check, the MTU check, the
/// drop-tail queue (with optional CE marking), serialization at `rate`, the loss model, then propagation
/// with jitter, optional reordering and optional duplication.
public struct LinkParameters: Hashable, Sendable {
    /// Bytes per second the sender side serializes; 0 means infinitely fast (no serialization delay).
    public var rate: UInt64
    /// One-way propagation delay added after serialization.
    public var delay: SimDuration
    /// Extra delay drawn uniformly from `0...jitter` per datagram. Without ``reorderProbability`` jitter
    /// never lets a datagram overtake an earlier one: delivery times are kept in order.
    public var jitter: SimDuration
    /// Capacity of the drop-tail queue in bytes, counting datagrams waiting or being serialized. A datagram
    /// that would make the queue exceed it is dropped. `nil` means unbounded.
    public var queueCapacity: Int?
    /// The loss model applied to datagrams after they leave the queue.
    public var loss: LossModel
    /// Probability that a delivered datagram arrives twice.
    public var duplicateProbability: Double
    /// Probability that a datagram is held back by ``reorderDelay`` so later datagrams overtake it.
    public var reorderProbability: Double
    /// The extra delay of a reordered datagram.
    public var reorderDelay: SimDuration
    /// Largest datagram (UDP payload bytes) the direction carries; larger ones are dropped. `nil` means
    /// no limit.
    public var mtu: Int?
    /// When set, ECN-capable datagrams that arrive while the queue holds at least this many bytes are
    /// marked CE instead of being forwarded unchanged (RFC 3168 §5: a router sets CE rather than dropping).
    public var ceMarkingThreshold: Int?

    public init(
        rate: UInt64 = 0,
        delay: SimDuration = .zero,
        jitter: SimDuration = .zero,
        queueCapacity: Int? = nil,
        loss: LossModel = .none,
        duplicateProbability: Double = 0,
        reorderProbability: Double = 0,
        reorderDelay: SimDuration = .zero,
        mtu: Int? = nil,
        ceMarkingThreshold: Int? = nil
    ) {
        self.rate = rate
        self.delay = delay
        self.jitter = jitter
        self.queueCapacity = queueCapacity
        self.loss = loss
        self.duplicateProbability = duplicateProbability
        self.reorderProbability = reorderProbability
        self.reorderDelay = reorderDelay
        self.mtu = mtu
        self.ceMarkingThreshold = ceMarkingThreshold
    }

    /// A rate given in bits per second, as links are usually described.
    @inlinable
    public static func bytesPerSecond(bitsPerSecond: UInt64) -> UInt64 {
        bitsPerSecond / 8
    }
}
