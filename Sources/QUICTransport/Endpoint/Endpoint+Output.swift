import QUICRecovery
import QUICWire

extension Endpoint {
    /// The next datagram to send: a stateless answer first, then the connections' datagrams, in turn.
    ///
    /// With ``explicitActivity`` each sends up to ``burstLimit`` datagrams in a row, enough for a GSO train, while
    /// others wait, and only the connections that may have something to send are asked: a connection
    /// leaves that queue when it has nothing more and comes back with its next input, timer or command, so a call
    /// costs O(1) however many connections are idle. Without it every connection is asked in turn.
    public func pollTransmit(now: QUICInstant, into buffer: inout [UInt8]) -> Transmit? {
        if let (bytes, fourTuple) = self.statelessQueue.popFirst() {
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: bytes)
            return Transmit(fourTuple: fourTuple, length: bytes.count)
        }
        return self.explicitActivity ? self.pollReady(now: now, into: &buffer)
            : self.pollEvery(now: now, into: &buffer)
    }

    private func pollReady(now: QUICInstant, into buffer: inout [UInt8]) -> Transmit? {
        while let handle = self.ready.first {
            guard let entry = self.entries[handle] else {
                self.ready.removeFirst()
                self.burst = 0
                continue
            }
            if let transmit = entry.connection.pollTransmit(now: now, into: &buffer) {
                self.collectRoutes(of: handle, entry)
                self.enqueueTouched(handle, entry)
                self.burst += 1
                if self.burst >= Self.burstLimit, self.ready.count > 1 {
                    self.ready.removeFirst()
                    self.ready.append(handle)
                    self.burst = 0
                    self.timers.set(entry.connection.nextTimeout(), for: handle)
                }
                return transmit
            }
            self.ready.removeFirst()
            self.burst = 0
            entry.isReady = false
            self.afterSending(handle, entry)
        }
        return nil
    }

    private func pollEvery(now: QUICInstant, into buffer: inout [UInt8]) -> Transmit? {
        let count = self.order.count
        for step in 0..<count {
            let position = (self.orderCursor + step) % count
            let handle = self.order[position]
            guard let entry = self.entries[handle] else { continue }
            if let transmit = entry.connection.pollTransmit(now: now, into: &buffer) {
                self.orderCursor = (position + 1) % count
                self.collectRoutes(of: handle, entry)
                return transmit
            }
        }
        for handle in self.order {
            guard let entry = self.entries[handle] else { continue }
            self.afterSending(handle, entry)
        }
        return nil
    }

    /// A connection that has nothing more to send: its routes, its new deadline, or its end.
    private func afterSending(_ handle: ConnectionHandle, _ entry: Entry) {
        self.collectRoutes(of: handle, entry)
        self.enqueueTouched(handle, entry)
        self.updateHandshakeAccount(entry)
        if entry.connection.isTerminated {
            self.remove(handle)
        } else {
            self.timers.set(entry.connection.nextTimeout(), for: handle)
        }
    }

    /// The earliest timer of any connection.
    public func nextTimeout() -> QUICInstant? {
        guard !self.explicitActivity else { return self.timers.earliest() }
        var earliest: QUICInstant?
        for entry in self.entries.values {
            if let deadline = entry.connection.nextTimeout(), earliest.map({ deadline < $0 }) ?? true {
                earliest = deadline
            }
        }
        return earliest
    }

    /// Runs the expired timers. With ``explicitActivity`` only the connections whose deadline has passed are
    /// visited.
    public func handleTimeout(now: QUICInstant) {
        let due: [ConnectionHandle]
        if self.explicitActivity {
            due = self.timers.popExpired(now: now)
        } else {
            due = self.order.filter { handle in
                guard let deadline = self.entries[handle]?.connection.nextTimeout() else { return false }
                return deadline <= now
            }
        }
        for handle in due {
            guard let entry = self.entries[handle] else { continue }
            entry.connection.handleTimeout(now: now)
            self.afterActivity(handle, entry, now: now)
        }
    }
}
