import QUICRecovery
import QUICTransport
import QUICWire

/// A client endpoint and a server endpoint joined in memory: every datagram one sends reaches the other at once,
/// and the clock moves only when both are quiet (to the earlier of their timers).
public final class EndpointPair {
    public let client: Endpoint
    public let server: Endpoint
    public let clientHandle: ConnectionHandle
    public private(set) var serverHandle: ConnectionHandle?
    public private(set) var now: QUICInstant
    private var buffer: [UInt8] = []

    /// Opens a connection from the client to `server` (a fresh server endpoint unless given).
    public init(seed: UInt64, multipath: Bool, server: Endpoint? = nil,
                start: QUICInstant = QUICInstant.origin + .seconds(1)) throws(TransportError) {
        self.client = FuzzFixtures.clientEndpoint(seed: seed, multipath: multipath)
        self.server = server ?? FuzzFixtures.serverEndpoint(seed: seed &+ 100, multipath: multipath)
        self.now = start
        self.clientHandle = try self.client.connect(
            from: FuzzFixtures.clientAddress, to: FuzzFixtures.serverAddress, tls: FuzzFixtures.clientTLS(),
            now: start)
    }

    public var clientConnection: Connection? { self.client.connection(self.clientHandle) }

    public var serverConnection: Connection? {
        if self.serverHandle == nil { self.serverHandle = self.server.pollAccepted() }
        return self.serverHandle.flatMap { self.server.connection($0) }
    }

    /// Whether both ends finished the handshake (the client has it confirmed) and neither has closed.
    public var isEstablished: Bool {
        guard let client = self.clientConnection, let server = self.serverConnection else { return false }
        return client.isHandshakeConfirmed && server.isHandshakeComplete && !client.isClosed && !server.isClosed
    }

    /// Delivers what both endpoints have to send, back and forth, until both are quiet or `limit` datagrams have
    /// moved; `observe` sees each datagram (true when the client sent it). Returns the number moved.
    @discardableResult
    public func exchange(limit: Int = 256, observe: ((Bool, [UInt8]) -> Void)? = nil) -> Int {
        var moved = 0
        var progress = true
        while progress, moved < limit {
            progress = false
            for fromClient in [true, false] {
                let sender = fromClient ? self.client : self.server
                let receiver = fromClient ? self.server : self.client
                while moved < limit, let transmit = sender.pollTransmit(now: self.now, into: &self.buffer) {
                    let datagram = Array(self.buffer[..<transmit.length])
                    observe?(fromClient, datagram)
                    let arrival = FourTuple(local: transmit.fourTuple.remote, remote: transmit.fourTuple.local)
                    receiver.handle(datagram: datagram[...], from: arrival, ecn: transmit.ecn, now: self.now)
                    moved += 1
                    progress = true
                }
            }
        }
        return moved
    }

    /// Moves the clock to the earlier timer of the two endpoints (if it is not in the past) and runs it.
    public func runNextTimer() {
        let deadlines = [self.client.nextTimeout(), self.server.nextTimeout()].compactMap { $0 }
        guard let deadline = deadlines.min() else { return }
        if deadline > self.now { self.now = deadline }
        self.client.handleTimeout(now: self.now)
        self.server.handleTimeout(now: self.now)
    }

    /// Moves the clock forward by `duration` and runs every timer due by then.
    public func advance(by duration: QUICDuration) {
        self.now = self.now + duration
        self.client.handleTimeout(now: self.now)
        self.server.handleTimeout(now: self.now)
    }

    /// Runs the handshake to completion (confirmed at the client); false if it did not finish in `rounds`.
    public func handshake(rounds: Int = 64, observe: ((Bool, [UInt8]) -> Void)? = nil) -> Bool {
        for _ in 0..<rounds {
            if self.exchange(observe: observe) == 0 {
                self.runNextTimer()
            }
            if self.isEstablished {
                // Let the last acknowledgments and HANDSHAKE_DONE settle.
                self.exchange(observe: observe)
                return true
            }
        }
        return false
    }
}
