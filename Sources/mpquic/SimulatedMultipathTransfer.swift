import Foundation
import QUICLab
import QUICRecovery
import QUICSimulator
import QUICTLS
import QUICTransport
import QUICWire

/// One emulated path of a multipath experiment: a name, a rate each way, a one-way delay and a queue.
struct ExperimentPath: Sendable {
    var name: String
    var bitsPerSecond: UInt64
    var oneWayDelayMilliseconds: UInt64
    var queueBytes: Int

    var linkParameters: LinkParameters {
        LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: self.bitsPerSecond),
                       delay: .milliseconds(self.oneWayDelayMilliseconds), queueCapacity: self.queueBytes)
    }
}

/// The download of a multipath experiment in the simulator: the client opens a second path from a second address
/// once the handshake is confirmed, the server sends `size` bytes, and the first path may go down for good at
/// `outageAfter` seconds of transfer. The same scenario as `mpquic demo` runs over real sockets, so the two can
/// be compared.
final class SimulatedMultipathTransfer {
    struct Result {
        var completed: Bool
        /// Virtual seconds from the request to the last byte.
        var seconds: Double
        /// Payload bytes the server sent on each path's link.
        var bytesPerPath: [Int]
        /// The longest time the client application waited for data after the outage (0 without one).
        var longestStall: Double
        /// The goodput before the outage (the whole transfer without one), in bits per second.
        var aggregateRate: Double
    }

    private let network: SimNetwork
    private let client: SimulatedQUICNode
    private let server: SimulatedQUICNode
    private let clientHandle: ConnectionHandle
    private var serverHandle: ConnectionHandle?
    private let size: Int
    private let secondAddress = SimAddress.v4(10, 0, 1, 1, port: 50_001)
    private var secondOpened = false
    private var serverStream: StreamID?
    private var written = 0
    private var clientStream: StreamID?
    private var requestedAt: SimInstant?
    private var received = 0
    private var finishedAt: SimInstant?
    private var lastRead: SimInstant?
    private var longestGapAfterOutage = SimDuration.zero
    private var bytesAtOutage: Int?
    private let outage: SimDuration?
    private var bytesPerLink: [String: Int] = [:]
    private let paths: [ExperimentPath]
    private var chunk = [UInt8](repeating: 0x5a, count: 64 * 1_024)
    private var readBuffer: [UInt8] = []

    init(size: Int, paths: [ExperimentPath], outageAfter: Double?, scheduler: SchedulerKind = .minRTT,
         seed: UInt64 = 1) throws {
        precondition(paths.count == 2, "the experiment has two paths")
        self.size = size
        self.paths = paths
        self.outage = outageAfter.map { SimDuration(nanoseconds: UInt64($0 * 1e9)) }
        let identity = try DevelopmentCertificate.generate(now: Date())
        let pinned = PinnedCertificates(identity)
        var configuration = ConnectionConfiguration(alpn: [Array("hq-interop".utf8)])
        configuration.peerVerification = .immediate { pinned.verdict(for: $0) }
        var multipath = MultipathConfiguration()
        multipath.scheduler = scheduler
        configuration.multipath = multipath
        configuration.streamLimits.initialMaxData = 64 << 20
        configuration.streamLimits.initialMaxStreamDataBidiLocal = 32 << 20
        configuration.streamLimits.initialMaxStreamDataBidiRemote = 32 << 20
        let (clientEndpoint, serverEndpoint) = Endpoint.simulatedPair(configuration: configuration, identity: identity, seed: seed)
        let firstAddress = SimAddress.v4(10, 0, 0, 1, port: 50_000)
        let serverAddress = SimAddress.v4(10, 0, 0, 2, port: 4_433)
        self.clientHandle = try clientEndpoint.connect(
            from: firstAddress.networkAddress, to: serverAddress.networkAddress,
            tls: TLSClientConfiguration(common: TLSConfiguration(alpn: [], transportParameters: []),
                                        serverName: "localhost"),
            now: .origin)
        self.network = SimNetwork(seed: seed)
        self.network.addLink(SimLinkSpec(name: paths[0].name, a: firstAddress, b: serverAddress,
                                         symmetric: paths[0].linkParameters))
        self.network.addLink(SimLinkSpec(name: paths[1].name, a: self.secondAddress, b: serverAddress,
                                         symmetric: paths[1].linkParameters))
        self.client = SimulatedQUICNode(endpoint: clientEndpoint)
        self.server = SimulatedQUICNode(endpoint: serverEndpoint)
        _ = self.network.addNode(self.server, addresses: [serverAddress])
        let clientNode = self.network.addNode(self.client, addresses: [firstAddress, self.secondAddress])
        self.network.traceHandler = { [unowned self] event in
            if case .enqueue(_, let link, .bToA, let datagram, _) = event {
                self.bytesPerLink[link, default: 0] += datagram.payload.count
            }
        }
        self.client.onActivity = { [unowned self] in self.clientActivity() }
        self.server.onActivity = { [unowned self] in self.serverActivity() }
        self.network.poll(clientNode)
    }

    /// Runs until the download completes or `limit` virtual seconds pass.
    func run(limit: Double = 600) -> Result {
        let deadline = SimInstant.zero + SimDuration(nanoseconds: UInt64(limit * 1e9))
        let completed = self.network.runUntil(deadline: deadline) { self.finishedAt != nil }
        let start = self.requestedAt ?? .zero
        let end = self.finishedAt ?? self.network.now
        let seconds = Double((end - start).nanoseconds) / 1e9
        var rate = seconds > 0 ? Double(self.received) * 8 / seconds : 0
        if let outage = self.outage, let bytes = self.bytesAtOutage, outage.nanoseconds > 0 {
            rate = Double(bytes) * 8 / (Double(outage.nanoseconds) / 1e9)
        }
        return Result(completed: completed && self.finishedAt != nil, seconds: seconds,
                      bytesPerPath: self.paths.map { self.bytesPerLink[$0.name] ?? 0 },
                      longestStall: Double(self.longestGapAfterOutage.nanoseconds) / 1e9, aggregateRate: rate)
    }

    private var clientConnection: Connection? { self.client.endpoint.connection(self.clientHandle) }

    private func clientActivity() {
        guard let connection = self.clientConnection else { return }
        while connection.pollEvent() != nil {}
        let now = self.network.now
        if !self.secondOpened, connection.isHandshakeConfirmed, connection.isMultipathNegotiated {
            self.secondOpened = (try? connection.openPath(localAddress: self.secondAddress.networkAddress,
                                                          label: self.paths[1].name, now: now.quicInstant)) != nil
        }
        if self.clientStream == nil, connection.isHandshakeComplete,
           let id = try? connection.openStream(.bidirectional) {
            self.clientStream = id
            self.requestedAt = now
            _ = try? connection.write(Array("GET /\(self.size)\r\n".utf8), to: id)
            try? connection.finish(id)
            if let outage = self.outage {
                let at = now + outage
                self.network.schedule(ScheduledLinkChange(at: at, link: self.paths[0].name, .down))
            }
        }
        guard let id = self.clientStream, self.finishedAt == nil else { return }
        while let (count, fin) = try? connection.read(id, into: &self.readBuffer, maxLength: 1 << 20) {
            self.readBuffer.removeAll(keepingCapacity: true)
            if count > 0 { self.noteRead(count, now: now) }
            if fin {
                self.finishedAt = now
                return
            }
            if count == 0 { return }
        }
    }

    private func noteRead(_ count: Int, now: SimInstant) {
        self.received += count
        if let outage = self.outage, let requested = self.requestedAt {
            let outageTime = requested + outage
            if now >= outageTime {
                if self.bytesAtOutage == nil { self.bytesAtOutage = self.received - count }
                let gap = now - max(self.lastRead ?? outageTime, outageTime)
                if gap > self.longestGapAfterOutage { self.longestGapAfterOutage = gap }
            }
        }
        self.lastRead = now
    }

    private func serverActivity() {
        if self.serverHandle == nil { self.serverHandle = self.server.endpoint.pollAccepted() }
        guard let handle = self.serverHandle, let connection = self.server.endpoint.connection(handle) else { return }
        while let event = connection.pollEvent() {
            if case .stream(.opened(let id)) = event, self.serverStream == nil { self.serverStream = id }
        }
        guard let id = self.serverStream else { return }
        while self.written < self.size {
            let count = min(self.chunk.count, self.size - self.written)
            guard let accepted = try? connection.write(self.chunk[..<count], to: id), accepted > 0 else { return }
            self.written += accepted
        }
        try? connection.finish(id)
    }
}
