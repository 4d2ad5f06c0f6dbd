import QUICCrypto
import QUICRecovery
import QUICSimulator
import QUICTLS
@testable import QUICTransport
import QUICWire
import Testing

/// Which end of an ``EngineHarness`` misbehaves.
enum HarnessSide {
    case client
    case server
}

/// A handshaken client/server pair where one side is turned into a misbehaving peer: it sends frames the
/// engine would never send (queued with ``Connection/injectForTesting(_:level:)``) and the test checks that
/// the other side closes with the error code RFC 9000 asks for.
final class ViolationScenario {
    let harness: EngineHarness
    let client: Connection
    let server: Connection
    var clientEvents: [ConnectionEvent] = []
    var serverEvents: [ConnectionEvent] = []

    /// Runs the handshake (unless `handshake` is false, for violations inside the handshake).
    init(handshake: Bool = true, client configureClient: (inout ConnectionConfiguration) -> Void = { _ in },
         server configureServer: (inout ConnectionConfiguration) -> Void = { _ in }) throws {
        let harness = try EngineHarness(client: configureClient, server: { configureServer(&$0.connection) })
        if handshake {
            #expect(harness.runHandshake())
        } else {
            // Let the server's connection come into existence (one flight from the client).
            harness.pair.drive(until: harness.pair.now + .seconds(1)) { harness.server != nil }
        }
        self.harness = harness
        self.client = try #require(harness.client)
        self.server = try #require(harness.server)
        self.collectEvents()
    }

    func connection(_ side: HarnessSide) -> Connection {
        side == .client ? self.client : self.server
    }

    func events(_ side: HarnessSide) -> [ConnectionEvent] {
        side == .client ? self.clientEvents : self.serverEvents
    }

    func node(_ side: HarnessSide) -> SimNodeID {
        side == .client ? self.harness.pair.clientNode : self.harness.pair.serverNode
    }

    /// Takes events from the connections themselves (the endpoint forgets terminated ones).
    func collectEvents() {
        while let event = self.client.pollEvent() { self.clientEvents.append(event) }
        while let event = self.server.pollEvent() { self.serverEvents.append(event) }
    }

    /// Queues `frames` on `side` at `level` and runs until both sides have closed; returns whether they did.
    @discardableResult
    func inject(_ frames: [Frame], from side: HarnessSide, level: EncryptionLevel = .oneRTT) -> Bool {
        for frame in frames {
            self.connection(side).injectForTesting(frame, level: level)
        }
        return self.runUntilClosed(poking: side)
    }

    /// Queues raw frame bytes on `side` and runs until both sides have closed.
    @discardableResult
    func inject(rawFrames bytes: [UInt8], from side: HarnessSide, level: EncryptionLevel = .oneRTT) -> Bool {
        self.connection(side).injectForTesting(rawFrames: bytes, level: level)
        return self.runUntilClosed(poking: side)
    }

    @discardableResult
    func runUntilClosed(poking side: HarnessSide) -> Bool {
        self.harness.pair.network.poll(self.node(side))
        return self.harness.pair.drive(until: self.harness.pair.now + .seconds(10)) {
            self.collectEvents()
            return self.closeReason(.client) != nil && self.closeReason(.server) != nil
        }
    }

    /// Runs until both connections may be freed; returns whether they got there.
    @discardableResult
    func runUntilTerminated() -> Bool {
        self.harness.pair.drive(until: self.harness.pair.now + .seconds(30)) {
            self.collectEvents()
            return self.client.isTerminated && self.server.isTerminated
        }
    }

    /// The reason in the `.closed` event `side` reported.
    func closeReason(_ side: HarnessSide) -> ConnectionCloseReason? {
        for case .closed(let reason) in self.events(side) { return reason }
        return nil
    }

    /// Checks that the side opposite to `violator` closed with `code` (and `frameType` when given), and that
    /// the violator learnt the same code from a CONNECTION_CLOSE that crossed the link.
    func expectClosed(by violator: HarnessSide, code: TransportErrorCode, frameType: UInt64? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let detector: HarnessSide = violator == .client ? .server : .client
        guard case .localTransport(let error)? = self.closeReason(detector) else {
            let reason = String(describing: self.closeReason(detector))
            Issue.record("\(detector) did not close with a transport error: \(reason)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let frameType {
            #expect(error.frameType == frameType, "\(error)", sourceLocation: sourceLocation)
        }
        guard case .peerTransport(let peerCode, let peerFrameType, _)? = self.closeReason(violator) else {
            let reason = String(describing: self.closeReason(violator))
            Issue.record("\(violator) did not receive CONNECTION_CLOSE: \(reason)", sourceLocation: sourceLocation)
            return
        }
        #expect(peerCode == code, sourceLocation: sourceLocation)
        #expect(peerFrameType == error.frameType, sourceLocation: sourceLocation)
        // RFC 9000 §10.2: closing and draining end; both connections can then be freed.
        #expect(self.runUntilTerminated(), sourceLocation: sourceLocation)
    }
}

extension Connection {
    /// A 1-RTT packet carrying exactly `payload` (possibly nothing), protected with this connection's keys:
    /// for violations the packet writer cannot produce, such as a packet without frames.
    ///
    /// - Parameter reservedBits: set in the first byte (RFC 9000 §17.3.1: they must be zero).
    func craftOneRTTPacket(payload: [UInt8], reservedBits: UInt8 = 0) throws -> [UInt8] {
        let keys = try #require(self.oneRTTWrite?.current)
        let packetNumber = self.path.nextPacketNumber
        self.path.nextPacketNumber += 1
        var writer = ByteWriter()
        let offsets = PacketHeaderWriter.writeShort(destination: self.currentPeerCID, packetNumber: packetNumber,
                                                    packetNumberLength: 4,
                                                    keyPhase: self.oneRTTWrite?.keyPhase ?? false, to: &writer)
        let headerEnd = offsets.packetNumberOffset + offsets.packetNumberLength
        writer.bytes[offsets.packetStart] |= reservedBits & 0x18
        writer.writeBytes(payload)
        writer.writeZeros(Connection.tagLength)
        let end = try keys.seal(in: &writer.bytes, headerRange: offsets.packetStart..<headerEnd,
                                payloadLength: payload.count, packetNumber: packetNumber, pathID: 0)
        try keys.applyHeaderProtection(to: &writer.bytes, packetStart: offsets.packetStart,
                                       packetNumberOffset: offsets.packetNumberOffset, packetEnd: end)
        return Array(writer.bytes[..<end])
    }
}
