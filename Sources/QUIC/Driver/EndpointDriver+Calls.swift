import NIOCore
import QUICTransport

extension EndpointDriver {
    /// Runs `body` on the event loop with the connection's slot, then services the endpoint (so whatever the
    /// call queued goes out at once).
    func withSlot<T: Sendable>(
        _ handle: ConnectionHandle, _ body: @escaping @Sendable (ConnectionSlot) throws -> T
    ) async throws -> T {
        try await self.loop.submit {
            guard let slot = self.slots[handle] else { throw self.goneError(handle) }
            defer {
                self.endpoint.markActive(handle)
                self.service()
            }
            return try body(slot)
        }.get()
    }

    /// Runs `body` on the event loop with the connection's slot and a continuation that `body` either resumes at
    /// once or parks in the slot for an event to resume.
    func suspend<T: Sendable>(
        _ handle: ConnectionHandle,
        _ body: @escaping @Sendable (ConnectionSlot, CheckedContinuation<T, any Error>) -> Void
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            self.loop.execute {
                guard let slot = self.slots[handle] else {
                    continuation.resume(throwing: self.goneError(handle))
                    return
                }
                body(slot, continuation)
                self.endpoint.markActive(handle)
                self.service()
            }
        }
    }

    /// The error for a call on a connection the driver no longer has.
    func goneError(_ handle: ConnectionHandle) -> QUICError {
        if self.isClosed { return .endpointClosed }
        return .connectionClosed(self.closedReasons[handle] ?? .localApplication(code: 0, reason: "closed"))
    }
}
