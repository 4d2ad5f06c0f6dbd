/// The three packet number spaces of RFC 9000 §12.3.
///
/// With multipath, every path has its own application data space; a `SentPacketTracker` per path covers
/// that, and this enum only says which kind of space a tracker belongs to.
public enum PacketNumberSpace: Int, CaseIterable, Hashable, Sendable {
    /// Initial packets.
    case initial = 0
    /// Handshake packets.
    case handshake = 1
    /// 0-RTT and 1-RTT packets.
    case applicationData = 2
}

/// One value per packet number space, stored inline (no allocation).
public struct PerSpace<Value> {
    public var initial: Value
    public var handshake: Value
    public var applicationData: Value

    @inlinable
    public init(initial: Value, handshake: Value, applicationData: Value) {
        self.initial = initial
        self.handshake = handshake
        self.applicationData = applicationData
    }

    /// The same value in every space.
    @inlinable
    public init(repeating value: Value) {
        self.init(initial: value, handshake: value, applicationData: value)
    }

    @inlinable
    public subscript(space: PacketNumberSpace) -> Value {
        get {
            switch space {
            case .initial: return self.initial
            case .handshake: return self.handshake
            case .applicationData: return self.applicationData
            }
        }
        // Yields the stored value in place: mutating through the subscript (for example appending to a tracker's
        // packet list) must not copy the value, which would make every sent packet cost O(packets in flight).
        _modify {
            switch space {
            case .initial: yield &self.initial
            case .handshake: yield &self.handshake
            case .applicationData: yield &self.applicationData
            }
        }
    }
}

extension PerSpace: Sendable where Value: Sendable {}
extension PerSpace: Equatable where Value: Equatable {}
extension PerSpace: Hashable where Value: Hashable {}
