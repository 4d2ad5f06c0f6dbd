/// The paths of one multipath connection whose congestion controllers are coupled.
///
/// RFC 6356 §3 couples "the congestion control algorithms running on different subflows by linking their
/// increase functions": a path's window grows from the windows and round-trip times of all paths. Each
/// path's controller (``LinkedIncreases`` or ``OpportunisticLinkedIncreases``) joins the group of its
/// connection when it is made, publishes its ``CoupledPathState`` whenever its window or RTT changes, and
/// reads the coupling terms from the group when it grows its window in congestion avoidance.
///
/// The group is sans-IO and single-owner, like the connection that owns it: no clock, no lock, not
/// `Sendable`. Controllers are values that keep a reference to their group, so copies of one controller
/// (a saved initial state, say) speak for the same path.
///
/// The connection removes a path with ``leave(_:)`` when the path is abandoned, and sets a path that
/// stops carrying data for a while (a backup path) inactive with ``setActive(_:for:)``: every path counted
/// makes the others more cautious.
public final class CoupledPathGroup {
    /// A path's place in the group.
    ///
    /// A member that has left is never confused with a later one that reuses its slot: the generation
    /// differs, and publishing for a stale member does nothing.
    public struct Member: Hashable, Sendable {
        @usableFromInline let slot: Int
        @usableFromInline let generation: UInt32

        @inlinable
        init(slot: Int, generation: UInt32) {
            self.slot = slot
            self.generation = generation
        }
    }

    @usableFromInline
    struct Slot {
        @usableFromInline var generation: UInt32
        @usableFromInline var state: CoupledPathState?
        /// Whether the other paths count this one (it keeps publishing either way).
        @usableFromInline var isActive: Bool
    }

    @usableFromInline var slots: [Slot]

    public init() {
        self.slots = []
    }

    /// The number of paths in the group, active or not.
    public var count: Int {
        var count = 0
        for slot in self.slots where slot.state != nil {
            count += 1
        }
        return count
    }

    /// Counts or stops counting `member` in the other paths' coupling terms, e.g. while it is a backup path
    /// that carries no data (draft-ietf-quic-multipath PATH_STATUS_BACKUP). A path still sees itself.
    public func setActive(_ active: Bool, for member: Member) {
        guard self.contains(member) else { return }
        self.slots[member.slot].isActive = active
    }

    /// Whether `member` is in the group and counted by the other paths.
    public func isActive(_ member: Member) -> Bool {
        self.contains(member) && self.slots[member.slot].isActive
    }

    /// The members currently in the group, in slot order.
    public var members: [Member] {
        var members: [Member] = []
        for (index, slot) in self.slots.enumerated() where slot.state != nil {
            members.append(Member(slot: index, generation: slot.generation))
        }
        return members
    }

    /// Adds a path with its current state; the returned member identifies it from now on.
    public func join(_ state: CoupledPathState) -> Member {
        if let free = self.slots.firstIndex(where: { $0.state == nil }) {
            self.slots[free].state = state
            self.slots[free].isActive = true
            return Member(slot: free, generation: self.slots[free].generation)
        }
        self.slots.append(Slot(generation: 0, state: state, isActive: true))
        return Member(slot: self.slots.count - 1, generation: 0)
    }

    /// Records a path's new window, RTT or inter-loss distance. Does nothing for a member that has left.
    @inlinable
    public func publish(_ state: CoupledPathState, for member: Member) {
        guard self.contains(member) else { return }
        self.slots[member.slot].state = state
    }

    /// Removes a path; its slot may be reused by a later path under a new generation.
    public func leave(_ member: Member) {
        guard self.contains(member) else { return }
        self.slots[member.slot].state = nil
        self.slots[member.slot].generation &+= 1
    }

    /// Whether `member` is in the group.
    @inlinable
    public func contains(_ member: Member) -> Bool {
        member.slot >= 0 && member.slot < self.slots.count && self.slots[member.slot].generation == member.generation
            && self.slots[member.slot].state != nil
    }

    /// The state `member` last published, nil when it has left.
    public func state(of member: Member) -> CoupledPathState? {
        guard self.contains(member) else { return nil }
        return self.slots[member.slot].state
    }

    /// Calls `body` with the state of every active path, `own` standing in for `member`.
    ///
    /// The asking path's freshest values are used even if it has not published them yet, and a path that
    /// has left still sees itself (then alone, it behaves like a single-path controller).
    @inlinable
    func forEachPath(as member: Member, own: CoupledPathState, _ body: (CoupledPathState) -> Void) {
        var sawOwn = false
        for (index, slot) in self.slots.enumerated() {
            guard let state = slot.state else { continue }
            if index == member.slot && slot.generation == member.generation {
                sawOwn = true
                body(own)
            } else if slot.isActive {
                body(state)
            }
        }
        if !sawOwn {
            body(own)
        }
    }
}
