import QUICWire

/// Up to `PathSelection.capacity` path IDs stored inline, so that a decision never allocates.
///
/// Why a fixed-capacity inline collection rather than `[PathID]` or "primary + optional redundant": the
/// scheduler runs once per packet, and an array would allocate for every decision; a primary/secondary pair
/// could not express "every usable path" for redundant traffic on three or more paths. Eight paths cover any
/// realistic multipath connection (a device rarely has more than a few interfaces); when more paths are
/// usable, a redundant decision keeps the first eight in snapshot order, and `append` reports the overflow.
public struct PathSelection: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral {
    public static let capacity = 8

    @usableFromInline
    internal var storage: (PathID, PathID, PathID, PathID, PathID, PathID, PathID, PathID) = (0, 0, 0, 0, 0, 0, 0, 0)
    public private(set) var count: Int = 0

    public init() {}

    public init(_ path: PathID) {
        self.storage.0 = path
        self.count = 1
    }

    /// Keeps the first `capacity` elements of `elements`.
    public init(arrayLiteral elements: PathID...) {
        for path in elements { self.append(path) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { self.count }

    public subscript(position: Int) -> PathID {
        precondition(position >= 0 && position < self.count, "PathSelection index out of range")
        return withUnsafeBytes(of: self.storage) { $0.load(fromByteOffset: position * 4, as: PathID.self) }
    }

    public var isFull: Bool { self.count == PathSelection.capacity }

    /// Adds a path; returns false (and keeps the selection unchanged) when it is full.
    @discardableResult
    public mutating func append(_ path: PathID) -> Bool {
        guard self.count < PathSelection.capacity else { return false }
        withUnsafeMutableBytes(of: &self.storage) {
            $0.storeBytes(of: path, toByteOffset: self.count * 4, as: PathID.self)
        }
        self.count += 1
        return true
    }

    public static func == (lhs: PathSelection, rhs: PathSelection) -> Bool {
        lhs.elementsEqual(rhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.count)
        for path in self { hasher.combine(path) }
    }
}

extension PathSelection: CustomStringConvertible {
    public var description: String {
        "[" + self.map(String.init).joined(separator: ", ") + "]"
    }
}

/// The answer of a `PacketScheduler` for one packet.
public enum SchedulingDecision: Sendable, Hashable {
    /// Build the packet and send it on each of these paths (one path, or several copies for redundancy).
    case send(on: PathSelection)
    /// Nothing can be sent now: every eligible path is congestion- or pacing-limited (or, for a pinned
    /// intent, the pinned path cannot send). The connection tries again when an ACK, a timer or a new path
    /// changes the snapshots.
    case wait

    /// The chosen paths (empty when waiting).
    public var paths: PathSelection {
        switch self {
        case .send(let paths): return paths
        case .wait: return PathSelection()
        }
    }

    /// The single chosen path, or the first of several.
    public var primaryPath: PathID? { self.paths.first }
}
