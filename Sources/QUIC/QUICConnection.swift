import NIOCore
import QUICRecovery
import QUICTLS
import QUICTransport
import QUICWire

/// One QUIC connection: streams, datagrams, events, statistics. Cheap to share between tasks; every call hops to
/// the connection's event loop.
public final class QUICConnection: Sendable {
    let driver: EndpointDriver
    let handle: ConnectionHandle
    /// Streams the peer opened, in order. Ends when the connection ends.
    public let incomingStreams: AsyncStream<QUICStream>
    /// DATAGRAM frames received (RFC 9221), oldest first; the oldest are dropped past 1,024 unread.
    public let datagrams: AsyncStream<[UInt8]>
    /// What happens to the connection; ends with ``QUICConnectionEvent/closed(_:)``.
    public let events: AsyncStream<QUICConnectionEvent>

    init(driver: EndpointDriver, handle: ConnectionHandle, incomingStreams: AsyncStream<QUICStream>,
         datagrams: AsyncStream<[UInt8]>, events: AsyncStream<QUICConnectionEvent>) {
        self.driver = driver
        self.handle = handle
        self.incomingStreams = incomingStreams
        self.datagrams = datagrams
        self.events = events
    }

    /// The negotiated application protocol, once the handshake completed.
    public var alpn: String? {
        get async {
            try? await self.driver.withSlot(self.handle) { slot in
                slot.connection.alpn.map { String(decoding: $0, as: UTF8.self) }
            }
        }
    }

    /// The current 4-tuple (local, remote).
    public var fourTuple: FourTuple? {
        get async { try? await self.driver.withSlot(self.handle) { $0.connection.fourTuple } }
    }

    /// The peer's current address.
    public var remoteAddress: NetworkAddress? {
        get async { await self.fourTuple?.remote }
    }

    /// Whether streams opened now carry 0-RTT data (a resuming client before the handshake completed).
    public var canSendEarlyData: Bool {
        get async { (try? await self.driver.withSlot(self.handle) { $0.connection.canSendEarlyData }) ?? false }
    }

    /// Returns once both sides verified the handshake.
    /// - Throws: ``QUICError/connectionClosed(_:)`` when it fails.
    public func waitForHandshake() async throws {
        try await self.driver.suspend(self.handle) { (slot, continuation: CheckedContinuation<Void, any Error>) in
            if slot.isHandshakeComplete {
                continuation.resume()
            } else if let reason = slot.closeReason {
                continuation.resume(throwing: QUICError.connectionClosed(reason))
            } else {
                slot.handshakeWaiters.append(continuation)
            }
        }
    }

    /// Opens a stream, waiting while the peer's stream limit (MAX_STREAMS) allows no more.
    public func openStream(bidirectional: Bool = true) async throws -> QUICStream {
        let direction: StreamID.Direction = bidirectional ? .bidirectional : .unidirectional
        let driver = self.driver
        let id = try await driver.suspend(self.handle) {
            (slot, continuation: CheckedContinuation<StreamID, any Error>) in
            do throws(StreamError) {
                continuation.resume(returning: try slot.connection.openStream(direction))
            } catch .streamLimitReached {
                slot.openWaiters.append((direction, continuation))
            } catch {
                continuation.resume(throwing: driver.streamFailure(error, slot: slot))
            }
        }
        return QUICStream(connection: self, id: id)
    }

    /// Sends one DATAGRAM frame (unreliable: it may be lost; it is never retransmitted). It waits in the
    /// connection's queue until a path can carry it: `transport.datagramSendQueueLimit` bounds that queue (the
    /// oldest waiting one is dropped) and `transport.datagramMaxQueueDelay`, when set, drops one that waited longer;
    /// ``statistics()`` counts both.
    ///
    /// - Parameter intent: with multipath, how the datagram is placed: `.redundant` sends a copy on every usable
    ///   path, `.pinned(path)` only on that path, `.latencySensitive` on the fastest path that can send now.
    public func sendDatagram(_ bytes: [UInt8], intent: SendIntent.Kind = .bulk) async throws {
        try await self.driver.withSlot(self.handle) { [driver] slot in
            do throws(DatagramError) {
                try slot.connection.sendDatagram(bytes, intent: intent, now: driver.now())
            } catch {
                switch error {
                case .notSupportedByPeer: throw QUICError.datagramTooLarge(maximum: 0)
                case .tooLarge(_, let maximum): throw QUICError.datagramTooLarge(maximum: maximum)
                case .connectionClosed:
                    throw QUICError.connectionClosed(slot.closeReason ?? .localApplication(code: 0, reason: ""))
                }
            }
        }
    }

    /// Starts a key update (RFC 9001 §6); false when one cannot start now (handshake not confirmed, or the previous
    /// update not yet acknowledged).
    public func requestKeyUpdate() async -> Bool {
        let driver = self.driver
        return (try? await driver.withSlot(self.handle) { slot in
            slot.connection.initiateKeyUpdate(now: driver.now())
        }) ?? false
    }

    /// Client: moves the connection to a new local socket and validates the new path (RFC 9000 §9). With no
    /// `host`, the new socket binds the current socket's address on a new port (a rebinding); with a host such
    /// as "127.0.0.2", that address. `remote`, when given, is another address of the same server that the new
    /// interface reaches it by (a relay path in front of it, say); by default the current one.
    public func migrate(toLocalHost host: String? = nil, port: Int = 0, remote: NetworkAddress? = nil) async throws {
        let driver = self.driver
        let current = try await driver.withSlot(self.handle) { slot -> NetworkAddress in
            guard slot.isClient else { throw QUICError.invalidAddress("only clients migrate") }
            return slot.connection.fourTuple.local
        }
        let bindHost = host ?? current.hostString
        let local = try await driver.bind(host: bindHost, port: port)
        try await driver.withSlot(self.handle) { slot in
            do throws(TransportError) {
                try slot.connection.migrate(toLocalAddress: local, remote: remote, now: driver.now())
            } catch {
                throw QUICError.connectionClosed(.localTransport(error))
            }
        }
    }

    /// What a later connection needs to resume this session, once the server sent a session ticket.
    public func resumption() async -> QUICResumption? {
        try? await self.driver.withSlot(self.handle) { slot in
            slot.sessionTicket.map { QUICResumption(sessionTicket: $0, token: slot.token) }
        }
    }

    /// Counters, RTT and path details.
    public func statistics() async throws -> QUICConnectionStatistics {
        let driver = self.driver
        return try await driver.withSlot(self.handle) { slot in
            QUICConnectionStatistics(slot: slot, driver: driver, now: driver.now())
        }
    }

    /// Closes the connection with an application error code (0: no error) and returns once the
    /// CONNECTION_CLOSE is sent.
    public func close(errorCode: UInt64 = 0, reason: String = "") async {
        let driver = self.driver
        _ = try? await driver.withSlot(self.handle) { slot in
            slot.connection.close(applicationErrorCode: errorCode, reason: reason, now: driver.now())
        }
    }

    /// Waits until the connection ended and says why.
    public func closed() async -> ConnectionCloseReason {
        do {
            return try await self.driver.suspend(self.handle) {
                (slot, continuation: CheckedContinuation<ConnectionCloseReason, any Error>) in
                if let reason = slot.closeReason {
                    continuation.resume(returning: reason)
                } else {
                    slot.closedWaiters.append(continuation)
                }
            }
        } catch QUICError.connectionClosed(let reason) {
            return reason
        } catch {
            return .localApplication(code: 0, reason: "\(error)")
        }
    }
}

extension NetworkAddress {
    /// The address without the port, as a socket API takes it.
    var hostString: String {
        let text = self.description
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        return String(text.prefix { $0 != ":" })
    }
}
