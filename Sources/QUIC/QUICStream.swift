import QUICRecovery
import QUICTransport

/// One QUIC stream: ordered, reliable bytes in one or both directions. Reading is also available as an
/// `AsyncSequence` of chunks that ends at the peer's FIN:
/// ```swift
/// for try await chunk in stream { process(chunk) }
/// ```
/// One task reads a stream at a time (a second concurrent read throws ``QUICError/concurrentRead``); writes from
/// several tasks are queued and go out whole, in the order they reached the connection.
public final class QUICStream: Sendable, AsyncSequence {
    public typealias Element = [UInt8]

    public let connection: QUICConnection
    /// The stream ID (RFC 9000 §2.1): its low bits tell who opened it and whether it is bidirectional.
    public let id: StreamID

    init(connection: QUICConnection, id: StreamID) {
        self.connection = connection
        self.id = id
    }

    /// The next bytes in order (at most `maxLength`), waiting until some arrive; nil once the peer's FIN was
    /// reached.
    /// - Throws: ``QUICError/streamReset(errorCode:)`` when the peer reset the stream,
    ///   ``QUICError/connectionClosed(_:)`` when the connection ended first.
    public func read(maxLength: Int = 1 << 20) async throws -> [UInt8]? {
        let driver = self.connection.driver
        let id = self.id
        let limit = Swift.max(1, maxLength)
        return try await driver.suspend(self.connection.handle) {
            (slot, continuation: CheckedContinuation<[UInt8]?, any Error>) in
            if slot.readers[id] != nil {
                continuation.resume(throwing: QUICError.concurrentRead)
                return
            }
            switch driver.readNow(id, maxLength: limit, slot: slot) {
            case .some(.success(let bytes)): continuation.resume(returning: bytes)
            case .some(.failure(let error)): continuation.resume(throwing: error)
            case .none: slot.readers[id] = (limit, continuation)
            }
        }
    }

    /// Reads until the FIN, refusing more than `limit` bytes.
    public func readAll(limit: Int = 64 << 20) async throws -> [UInt8] {
        var result: [UInt8] = []
        while let chunk = try await self.read() {
            guard result.count + chunk.count <= limit else {
                throw QUICError.stream(.finished(self.id))
            }
            result.append(contentsOf: chunk)
        }
        return result
    }

    /// Queues bytes for sending; returns once all of them are in the stream's send buffer, waiting while flow
    /// control or the buffer limit holds them back (backpressure).
    public func write(_ bytes: some Collection<UInt8> & Sendable) async throws {
        let array = Array(bytes)
        guard !array.isEmpty else { return }
        let driver = self.connection.driver
        let id = self.id
        try await driver.suspend(self.connection.handle) { (slot, continuation: CheckedContinuation<Void, any Error>) in
            slot.writers[id, default: []].append(
                ConnectionSlot.PendingWrite(bytes: array, offset: 0, continuation: continuation))
            driver.continueWrite(on: id, slot: slot)
        }
    }

    /// Ends the sending side after the bytes written so far (FIN).
    public func finish() async throws {
        let id = self.id
        let driver = self.connection.driver
        try await driver.withSlot(self.connection.handle) { slot in
            do throws(StreamError) {
                try slot.connection.finish(id)
            } catch {
                throw driver.streamFailure(error, slot: slot)
            }
        }
    }

    /// Abandons sending (RESET_STREAM with `errorCode`).
    public func reset(errorCode: UInt64) async throws {
        let id = self.id
        let driver = self.connection.driver
        try await driver.withSlot(self.connection.handle) { slot in
            do throws(StreamError) {
                try slot.connection.reset(id, errorCode: errorCode)
            } catch {
                throw driver.streamFailure(error, slot: slot)
            }
            for writer in slot.writers.removeValue(forKey: id) ?? [] {
                writer.continuation.resume(throwing: QUICError.stream(.resetLocally(errorCode: errorCode)))
            }
        }
    }

    /// Says how this stream's data is placed on the paths of a multipath connection: `.latencySensitive`,
    /// `.bulk` (the default), `.redundant` (a copy on every usable path), `.pinned(path)` (only that path), with an
    /// optional deadline for schedulers that use one. Without multipath it has no effect.
    public func setIntent(_ intent: SendIntent.Kind, deadline: Duration? = nil) async throws {
        let id = self.id
        let driver = self.connection.driver
        let nanoseconds = deadline.map {
            Swift.max(0, $0.components.seconds * 1_000_000_000 + $0.components.attoseconds / 1_000_000_000)
        }
        try await driver.withSlot(self.connection.handle) { slot in
            let due = nanoseconds.map { driver.now() + QUICDuration.nanoseconds($0) }
            slot.connection.setIntent(StreamSendIntent(kind: intent, deadline: due), for: id)
        }
    }

    /// Asks the peer to stop sending (STOP_SENDING with `errorCode`).
    public func stopSending(errorCode: UInt64) async throws {
        let id = self.id
        let driver = self.connection.driver
        try await driver.withSlot(self.connection.handle) { slot in
            do throws(StreamError) { try slot.connection.stopSending(id, errorCode: errorCode) } catch {
                throw driver.streamFailure(error, slot: slot)
            }
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: QUICStream

        public mutating func next() async throws -> [UInt8]? {
            try await self.stream.read()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(stream: self)
    }
}
