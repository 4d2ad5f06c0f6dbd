/// Which directions of a link a change applies to.
public enum LinkDirectionSelector: Hashable, Sendable {
    /// Traffic from the link's `a` side to its `b` side.
    case aToB
    /// Traffic from the link's `b` side to its `a` side.
    case bToA
    case both

    func includes(_ direction: LinkDirectionID) -> Bool {
        switch self {
        case .both:
            return true
        case .aToB:
            return direction == .aToB
        case .bToA:
            return direction == .bToA
        }
    }
}

/// One direction of a link.
public enum LinkDirectionID: Hashable, Sendable {
    case aToB
    case bToA
}

/// A change to a link at a point in simulated time.
public enum LinkChange: Hashable, Sendable {
    /// The selected directions stop carrying traffic: new datagrams and those still queued or in flight
    /// are dropped with ``DropReason/linkDown``.
    case down
    /// The selected directions carry traffic again.
    case up
    /// A new rate in bytes per second for datagrams enqueued from now on; datagrams already queued keep
    /// the departure times they were given.
    case rate(UInt64)
    /// A new propagation delay for datagrams serialized from now on.
    case delay(SimDuration)
    /// A new jitter bound.
    case jitter(SimDuration)
    /// A new loss model (its chain state and counter carry over).
    case loss(LossModel)
    /// Replaces all parameters of the selected directions.
    case parameters(LinkParameters)
    /// NAT rebinding on the `a` side: from now on the `b` side sees traffic from `a` as coming from this
    /// public address, and reaches `a` by sending to it. The old public address stops working. `nil`
    /// removes the NAT. The direction selector is ignored: a binding belongs to the whole link.
    case natRebinding(SimAddress?)
    /// The `a` side's own address becomes this one (for example a new DHCP lease): the node owning the
    /// old address owns the new one instead and is told so. The direction selector is ignored.
    case addressChange(SimAddress)
}

/// A ``LinkChange`` to apply to a named link at `time`.
public struct ScheduledLinkChange: Hashable, Sendable {
    public var time: SimInstant
    public var link: String
    public var directions: LinkDirectionSelector
    public var change: LinkChange

    public init(at time: SimInstant, link: String, directions: LinkDirectionSelector = .both, _ change: LinkChange) {
        self.time = time
        self.link = link
        self.directions = directions
        self.change = change
    }
}
