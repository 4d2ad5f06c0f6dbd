import QUICRecovery
import QUICTransport
import QUICWire

/// Multipath QUIC (draft-ietf-quic-multipath-21) on a connection: opening, abandoning and marking paths.
extension QUICConnection {
    /// Whether both sides offered multipath (known once the handshake completed).
    public var isMultipathNegotiated: Bool {
        get async { (try? await self.driver.withSlot(self.handle) { $0.connection.isMultipathNegotiated }) ?? false }
    }

    /// The IDs of the connection's paths (abandoned ones while the engine still keeps their state).
    public var pathIDs: [PathID] {
        get async { (try? await self.driver.withSlot(self.handle) { $0.connection.pathIDs }) ?? [] }
    }

    /// Client: opens a new path from the local address `localHost` (a socket is bound there unless the endpoint
    /// has one on that address already; `port` 0 picks a free port) to `remote` (the server's current address when
    /// nil, or another address of the same server, such as a relay in front of it). The path carries data once
    /// ``QUICConnectionEvent/pathAvailable(_:_:)`` is reported; a `backup` path only when no available path can.
    ///
    /// Waits for the handshake to be confirmed first.
    ///
    /// - Throws: ``QUICError/multipath(_:)`` when multipath was not negotiated or no path ID is free,
    ///   ``QUICError/socket(_:)`` when the address cannot be bound.
    @discardableResult
    public func openPath(localHost: String, port: Int = 0, remote: NetworkAddress? = nil,
                         status: PathStatus = .available, cost: PathCost = .free, label: String = "")
        async throws -> PathID {
        let local = try await self.driver.localSocket(host: localHost, port: port)
        try await self.waitForHandshakeConfirmation()
        // The server's connection IDs for the new path ID usually travel with HANDSHAKE_DONE, but may arrive a
        // little later: wait for them (up to about 2 s) rather than fail.
        var delay = Duration.milliseconds(5)
        var waited = Duration.zero
        while true {
            do {
                return try await self.multipathCall { connection, now throws(MultipathError) in
                    try connection.openPath(localAddress: local, remoteAddress: remote, status: status, cost: cost,
                                            label: label, now: now)
                }
            } catch QUICError.multipath(.noConnectionIDForPath(let pathID)) {
                guard waited < .seconds(2) else { throw QUICError.multipath(.noConnectionIDForPath(pathID)) }
                try await Task.sleep(for: delay)
                waited += delay
                delay = min(delay * 2, .milliseconds(200))
            }
        }
    }

    /// Returns once the handshake is confirmed (RFC 9001 §4.1.2: a client, when HANDSHAKE_DONE arrives), from which
    /// point paths may be opened.
    func waitForHandshakeConfirmation() async throws {
        try await self.driver.suspend(self.handle) { (slot, continuation: CheckedContinuation<Void, any Error>) in
            if slot.connection.isHandshakeConfirmed {
                continuation.resume()
            } else if let reason = slot.closeReason {
                continuation.resume(throwing: QUICError.connectionClosed(reason))
            } else {
                slot.confirmationWaiters.append(continuation)
            }
        }
    }

    /// Abandons a path (PATH_ABANDON); what it had in flight is sent again on the others.
    /// - Throws: ``QUICError/multipath(_:)``, for instance ``MultipathError/lastPath(_:)`` for the only path left.
    public func abandonPath(_ id: PathID,
                            errorCode: UInt64 = TransportErrorCode.applicationAbandonPath.rawValue) async throws {
        try await self.multipathCall { connection, now throws(MultipathError) in
            try connection.abandonPath(id, errorCode: errorCode, now: now)
        }
    }

    /// Marks a path `available` or `backup` (PATH_STATUS_AVAILABLE / PATH_STATUS_BACKUP): this side then sends on
    /// a backup path only when no available path can, and the peer is asked to do the same.
    public func setPathStatus(_ id: PathID, _ status: PathStatus) async throws {
        try await self.multipathCall { connection, _ throws(MultipathError) in
            try connection.setPathStatus(id, status)
        }
    }

    /// Names a path and says what sending on it costs (for schedulers and statistics).
    public func describePath(_ id: PathID, cost: PathCost, label: String) async throws {
        try await self.multipathCall { connection, _ throws(MultipathError) in
            try connection.describePath(id, cost: cost, label: label)
        }
    }

    /// Runs an engine multipath call on the event loop, turning its error into ``QUICError/multipath(_:)``.
    private func multipathCall<T: Sendable>(
        _ body: @escaping @Sendable (Connection, QUICInstant) throws(MultipathError) -> T
    ) async throws -> T {
        let driver = self.driver
        return try await driver.withSlot(self.handle) { slot in
            do throws(MultipathError) {
                return try body(slot.connection, driver.now())
            } catch {
                throw QUICError.multipath(error)
            }
        }
    }
}
