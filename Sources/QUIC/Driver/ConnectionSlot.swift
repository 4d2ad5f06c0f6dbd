import NIOCore
import QUICQlog
import QUICRecovery
import QUICTLS
import QUICTransport

/// What the driver keeps for one connection besides the engine's `Connection`: the tasks waiting on it and the
/// async sequences it feeds. Touched only on the driver's event loop.
final class ConnectionSlot {
    /// A write that did not fit the stream's send buffer: the rest waits for ``StreamEvent/writable(_:)``.
    struct PendingWrite {
        var bytes: [UInt8]
        var offset: Int
        var continuation: CheckedContinuation<Void, any Error>
    }

    let handle: ConnectionHandle
    let connection: Connection
    let isClient: Bool
    let startedAt: QUICInstant
    var handshakeCompletedAt: QUICInstant?
    var closeReason: ConnectionCloseReason?
    /// Whether ``finish(_:)`` ran.
    private(set) var isFinished = false
    /// Server: handed to the application through `incomingConnections` once the handshake completed.
    var announced = false

    var handshakeWaiters: [CheckedContinuation<Void, any Error>] = []
    /// Tasks waiting for the handshake to be confirmed (RFC 9001 §4.1.2), such as a path about to be opened.
    var confirmationWaiters: [CheckedContinuation<Void, any Error>] = []
    var closedWaiters: [CheckedContinuation<ConnectionCloseReason, any Error>] = []
    var readers: [StreamID: (maxLength: Int, continuation: CheckedContinuation<[UInt8]?, any Error>)] = [:]
    /// Writes waiting for send-buffer space, per stream, in call order (the first is being offered).
    var writers: [StreamID: [PendingWrite]] = [:]
    var openWaiters: [(direction: StreamID.Direction, continuation: CheckedContinuation<StreamID, any Error>)] = []
    /// Streams whose last bytes were returned together with the FIN: the next read returns nil (then the entry
    /// goes, so the set stays small).
    var finishedStreams: Set<StreamID> = []
    /// Streams the peer reset or asked us to stop sending on, with the code.
    var resetStreams: [StreamID: UInt64] = [:]

    /// Checks the peer's certificate (clients).
    var verifier: PeerCertificateVerifier?
    var sessionTicket: TLSSessionTicket?
    var token: [UInt8] = []
    var earlyDataAccepted: Bool?
    /// The last numbers of abandoned paths (taken when they were abandoned), so statistics still show them once
    /// the engine dropped their state; at most 32.
    var closedPaths: [QUICPathStatistics] = []

    let incomingStreams: AsyncStream<QUICStream>.Continuation
    let datagrams: AsyncStream<[UInt8]>.Continuation
    let events: AsyncStream<QUICConnectionEvent>.Continuation
    /// The application's handle, created with the slot.
    var facade: QUICConnection!

    init(handle: ConnectionHandle, connection: Connection, isClient: Bool, now: QUICInstant,
         incomingStreams: AsyncStream<QUICStream>.Continuation, datagrams: AsyncStream<[UInt8]>.Continuation,
         events: AsyncStream<QUICConnectionEvent>.Continuation) {
        self.handle = handle
        self.connection = connection
        self.isClient = isClient
        self.startedAt = now
        self.incomingStreams = incomingStreams
        self.datagrams = datagrams
        self.events = events
    }

    var isHandshakeComplete: Bool { self.handshakeCompletedAt != nil }

    /// Fails every waiter and ends every sequence: the connection is over.
    func finish(_ reason: ConnectionCloseReason) {
        // Called at the `.closed` event and again when the endpoint frees the connection: the second is a no-op.
        guard !self.isFinished else { return }
        self.isFinished = true
        if self.closeReason == nil { self.closeReason = reason }
        let error = QUICError.connectionClosed(reason)
        for waiter in self.handshakeWaiters { waiter.resume(throwing: error) }
        self.handshakeWaiters.removeAll()
        for waiter in self.confirmationWaiters { waiter.resume(throwing: error) }
        self.confirmationWaiters.removeAll()
        for (_, reader) in self.readers { reader.continuation.resume(throwing: error) }
        self.readers.removeAll()
        for (_, queue) in self.writers {
            for writer in queue { writer.continuation.resume(throwing: error) }
        }
        self.writers.removeAll()
        for waiter in self.openWaiters { waiter.continuation.resume(throwing: error) }
        self.openWaiters.removeAll()
        for waiter in self.closedWaiters { waiter.resume(returning: reason) }
        self.closedWaiters.removeAll()
        self.incomingStreams.finish()
        self.datagrams.finish()
        self.events.yield(.closed(reason))
        self.events.finish()
        // The application may exit as soon as it learns the connection ended: the trace so far must be on disk.
        try? (self.connection.qlog as? QlogFileSink)?.flush()
    }

    /// Writes out and closes the connection's qlog file, if it has one.
    func closeQlog() {
        guard let sink = self.connection.qlog as? QlogFileSink else { return }
        try? sink.close()
        self.connection.qlog = nil
    }
}
