/// The description of a link between two addresses: one on its `a` side (typically a client interface)
/// and one on its `b` side (typically a server), with independent parameters per direction.
public struct SimLinkSpec: Hashable, Sendable {
    /// Unique within a network; also names the link's random streams.
    public var name: String
    public var a: SimAddress
    public var b: SimAddress
    /// The public address a NAT on the `a` side gives `a`'s traffic, or `nil` for no NAT.
    public var natAddress: SimAddress?
    public var aToB: LinkParameters
    public var bToA: LinkParameters

    public init(name: String, a: SimAddress, b: SimAddress, natAddress: SimAddress? = nil,
                aToB: LinkParameters, bToA: LinkParameters) {
        self.name = name
        self.a = a
        self.b = b
        self.natAddress = natAddress
        self.aToB = aToB
        self.bToA = bToA
    }

    /// A link with the same parameters in both directions.
    public init(name: String, a: SimAddress, b: SimAddress, natAddress: SimAddress? = nil,
                symmetric parameters: LinkParameters) {
        self.init(name: name, a: a, b: b, natAddress: natAddress, aToB: parameters, bToA: parameters)
    }
}

/// A link inside a running network.
struct SimLink {
    var spec: SimLinkSpec
    var aToB: LinkDirectionState
    var bToA: LinkDirectionState

    init(spec: SimLinkSpec, seed: UInt64) {
        self.spec = spec
        self.aToB = LinkDirectionState(parameters: spec.aToB, seed: seed, label: spec.name + "/a->b")
        self.bToA = LinkDirectionState(parameters: spec.bToA, seed: seed, label: spec.name + "/b->a")
    }

    /// The address the `b` side sees for (and sends to, to reach) the `a` side.
    var aPublicAddress: SimAddress {
        self.spec.natAddress ?? self.spec.a
    }

    subscript(direction: LinkDirectionID) -> LinkDirectionState {
        get {
            switch direction {
            case .aToB:
                return self.aToB
            case .bToA:
                return self.bToA
            }
        }
        _modify {
            switch direction {
            case .aToB:
                yield &self.aToB
            case .bToA:
                yield &self.bToA
            }
        }
    }
}

/// A value describing a whole experiment's network: links with their parameters, a schedule of changes
/// and the seed every random choice derives from. ``SimNetwork/init(scenario:)`` builds it; endpoints are
/// attached afterwards with ``SimNetwork/addNode(_:addresses:)``.
public struct SimScenario: Hashable, Sendable {
    public var seed: UInt64
    public var links: [SimLinkSpec]
    public var schedule: [ScheduledLinkChange]

    public init(seed: UInt64, links: [SimLinkSpec] = [], schedule: [ScheduledLinkChange] = []) {
        self.seed = seed
        self.links = links
        self.schedule = schedule
    }

    /// An outage of the named link in both directions from `start` for `duration`.
    public mutating func addOutage(link: String, from start: SimInstant, for duration: SimDuration) {
        self.schedule.append(ScheduledLinkChange(at: start, link: link, .down))
        self.schedule.append(ScheduledLinkChange(at: start + duration, link: link, .up))
    }
}
