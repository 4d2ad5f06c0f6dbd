import QUICRecovery
import QUICWire

extension Connection {
    /// Closes the connection with an application error code (RFC 9000 §10.2): CONNECTION_CLOSE goes out on
    /// the next ``pollTransmit(now:into:)`` and the connection enters the closing state.
    public func close(applicationErrorCode: UInt64, reason: String = "", now: QUICInstant) {
        guard self.closeState.isOpen else { return }
        let frame = ConnectionCloseFrame(isApplicationError: true, errorCode: applicationErrorCode,
                                         reasonPhrase: Array(reason.utf8)[...])
        self.enterClosing(frame, reason: .localApplication(code: applicationErrorCode, reason: reason), now: now)
    }

    /// Closes with a transport error this endpoint detected.
    func closeWithError(_ error: TransportError, now: QUICInstant) {
        guard self.closeState.isOpen else { return }
        self.enterClosing(ConnectionCloseFrame(error), reason: .localTransport(error), now: now)
    }

    private func enterClosing(_ frame: ConnectionCloseFrame, reason: ConnectionCloseReason, now: QUICInstant) {
        self.pendingClose = frame
        self.logState("closing", now: now)
        let period = CloseState.period(pto: UInt64(max(self.largestPTO.nanoseconds, 0)))
        self.closeState = .closing(until: now.nanosecondsSinceOrigin + period)
        self.reportClose(reason)
    }

    /// The peer closed or reset the connection: nothing more is sent (RFC 9000 §10.2.2).
    func enterDraining(_ reason: ConnectionCloseReason, now: QUICInstant) {
        guard self.closeState.isOpen else { return }
        self.logState("draining", now: now)
        let period = CloseState.period(pto: UInt64(max(self.largestPTO.nanoseconds, 0)))
        self.closeState = .draining(until: now.nanosecondsSinceOrigin + period)
        self.reportClose(reason)
    }

    func reportClose(_ reason: ConnectionCloseReason) {
        guard !self.reportedClose else { return }
        self.reportedClose = true
        self.closeReason = reason
        self.emit(.closed(reason))
    }
}
