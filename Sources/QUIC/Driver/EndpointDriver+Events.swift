import Foundation
import QUICRecovery
import QUICTLS
import QUICTransport

extension EndpointDriver {
    /// Drains every connection's events into the waiting tasks and the application's sequences.
    ///
    /// Only the connections the endpoint reports as touched (input, timers, sending, commands) are visited; those
    /// whose events were served are marked ready, since serving them reads and writes streams.
    func processEvents(now: QUICInstant) {
        self.touchedScratch.removeAll(keepingCapacity: true)
        while let handle = self.endpoint.pollTouched() { self.touchedScratch.append(handle) }
        for handle in self.touchedScratch {
            guard let slot = self.slots[handle] else { continue }
            if self.drainEvents(of: slot, now: now) { self.endpoint.markReady(handle) }
            if !slot.confirmationWaiters.isEmpty, slot.connection.isHandshakeConfirmed {
                for waiter in slot.confirmationWaiters { waiter.resume() }
                slot.confirmationWaiters.removeAll()
            }
            if let keyLog = self.keyLog {
                while let line = slot.connection.pollKeyLogLine() {
                    do {
                        try keyLog.append(line)
                    } catch {
                        self.logger.warning("cannot write the key log", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    /// Serves every event the connection has; returns whether there was any.
    @discardableResult
    func drainEvents(of slot: ConnectionSlot, now: QUICInstant) -> Bool {
        var served = false
        while let event = slot.connection.pollEvent() {
            served = true
            self.handle(event, slot: slot, now: now)
        }
        return served
    }

    private func handle(_ event: ConnectionEvent, slot: ConnectionSlot, now: QUICInstant) {
        switch event {
        case .handshakeCompleted(let alpn):
            slot.handshakeCompletedAt = now
            for waiter in slot.handshakeWaiters { waiter.resume() }
            slot.handshakeWaiters.removeAll()
            slot.events.yield(.handshakeCompleted(alpn: String(decoding: alpn, as: UTF8.self)))
            self.logger.info("handshake completed", metadata: [
                "remote": "\(slot.connection.fourTuple.remote)",
                "alpn": "\(String(decoding: alpn, as: UTF8.self))",
                "ms": "\((now - slot.startedAt).nanoseconds / 1_000_000)",
            ])
            if !slot.isClient, !slot.announced {
                slot.announced = true
                self.acceptContinuation?.yield(slot.facade)
            }
        case .peerVerificationRequested(let request):
            self.verify(request, slot: slot)
        case .stream(let streamEvent):
            self.handle(streamEvent, slot: slot)
        case .datagramReceived(let bytes):
            slot.datagrams.yield(bytes)
        case .sessionTicket(let ticket):
            slot.sessionTicket = ticket
            slot.events.yield(.resumptionAvailable)
        case .newToken(let token):
            slot.token = token
        case .earlyData(let accepted):
            slot.earlyDataAccepted = accepted
            slot.events.yield(.earlyData(accepted: accepted))
        case .pathValidated(let fourTuple):
            slot.events.yield(.pathValidated(fourTuple))
        case .migrated(let from, let to):
            self.logger.info("connection migrated", metadata: ["from": "\(from)", "to": "\(to)"])
            slot.events.yield(.migrated(from: from, to: to))
        case .multipathNegotiated:
            slot.events.yield(.multipathNegotiated)
        case .pathAvailable(let pathID, let fourTuple):
            self.logger.info("path available", metadata: ["path": "\(pathID)", "tuple": "\(fourTuple)"])
            slot.events.yield(.pathAvailable(pathID, fourTuple))
        case .pathValidationFailed(let pathID):
            self.logger.warning("path validation failed", metadata: ["path": "\(pathID)"])
            slot.events.yield(.pathValidationFailed(pathID))
        case .pathAbandoned(let pathID, let errorCode, let byPeer):
            self.logger.info("path abandoned", metadata: [
                "path": "\(pathID)", "code": "\(errorCode)", "by": "\(byPeer ? "peer" : "local")",
            ])
            if var last = QUICPathStatistics.current(pathID, of: slot.connection) {
                last.status = .abandoned
                slot.closedPaths.removeAll { $0.id == pathID }
                if slot.closedPaths.count >= 32 { slot.closedPaths.removeFirst() }
                slot.closedPaths.append(last)
            }
            slot.events.yield(.pathAbandoned(pathID, byPeer: byPeer))
        case .peerPathStatus(let pathID, let status):
            slot.events.yield(.peerPathStatus(pathID, status))
        case .pathManager(let event):
            self.logger.debug("path manager", metadata: ["event": "\(event)"])
        case .closed(let reason):
            self.logger.info("connection closed", metadata: [
                "remote": "\(slot.connection.fourTuple.remote)", "reason": "\(reason)",
            ])
            slot.finish(reason)
        }
    }

    private func handle(_ event: StreamEvent, slot: ConnectionSlot) {
        switch event {
        case .opened(let id):
            slot.incomingStreams.yield(QUICStream(connection: slot.facade, id: id))
        case .readable(let id), .finished(let id):
            self.serveReader(of: id, slot: slot)
        case .writable(let id):
            self.continueWrite(on: id, slot: slot)
        case .resetByPeer(let id, let code):
            slot.resetStreams[id] = code
            if let reader = slot.readers.removeValue(forKey: id) {
                reader.continuation.resume(throwing: QUICError.streamReset(errorCode: code))
            }
        case .stopSendingRequested(let id, let code):
            for writer in slot.writers.removeValue(forKey: id) ?? [] {
                writer.continuation.resume(throwing: QUICError.streamReset(errorCode: code))
            }
        case .streamsAvailable(let direction):
            self.retryOpens(direction: direction, slot: slot)
        }
    }

    /// Checks the peer's certificate in a task that runs on this event loop (see ``EventLoopTaskExecutor``) and hands
    /// the verdict back to the connection.
    private func verify(_ request: PeerVerificationRequest, slot: ConnectionSlot) {
        let handle = slot.handle
        guard let verifier = slot.verifier else {
            // Nothing was configured to check this peer (a server asked for no client certificate): refuse.
            slot.connection.providePeerVerdict(
                .rejected(TLSAlert(.certificateUnknown, reason: "no certificate verification configured")),
                now: self.now())
            self.endpoint.markActive(handle)
            return
        }
        Task(executorPreference: self.taskExecutor) {
            // Certificates are checked against the wall clock here, in the I/O layer; the engine takes time as input.
            let verdict = await verifier.verdict(for: request, now: Date())
            self.loop.execute {
                guard let slot = self.slots[handle] else { return }
                slot.connection.providePeerVerdict(verdict, now: self.now())
                self.endpoint.markActive(handle)
                self.service()
            }
        }
    }

    // MARK: - Stream waiters

    /// Hands a waiting reader what is readable now (data, or the end of the stream).
    func serveReader(of id: StreamID, slot: ConnectionSlot) {
        guard let reader = slot.readers[id] else { return }
        switch self.readNow(id, maxLength: reader.maxLength, slot: slot) {
        case .none:
            return
        case .some(.success(let bytes)):
            slot.readers[id] = nil
            reader.continuation.resume(returning: bytes)
        case .some(.failure(let error)):
            slot.readers[id] = nil
            reader.continuation.resume(throwing: error)
        }
    }

    /// What a read returns now: bytes, nil at the end, an error, or `.none` when the caller must wait.
    func readNow(_ id: StreamID, maxLength: Int, slot: ConnectionSlot) -> Result<[UInt8]?, QUICError>? {
        if slot.finishedStreams.remove(id) != nil { return .success(nil) }
        if let code = slot.resetStreams.removeValue(forKey: id) { return .failure(.streamReset(errorCode: code)) }
        var bytes: [UInt8] = []
        do {
            let (count, fin) = try slot.connection.read(id, into: &bytes, maxLength: maxLength)
            if count > 0 {
                if fin { slot.finishedStreams.insert(id) }
                return .success(bytes)
            }
            if fin { return .success(nil) }
        } catch {
            return .failure(self.streamFailure(error, slot: slot))
        }
        if let reason = slot.closeReason { return .failure(.connectionClosed(reason)) }
        return .none
    }

    /// Offers queued writes to the stream, oldest first, until one does not fit.
    func continueWrite(on id: StreamID, slot: ConnectionSlot) {
        while var queue = slot.writers[id], var writer = queue.first {
            do {
                let accepted = try slot.connection.write(writer.bytes[writer.offset...], to: id)
                writer.offset += accepted
            } catch {
                slot.writers[id] = nil
                let failure = self.streamFailure(error, slot: slot)
                for waiting in queue { waiting.continuation.resume(throwing: failure) }
                return
            }
            guard writer.offset == writer.bytes.count else {
                queue[0] = writer
                slot.writers[id] = queue
                return
            }
            queue.removeFirst()
            slot.writers[id] = queue.isEmpty ? nil : queue
            writer.continuation.resume()
        }
    }

    private func retryOpens(direction: StreamID.Direction, slot: ConnectionSlot) {
        var waiting: [(direction: StreamID.Direction, continuation: CheckedContinuation<StreamID, any Error>)] = []
        for waiter in slot.openWaiters {
            guard waiter.direction == direction else {
                waiting.append(waiter)
                continue
            }
            do {
                let id = try slot.connection.openStream(direction)
                waiter.continuation.resume(returning: id)
            } catch StreamError.streamLimitReached {
                waiting.append(waiter)
            } catch {
                waiter.continuation.resume(throwing: self.streamFailure(error, slot: slot))
            }
        }
        slot.openWaiters = waiting
    }

    /// The application-facing error for an engine stream error.
    func streamFailure(_ error: StreamError, slot: ConnectionSlot) -> QUICError {
        switch error {
        case .reset(let code): return .streamReset(errorCode: code)
        case .connectionClosed:
            return .connectionClosed(slot.closeReason ?? .localApplication(code: 0, reason: "closed"))
        default: return .stream(error)
        }
    }
}
