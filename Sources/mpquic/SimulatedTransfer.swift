import Foundation
import Glibc
import QUICLab
import QUICRecovery
import QUICSimulator
import QUICTLS
import QUICTransport
import QUICWire

/// One download over a simulated link: the client asks for `size` bytes on a bidirectional stream and the
/// server sends them. The server's certificate is a development certificate the client pins.
final class SimulatedTransfer {
    struct Result {
        var virtualSeconds: Double
        var completed: Bool
        var bytes: Int
        var clientStats: ConnectionStatistics
        var serverStats: ConnectionStatistics
        var sendCPUNanoseconds: UInt64
        var receiveCPUNanoseconds: UInt64
    }

    let pair: SimulatedPair<SimulatedQUICNode, SimulatedQUICNode>
    let clientHandle: ConnectionHandle
    let size: Int
    private var serverHandle: ConnectionHandle?
    private var serverStream: StreamID?
    private var written = 0
    private var clientStream: StreamID?
    private var received = 0
    private var finished = false
    private var chunk: [UInt8]
    private var readBuffer: [UInt8] = []

    init(size: Int, rateBitsPerSecond: UInt64, oneWayDelayMilliseconds: UInt64, queueBytes: Int, lossRate: Double,
         seed: UInt64) throws {
        self.size = size
        self.chunk = [UInt8](repeating: 0x5a, count: 64 * 1_024)
        let identity = try DevelopmentCertificate.generate(now: Date())
        let pinned = PinnedCertificates(identity)
        var configuration = ConnectionConfiguration(alpn: [Array("hq-interop".utf8)])
        // The client pins the server's development certificate (no chain building in the measured loop).
        configuration.peerVerification = .immediate { pinned.verdict(for: $0) }
        let (client, server) = Endpoint.simulatedPair(configuration: configuration, identity: identity, seed: seed)
        let clientAddress = SimAddress.v4(10, 0, 0, 1, port: 50_000)
        let serverAddress = SimAddress.v4(10, 0, 0, 2, port: 4_433)
        self.clientHandle = try client.connect(
            from: clientAddress.networkAddress, to: serverAddress.networkAddress,
            tls: TLSClientConfiguration(common: TLSConfiguration(alpn: [], transportParameters: []),
                                        serverName: "localhost"),
            now: .origin)
        let link = LinkParameters(rate: LinkParameters.bytesPerSecond(bitsPerSecond: rateBitsPerSecond),
                                  delay: .milliseconds(oneWayDelayMilliseconds), queueCapacity: queueBytes,
                                  loss: lossRate > 0 ? .bernoulli(probability: lossRate) : .none)
        self.pair = SimulatedPair(client: SimulatedQUICNode(endpoint: client), clientAddress: clientAddress,
                                  server: SimulatedQUICNode(endpoint: server), serverAddress: serverAddress,
                                  clientToServer: link, serverToClient: link, seed: seed)
        self.pair.client.cpuClock = Self.monotonicNanoseconds
        self.pair.server.cpuClock = Self.monotonicNanoseconds
        self.pair.client.onActivity = { [unowned self] in self.clientActivity() }
        self.pair.server.onActivity = { [unowned self] in self.serverActivity() }
        self.pair.network.poll(self.pair.clientNode)
    }

    /// The monotonic clock (a vDSO call, unlike the thread CPU clock): the run is single-threaded and CPU-bound, so
    /// time inside the engine calls is CPU time spent in them.
    static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    private func clientActivity() {
        guard let connection = self.pair.client.endpoint.connection(self.clientHandle) else { return }
        while connection.pollEvent() != nil {}
        if self.clientStream == nil, connection.isHandshakeComplete,
           let id = try? connection.openStream(.bidirectional) {
            self.clientStream = id
            _ = try? connection.write(Array("GET /\(self.size)\r\n".utf8), to: id)
            try? connection.finish(id)
        }
        guard let id = self.clientStream, !self.finished else { return }
        while true {
            self.readBuffer.removeAll(keepingCapacity: true)
            guard let (count, fin) = try? connection.read(id, into: &self.readBuffer, maxLength: 1 << 20) else { return }
            self.received += count
            if fin { self.finished = true }
            if count == 0 || fin { return }
        }
    }

    private func serverActivity() {
        if self.serverHandle == nil { self.serverHandle = self.pair.server.endpoint.pollAccepted() }
        guard let handle = self.serverHandle, let connection = self.pair.server.endpoint.connection(handle) else {
            return
        }
        while let event = connection.pollEvent() {
            if case .stream(.opened(let id)) = event, self.serverStream == nil { self.serverStream = id }
        }
        guard let id = self.serverStream else { return }
        while self.written < self.size {
            let count = min(self.chunk.count, self.size - self.written)
            guard let accepted = try? connection.write(self.chunk[..<count], to: id), accepted > 0 else { break }
            self.written += accepted
            if accepted < count { break }
        }
        if self.written == self.size { try? connection.finish(id) }
    }

    func run(virtualSecondsLimit: UInt64) -> Result {
        self.pair.drive(until: SimInstant.zero + .seconds(virtualSecondsLimit)) { self.finished }
        let client = self.pair.client.endpoint.connection(self.clientHandle)
        let server = self.serverHandle.flatMap { self.pair.server.endpoint.connection($0) }
        return Result(
            virtualSeconds: Double(self.pair.now.nanoseconds) / 1e9, completed: self.finished, bytes: self.received,
            clientStats: client?.stats ?? ConnectionStatistics(), serverStats: server?.stats ?? ConnectionStatistics(),
            sendCPUNanoseconds: self.pair.client.sendNanoseconds + self.pair.server.sendNanoseconds,
            receiveCPUNanoseconds: self.pair.client.receiveNanoseconds + self.pair.server.receiveNanoseconds)
    }
}
