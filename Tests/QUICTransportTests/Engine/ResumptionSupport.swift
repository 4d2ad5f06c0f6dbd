import Crypto
import QUICRecovery
import QUICSimulator
import QUICTLS
import QUICTransport
import QUICWire

/// A client and a server endpoint over one simulated link, for several connections in a row: the server keeps
/// its session-ticket key and token key, so a later connection can resume or present a NEW_TOKEN token.
///
/// A request/response application runs on every connection: the client sends `request` on a bidirectional
/// stream (with FIN) and the server answers with `responseSize` pattern bytes and a FIN. The client writes
/// the request as soon as it may: at once when it can send 0-RTT, otherwise when the handshake completes.
final class ResumptionHarness {
    let pair: SimulatedPair<SimQUICNode, SimQUICNode>
    let responseSize: Int
    let request = Array("GET /resource\r\n".utf8)
    var clients: [ConnectionHandle: ClientExchange] = [:]
    var servers: [ConnectionHandle: ServerExchange] = [:]
    var acceptedOrder: [ConnectionHandle] = []
    var readBuffer: [UInt8] = []

    init(
        responseSize: Int = 4_000, link: LinkParameters = LinkParameters(delay: .milliseconds(10)), seed: UInt64 = 7,
        serverTLS configureTLS: (inout TLSServerConfiguration) -> Void = { _ in },
        server configureServer: (inout EndpointConfiguration) -> Void = { _ in }
    ) {
        self.responseSize = responseSize
        var random = ConnectionRandom(seed: seed)
        let clientEndpoint = Endpoint(
            configuration: EndpointConfiguration(connection: EngineFixtures.connectionConfiguration(), random: &random),
            random: ConnectionRandom(seed: seed &+ 1))
        var tls = EngineFixtures.serverTLS()
        configureTLS(&tls)
        var serverConfiguration = EndpointConfiguration(
            connection: EngineFixtures.connectionConfiguration(), serverTLS: tls, random: &random)
        configureServer(&serverConfiguration)
        let serverEndpoint = Endpoint(configuration: serverConfiguration, random: ConnectionRandom(seed: seed &+ 2))
        self.pair = SimulatedPair(
            client: SimQUICNode(endpoint: clientEndpoint), clientAddress: EngineFixtures.clientAddress,
            server: SimQUICNode(endpoint: serverEndpoint), serverAddress: EngineFixtures.serverAddress,
            clientToServer: link, serverToClient: link, seed: seed)
        self.pair.client.onActivity = { [unowned self] _, now in self.clientActivity(now: now) }
        self.pair.server.onActivity = { [unowned self] _, _ in self.serverActivity() }
    }

    /// Opens a connection now (writing the request at once when 0-RTT is possible) and lets it send.
    func connect(sessionTicket: TLSSessionTicket? = nil, attemptEarlyData: Bool = false,
                 token: [UInt8] = []) throws -> ConnectionHandle {
        var tls = EngineFixtures.clientTLS()
        tls.sessionTicket = sessionTicket
        tls.attemptEarlyData = attemptEarlyData
        let handle = try self.pair.client.endpoint.connect(
            from: EngineFixtures.clientAddress.networkAddress, to: EngineFixtures.serverAddress.networkAddress,
            tls: tls, token: token, now: self.pair.now.quic)
        self.clients[handle] = ClientExchange(startedAt: self.pair.now)
        self.clientActivity(now: self.pair.now)
        self.pair.network.poll(self.pair.clientNode)
        return handle
    }

    func client(_ handle: ConnectionHandle) -> Connection? { self.pair.client.endpoint.connection(handle) }

    /// The server connection accepted `index`-th (0 for the first).
    func server(_ index: Int) -> Connection? {
        guard index < self.acceptedOrder.count else { return nil }
        return self.pair.server.endpoint.connection(self.acceptedOrder[index])
    }

    /// Runs until the exchange on `handle` is complete (or `budget` of virtual time passes).
    @discardableResult
    func runExchange(_ handle: ConnectionHandle, budget: SimDuration = .seconds(10)) -> Bool {
        self.pair.drive(until: self.pair.now + budget) { self.clients[handle]?.finishedAt != nil }
    }

    /// Runs until the client of `handle` holds a session ticket (and a NEW_TOKEN token, if `token`).
    @discardableResult
    func runUntilTicket(_ handle: ConnectionHandle, token: Bool = false, budget: SimDuration = .seconds(10)) -> Bool {
        self.pair.drive(until: self.pair.now + budget) {
            guard let exchange = self.clients[handle] else { return false }
            return exchange.ticket != nil && (!token || exchange.token != nil)
        }
    }

    // MARK: - Application

    private func clientActivity(now: SimInstant) {
        for (handle, exchange) in self.clients {
            guard let connection = self.client(handle) else { continue }
            var exchange = exchange
            while let event = connection.pollEvent() {
                switch event {
                case .sessionTicket(let ticket): exchange.ticket = ticket
                case .newToken(let token):
                    exchange.token = token
                    exchange.tokensReceived += 1
                case .earlyData(let accepted): exchange.earlyDataAccepted = accepted
                default: break
                }
            }
            if exchange.stream == nil, connection.canSendEarlyData || connection.isHandshakeComplete,
               let id = try? connection.openStream(.bidirectional) {
                exchange.stream = id
                exchange.requestSentAt = now
                exchange.requestSentInEarlyData = !connection.isHandshakeComplete
                _ = try? connection.write(self.request, to: id)
                try? connection.finish(id)
            }
            if let id = exchange.stream, exchange.finishedAt == nil {
                while true {
                    self.readBuffer.removeAll(keepingCapacity: true)
                    guard let (count, fin) = try? connection.read(id, into: &self.readBuffer) else { break }
                    if count > 0, exchange.firstByteAt == nil { exchange.firstByteAt = now }
                    exchange.response.append(contentsOf: self.readBuffer)
                    if fin { exchange.finishedAt = now }
                    if fin || count == 0 { break }
                }
            }
            self.clients[handle] = exchange
        }
    }

    private func serverActivity() {
        while let handle = self.pair.server.endpoint.pollAccepted() {
            self.acceptedOrder.append(handle)
            self.servers[handle] = ServerExchange()
        }
        for (handle, exchange) in self.servers {
            guard let connection = self.pair.server.endpoint.connection(handle) else { continue }
            var exchange = exchange
            while let event = connection.pollEvent() {
                if case .stream(.opened(let id)) = event, exchange.stream == nil { exchange.stream = id }
                if case .earlyData(let accepted) = event { exchange.earlyDataAccepted = accepted }
            }
            if let id = exchange.stream {
                while !exchange.requestComplete {
                    self.readBuffer.removeAll(keepingCapacity: true)
                    guard let (count, fin) = try? connection.read(id, into: &self.readBuffer) else { break }
                    exchange.request.append(contentsOf: self.readBuffer)
                    if fin { exchange.requestComplete = true }
                    if count == 0 { break }
                }
                if exchange.requestComplete, exchange.written < self.responseSize {
                    let response = (exchange.written..<self.responseSize).map(patternByte)
                    exchange.written += (try? connection.write(response, to: id)) ?? 0
                    if exchange.written == self.responseSize { try? connection.finish(id) }
                }
            }
            self.servers[handle] = exchange
        }
    }

    /// The response the server is expected to send.
    var expectedResponse: [UInt8] { (0..<self.responseSize).map(patternByte) }
}

/// What the client application saw on one connection.
struct ClientExchange {
    var startedAt: SimInstant
    var stream: StreamID?
    var requestSentAt: SimInstant?
    var requestSentInEarlyData = false
    var firstByteAt: SimInstant?
    var finishedAt: SimInstant?
    var response: [UInt8] = []
    var ticket: TLSSessionTicket?
    var token: [UInt8]?
    var tokensReceived = 0
    var earlyDataAccepted: Bool?

    /// Virtual time from connecting to the first response byte.
    var timeToFirstByte: SimDuration? { self.firstByteAt.map { $0 - self.startedAt } }
}

/// What the server application saw on one connection.
struct ServerExchange {
    var stream: StreamID?
    var request: [UInt8] = []
    var requestComplete = false
    var written = 0
    var earlyDataAccepted: Bool?
}
