import Crypto
import NIOCore
import NIOPosix
import QUICTLS
import QUICTransport
import QUICWire

/// A UDP socket (or several) speaking QUIC: a server accepting connections, or a client opening them.
///
/// ```swift
/// let identity = try DevelopmentCertificate.generate(now: Date())
/// let server = try await QUICEndpoint.server(host: "127.0.0.1", port: 4433,
///                                            configuration: QUICConfiguration(alpn: ["hq-interop"]),
///                                            options: QUICServerOptions(identity: identity))
/// for await connection in server.incomingConnections {
///     Task { for await stream in connection.incomingStreams { /* read the request, answer */ } }
/// }
/// ```
public final class QUICEndpoint: Sendable {
    let driver: EndpointDriver
    /// Every loop's driver of a server with several threads (the first is ``driver``); just ``driver`` otherwise.
    let drivers: [EndpointDriver]
    /// Server: connections whose handshake completed, in order. Ends when the endpoint closes.
    public let incomingConnections: AsyncStream<QUICConnection>
    private let firstAddress: NetworkAddress?
    /// Client made with ``client(localPaths:configuration:group:)``: its local paths with the bound ports.
    public let localPaths: [LocalPathEndpoint]

    private init(driver: EndpointDriver, incoming: AsyncStream<QUICConnection>, firstAddress: NetworkAddress?,
                 localPaths: [LocalPathEndpoint] = [], siblings: [EndpointDriver] = []) {
        self.driver = driver
        self.drivers = siblings.isEmpty ? [driver] : siblings
        self.incomingConnections = incoming
        self.firstAddress = firstAddress
        self.localPaths = localPaths
    }

    /// The address of the endpoint's first socket (with the port the system picked when 0 was asked for); nil for
    /// a client that has not connected yet.
    public var localAddress: NetworkAddress? { self.firstAddress }

    /// Binds a UDP socket on `host:port` and accepts QUIC connections on it: one socket and endpoint per event
    /// loop with ``QUICServerOptions/threads``, which share the token and stateless-reset keys, so that any loop
    /// (and, with the same keys, any machine) validates the others' tokens and resets their connections.
    /// - Throws: ``QUICError/invalidConfiguration(_:)`` when the threads, the group or the QUIC-LB settings do not
    ///   fit together, ``QUICError/socket(_:)`` when the port cannot be bound.
    public static func server(
        host: String, port: Int, configuration: QUICConfiguration, options: QUICServerOptions,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> QUICEndpoint {
        let threads = options.threads
        guard (1...256).contains(threads) else {
            throw QUICError.invalidConfiguration("threads must be 1 through 256, not \(threads)")
        }
        var loops: [any EventLoop] = []
        for loop in group.makeIterator() where loops.count < threads { loops.append(loop) }
        guard loops.count == threads else {
            throw QUICError.invalidConfiguration(
                "\(threads) threads need an event loop group of at least \(threads) loops, not \(loops.count)")
        }
        let balancing: QUICLoadBalancing?
        do {
            balancing = try options.loadBalancing ?? (threads > 1 ? .loops(threads) : nil)
        } catch {
            throw QUICError.invalidConfiguration("QUIC-LB: \(error)")
        }
        for (name, key) in [("statelessResetKey", options.statelessResetKey), ("tokenKey", options.tokenKey)] {
            if let key, key.count != 32 {
                throw QUICError.invalidConfiguration("\(name) must be 32 bytes, not \(key.count)")
            }
        }
        if let balancing, balancing.serverIDs.count != threads {
            throw QUICError.invalidConfiguration(
                "QUIC-LB needs one server ID per thread: \(threads) threads, \(balancing.serverIDs.count) IDs")
        }
        var common = TLSConfiguration(alpn: [], transportParameters: [], signer: options.identity)
        common.cipherSuites = configuration.cipherSuites
        var tls = TLSServerConfiguration(common: common, ticketKey: SymmetricKey(size: .bits256))
        tls.earlyDataEnabled = options.earlyData
        var shared = Self.endpointConfiguration(configuration, serverTLS: tls)
        shared.requireRetry = options.requireRetry
        shared.maxConnections = options.maxConnections
        if let key = options.statelessResetKey { shared.statelessResetKey = key }
        if let key = options.tokenKey { shared.tokenKey = key }
        let (incoming, continuation) = AsyncStream<QUICConnection>.makeStream()
        var drivers: [EndpointDriver] = []
        for (index, loop) in loops.enumerated() {
            var endpointConfiguration = shared
            if let balancing {
                do {
                    endpointConfiguration.connection.connectionIDGenerator = try QUICLBConnectionIDGenerator(
                        configuration: balancing.configuration, serverID: balancing.serverIDs[index])
                } catch {
                    throw QUICError.invalidConfiguration("QUIC-LB: \(error)")
                }
            }
            let driver = EndpointDriver(
                loop: loop, endpoint: Endpoint(configuration: endpointConfiguration, random: Self.random()),
                configuration: configuration, isServer: true)
            driver.acceptContinuation = continuation
            driver.loopIndex = index
            driver.reusePort = threads > 1
            drivers.append(driver)
        }
        if threads > 1, let balancing {
            var byServerID: [QUICLBServerID: Int] = [:]
            for (index, id) in balancing.serverIDs.enumerated() { byServerID[id] = index }
            let owners = byServerID
            for driver in drivers {
                driver.siblings = drivers
                driver.owningLoop = { datagram in balancing.owner(ofDatagram: datagram, loops: owners) }
            }
        }
        // The first socket picks the port when 0 was asked for; the others share it.
        let address = try await drivers[0].bind(host: host, port: port)
        do {
            for driver in drivers.dropFirst() { _ = try await driver.bind(host: host, port: Int(address.port)) }
        } catch {
            for driver in drivers { await driver.closeAll() }
            throw error
        }
        return QUICEndpoint(driver: drivers[0], incoming: incoming, firstAddress: address, siblings: drivers)
    }

    /// A client endpoint. With `host` it binds there at once; otherwise each connection binds an unspecified
    /// address (0.0.0.0 or ::, by the server's family) with a port the system picks.
    public static func client(
        host: String? = nil, port: Int = 0, configuration: QUICConfiguration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> QUICEndpoint {
        let driver = EndpointDriver(
            loop: group.next(),
            endpoint: Endpoint(configuration: Self.endpointConfiguration(configuration, serverTLS: nil),
                               random: Self.random()),
            configuration: configuration, isServer: false)
        let (incoming, continuation) = AsyncStream<QUICConnection>.makeStream()
        continuation.finish()
        var address: NetworkAddress?
        if let host {
            address = try await driver.bind(host: host, port: port)
        }
        return QUICEndpoint(driver: driver, incoming: incoming, firstAddress: address)
    }

    /// A multipath client endpoint with one UDP socket per local path, each bound before any connection exists
    /// (port 0 picks a free port). Connections start on the first local path; with multipath configured and
    /// negotiated, the engine's path manager opens a path from each of the others once the handshake is confirmed,
    /// keeps backup paths warm, abandons paths that fail and re-opens them (``QUICConfiguration/multipath``:
    /// its `pathManager` is created when nil, and its `locals` are replaced by `localPaths` with the bound ports).
    /// ```swift
    /// let endpoint = try await QUICEndpoint.client(localPaths: [
    ///     LocalPathEndpoint(address: .ipv4(127, 0, 0, 1, port: 0), label: "wifi"),
    ///     LocalPathEndpoint(address: .ipv4(127, 0, 0, 2, port: 0), label: "cellular", cost: .metered(costPerByte: 1)),
    /// ], configuration: configuration)
    /// ```
    /// - Throws: ``QUICError/socket(_:)`` when an address cannot be bound, ``QUICError/invalidAddress(_:)`` when
    ///   `localPaths` is empty.
    public static func client(
        localPaths: [LocalPathEndpoint], configuration: QUICConfiguration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> QUICEndpoint {
        guard let first = localPaths.first else { throw QUICError.invalidAddress("no local path given") }
        let plain = try await Self.client(host: first.address.hostString, port: Int(first.address.port),
                                          configuration: configuration, group: group)
        var bound = localPaths
        bound[0].address = plain.localAddress ?? first.address
        for index in bound.indices.dropFirst() {
            let address = bound[index].address
            bound[index].address = try await plain.driver.bind(host: address.hostString, port: Int(address.port))
        }
        var withLocals = configuration
        if withLocals.multipath != nil {
            var manager = withLocals.multipath?.pathManager ?? PathManagerConfiguration()
            manager.locals = bound
            withLocals.multipath?.pathManager = manager
            try await plain.driver.install { [withLocals] in
                Endpoint(configuration: Self.endpointConfiguration(withLocals, serverTLS: nil), random: Self.random())
            }
        }
        return QUICEndpoint(driver: plain.driver, incoming: plain.incomingConnections, firstAddress: bound[0].address,
                            localPaths: bound)
    }

    /// Opens a connection to `host:port` (an IP address or a name) and returns once its handshake completed — or,
    /// when resuming with ``QUICClientOptions/earlyData``, at once, so that the first streams carry 0-RTT data.
    ///
    /// - Throws: ``QUICError/connectionClosed(_:)`` with the reason when the handshake fails (certificate
    ///   refused, no common ALPN, timeout, ...), ``QUICError/invalidAddress(_:)`` when `host` does not resolve.
    public func connect(host: String, port: Int, options: QUICClientOptions = QUICClientOptions())
        async throws -> QUICConnection {
        let remote = try Self.resolve(host: host, port: port)
        let verifier: PeerCertificateVerifier
        switch options.verification {
        case .system: verifier = PeerCertificateVerifier(trustRoots: try TrustRoots.system())
        case .roots(let roots): verifier = PeerCertificateVerifier(trustRoots: roots)
        case .insecure: verifier = .insecureAcceptingAnyCertificate()
        }
        var common = TLSConfiguration(alpn: [], transportParameters: [])
        common.cipherSuites = self.driver.configuration.cipherSuites
        var tls = TLSClientConfiguration(common: common, serverName: options.serverName ?? host)
        tls.sessionTicket = options.resumption?.sessionTicket
        tls.attemptEarlyData = options.earlyData && options.resumption != nil
        let local = try await self.driver.socketAddress(forRemote: remote)
        let token = options.resumption?.token ?? []
        let earlyData = tls.attemptEarlyData
        let result = try await self.driver.loop.submit { [driver = self.driver, tls] () -> (QUICConnection, Bool) in
            guard !driver.isClosed else { throw QUICError.endpointClosed }
            let now = driver.now()
            let handle: ConnectionHandle
            do throws(TransportError) {
                handle = try driver.endpoint.connect(from: local, to: remote, tls: tls, token: token, now: now)
            } catch {
                throw QUICError.connectionClosed(.localTransport(error))
            }
            guard let connection = driver.endpoint.connection(handle) else {
                throw QUICError.connectionClosed(.handshakeTimeout)
            }
            let slot = driver.makeSlot(handle: handle, connection: connection, isClient: true, now: now)
            slot.verifier = verifier
            driver.metrics.opened()
            if earlyData && connection.canSendEarlyData {
                // The first flight waits for the application's first requests (at most 2 ms): written right after
                // connect returns, they leave coalesced with the Initial in 0-RTT, instead of racing a fast server
                // whose handshake may complete before they are packetized.
                driver.loop.scheduleTask(in: .milliseconds(2)) { driver.service() }
            } else {
                driver.service()
            }
            // Decided here, on the loop, before any answer from the server can be processed: checked after a
            // later hop, a fast server's handshake may already be done and the first requests miss 0-RTT.
            return (slot.facade, earlyData && connection.canSendEarlyData)
        }.get()
        let (connection, sendsEarlyData) = result
        if sendsEarlyData {
            return connection
        }
        try await connection.waitForHandshake()
        return connection
    }

    /// What the endpoint did with the datagrams no connection claimed and with its connections (summed over the
    /// loops of a server with several threads).
    public func statistics() async -> EndpointStatistics {
        var total = EndpointStatistics()
        for statistics in await self.loopStatistics() { total.add(statistics) }
        return total
    }

    /// The statistics of each event loop's endpoint, by loop index (one entry but with several threads).
    public func loopStatistics() async -> [EndpointStatistics] {
        var result: [EndpointStatistics] = []
        for driver in self.drivers {
            result.append((try? await driver.loop.submit { driver.endpoint.statistics }.get()) ?? EndpointStatistics())
        }
        return result
    }

    /// Closes every connection (application error 0) and the sockets.
    public func close() async {
        for driver in self.drivers { await driver.closeAll() }
    }

    // MARK: - Setup helpers

    private static func endpointConfiguration(_ configuration: QUICConfiguration,
                                              serverTLS: TLSServerConfiguration?) -> EndpointConfiguration {
        var transport = configuration.transport
        transport.alpn = configuration.alpn.map { Array($0.utf8) }
        transport.keyLogEnabled = configuration.keyLogPath.map { !$0.isEmpty } ?? false
        transport.peerVerification = .deferred
        // Keys that protect tokens and stateless resets come from the system's cryptographic generator.
        return EndpointConfiguration(connection: transport, serverTLS: serverTLS)
    }

    /// Connection IDs, path challenges and every other value a peer must not guess come from the system's
    /// cryptographically secure generator (RFC 9000 §9.5, §8.2.1); seeded generators are for the simulator.
    private static func random() -> ConnectionRandom {
        .system()
    }

    /// An IP literal as is; a name through the system resolver (its first address).
    static func resolve(host: String, port: Int) throws -> NetworkAddress {
        guard (0...65_535).contains(port) else { throw QUICError.invalidAddress("port \(port) is out of range") }
        if let literal = NetworkAddress(parsing: host, defaultPort: UInt16(port)) { return literal }
        // The resolver may list ::1 first; servers started with the defaults listen on 127.0.0.1.
        if host == "localhost" { return .ipv4(127, 0, 0, 1, port: UInt16(port)) }
        do {
            let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
            guard let result = NetworkAddress(address) else { throw QUICError.invalidAddress(host) }
            return result
        } catch let error as QUICError {
            throw error
        } catch {
            throw QUICError.invalidAddress("\(host): \(error)")
        }
    }
}

extension EndpointDriver {
    /// The local address a new client connection to `remote` sends from: an existing socket of the same family,
    /// or a new one on the unspecified address.
    func socketAddress(forRemote remote: NetworkAddress) async throws -> NetworkAddress {
        let existing = try await self.loop.submit { () -> NetworkAddress? in
            self.sockets.first { $0.local.sameFamily(as: remote) }?.local
        }.get()
        if let existing { return existing }
        if case .v4 = remote.ip { return try await self.bind(host: "0.0.0.0", port: 0) }
        return try await self.bind(host: "::", port: 0)
    }
}

extension NetworkAddress {
    func sameFamily(as other: NetworkAddress) -> Bool {
        switch (self.ip, other.ip) {
        case (.v4, .v4), (.v6, .v6): return true
        default: return false
        }
    }
}
