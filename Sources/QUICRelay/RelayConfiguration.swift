/// Everything a relay run needs: the paths, where they lead, the seed and the timeline.
public struct RelayConfiguration: Hashable, Sendable {
    public var paths: [RelayPathConfiguration]
    public var target: RelaySocketAddress
    /// Seed of the loss and jitter draws; each path direction derives its own stream from it.
    public var seed: UInt64
    public var timeline: RelayTimeline
    /// Allows listening and target addresses outside 127.0.0.0/8 and ::1.
    public var allowNonLoopback: Bool

    public init(
        paths: [RelayPathConfiguration], target: RelaySocketAddress, seed: UInt64 = 1,
        timeline: RelayTimeline = .init(), allowNonLoopback: Bool = false
    ) {
        self.paths = paths
        self.target = target
        self.seed = seed
        self.timeline = timeline
        self.allowNonLoopback = allowNonLoopback
    }

    /// Checks the rules that involve more than one flag: unique paths, loopback-only addresses unless
    /// allowed, and timeline entries that name existing paths.
    public func validate() throws(RelayError) {
        if !self.allowNonLoopback {
            guard self.target.isLoopback else {
                throw .nonLoopbackAddress(self.target.description)
            }
            for path in self.paths where !path.listen.isLoopback {
                throw .nonLoopbackAddress(path.listen.description)
            }
        }
        var names = Set<String>()
        var addresses = Set<RelaySocketAddress>()
        for path in self.paths {
            guard names.insert(path.name).inserted else {
                throw .duplicatePath(path.name)
            }
            guard path.listen.port == 0 || addresses.insert(path.listen).inserted else {
                throw .duplicatePath(path.name)
            }
        }
        for change in self.timeline.changes where !names.contains(change.path) {
            throw .unknownPath(change.path)
        }
    }
}
