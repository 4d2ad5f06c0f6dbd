/// The impairments of one direction of a relayed path.
///
/// A datagram goes through, in order: the outage check, the drop-tail queue, serialization at `rate`,
/// random loss, then the fixed delay plus a jitter drawn uniformly from `0...jitter`. Delivery times never
/// go backwards, so jitter does not reorder datagrams.
public struct RelayDirectionParameters: Hashable, Sendable {
    /// Bits of UDP payload per second; 0 means no rate limit (no serialization delay, no queue).
    public var rate: UInt64
    /// Fixed one-way delay in nanoseconds, added after serialization.
    public var delay: UInt64
    /// Largest extra delay in nanoseconds, drawn uniformly per datagram.
    public var jitter: UInt64
    /// Probability in 0...1 that a datagram is lost after serialization.
    public var loss: Double
    /// Capacity in bytes of the drop-tail queue in front of the serializer; `nil` means unbounded.
    public var queue: Int?

    public init(rate: UInt64 = 0, delay: UInt64 = 0, jitter: UInt64 = 0, loss: Double = 0, queue: Int? = nil) {
        self.rate = rate
        self.delay = delay
        self.jitter = jitter
        self.loss = loss
        self.queue = queue
    }

    /// Applies one setting, as parsed by ``RelaySetting``.
    public mutating func apply(_ value: RelaySetting.Value) {
        switch value {
        case .rate(let rate): self.rate = rate
        case .delay(let delay): self.delay = delay
        case .jitter(let jitter): self.jitter = jitter
        case .loss(let loss): self.loss = loss
        case .queue(let queue): self.queue = queue
        }
    }
}

/// Which directions of a path a setting or change applies to.
public enum RelayDirectionSelector: Hashable, Sendable {
    /// Both directions (a key without `up.` or `down.`).
    case both
    /// Client to target.
    case up
    /// Target to client.
    case down

    public func includes(_ direction: RelayDirection) -> Bool {
        switch self {
        case .both: return true
        case .up: return direction == .up
        case .down: return direction == .down
        }
    }
}

/// One direction of a path.
public enum RelayDirection: String, CaseIterable, Hashable, Sendable {
    /// Client to target.
    case up
    /// Target to client.
    case down
}

/// One `key=value` setting of a path, such as `rate=20mbit` or `down.delay=30ms`.
public struct RelaySetting: Hashable, Sendable {
    /// The new value of one parameter.
    public enum Value: Hashable, Sendable {
        case rate(UInt64)
        case delay(UInt64)
        case jitter(UInt64)
        case loss(Double)
        case queue(Int?)
    }

    public var directions: RelayDirectionSelector
    public var value: Value

    public init(directions: RelayDirectionSelector, value: Value) {
        self.directions = directions
        self.value = value
    }

    /// Reads `key` (`rate`, `up.delay`, ...) and its `value`.
    public init(key: String, value text: String) throws(RelayError) {
        var name = Substring(key.lowercased())
        if name.hasPrefix("up.") {
            self.directions = .up
            name = name.dropFirst(3)
        } else if name.hasPrefix("down.") {
            self.directions = .down
            name = name.dropFirst(5)
        } else {
            self.directions = .both
        }
        switch name {
        case "rate": self.value = .rate(try RelayUnits.bitsPerSecond(text, key: key))
        case "delay": self.value = .delay(try RelayUnits.nanoseconds(text, key: key))
        case "jitter": self.value = .jitter(try RelayUnits.nanoseconds(text, key: key))
        case "loss": self.value = .loss(try RelayUnits.probability(text, key: key))
        case "queue":
            let lower = text.lowercased()
            self.value = .queue(lower == "unlimited" || lower == "none" ? nil : try RelayUnits.bytes(text, key: key))
        default: throw .unknownSetting(key: key)
        }
    }
}
