/// Two endpoints joined by one link, driven in virtual time: the smallest harness for pair tests of a
/// sans-IO engine. Each step jumps the clock straight to the next delivery or wake-up.
public final class SimulatedPair<Client: SimulatedEndpoint, Server: SimulatedEndpoint> {
    public let network: SimNetwork
    public let client: Client
    public let server: Server
    public let clientNode: SimNodeID
    public let serverNode: SimNodeID
    /// The name of the link between them.
    public static var linkName: String {
        "pair"
    }

    /// Joins `client` at `clientAddress` and `server` at `serverAddress` with a link having `clientToServer`
    /// and `serverToClient` parameters.
    public init(
        client: Client, clientAddress: SimAddress,
        server: Server, serverAddress: SimAddress,
        clientToServer: LinkParameters = LinkParameters(), serverToClient: LinkParameters = LinkParameters(),
        seed: UInt64 = 0
    ) {
        self.network = SimNetwork(seed: seed)
        self.client = client
        self.server = server
        self.network.addLink(SimLinkSpec(name: Self.linkName, a: clientAddress, b: serverAddress,
                                         aToB: clientToServer, bToA: serverToClient))
        self.serverNode = self.network.addNode(server, addresses: [serverAddress])
        self.clientNode = self.network.addNode(client, addresses: [clientAddress])
    }

    /// The current virtual time.
    public var now: SimInstant {
        self.network.now
    }

    /// Runs until `condition` holds or nothing is left to do before `deadline`; returns whether it holds.
    @discardableResult
    public func drive(until deadline: SimInstant = .distantFuture, _ condition: () -> Bool) -> Bool {
        self.network.runUntil(deadline: deadline, condition)
    }

    /// Runs until no event is left before `deadline`.
    public func driveToQuiescence(deadline: SimInstant = .distantFuture) {
        self.network.run(until: deadline, while: { true })
    }
}
