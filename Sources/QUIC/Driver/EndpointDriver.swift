import Crypto
import Foundation
import Logging
import NIOCore
import NIOPosix
import QUICQlog
import QUICRecovery
import QUICTLS
import QUICTransport
import QUICWire

/// Runs one sans-IO `Endpoint` on one NIO event loop: feeds it the datagrams of its UDP sockets, writes what it
/// polls out (as GSO batches where possible), keeps one timer at its earliest deadline, and turns its events into
/// resumed continuations and async-sequence elements.
///
/// Every stored property is touched only on `loop`; that confinement is what makes the class safe to share
/// (hence `@unchecked Sendable`). Entry points from other threads hop with `loop.execute` / `loop.submit`.
final class EndpointDriver: @unchecked Sendable {
    /// One bound UDP socket.
    struct Socket {
        var channel: any Channel
        var local: NetworkAddress
    }

    let loop: any EventLoop
    /// Replaced only before the first connection (see ``install(_:)``).
    private(set) var endpoint: Endpoint
    let configuration: QUICConfiguration
    let logger: Logger
    let metrics: DriverMetrics
    let isServer: Bool
    /// Runs certificate checks on `loop`.
    let taskExecutor: EventLoopTaskExecutor
    private(set) var sockets: [Socket] = []
    var slots: [ConnectionHandle: ConnectionSlot] = [:]
    var acceptContinuation: AsyncStream<QUICConnection>.Continuation?
    /// Why recently ended connections ended, for calls that arrive after their slot is gone (bounded).
    var closedReasons: [ConnectionHandle: ConnectionCloseReason] = [:]
    var keyLog: KeyLogFile?
    var isClosed = false

    private var timer: Scheduled<Void>?
    private var timerDeadline: QUICInstant?
    private var sendBuffer: [UInt8] = []
    private var receiveBuffer: [UInt8] = []
    private var segmentationOffload: Bool
    private var servicing = false
    /// The touched connections of one ``processEvents(now:)`` (reused).
    var touchedScratch: [ConnectionHandle] = []
    var endpointMetrics: EndpointMetrics
    /// A server on several loops (``QUICServerOptions/threads``): every loop's driver, by loop index, this one's
    /// index, and which loop owns a datagram (nil: this one). Set before the sockets are bound.
    var siblings: [EndpointDriver] = []
    var loopIndex = 0
    var owningLoop: (@Sendable (ArraySlice<UInt8>) -> Int?)?
    /// Whether the sockets are bound with SO_REUSEPORT, so that every loop's socket shares the port.
    var reusePort = false
    /// Datagrams handed to another loop.
    private(set) var forwarded = 0

    init(loop: any EventLoop, endpoint: Endpoint, configuration: QUICConfiguration, isServer: Bool) {
        self.loop = loop
        self.endpoint = endpoint
        self.configuration = configuration
        self.logger = configuration.logger
        self.metrics = DriverMetrics(role: isServer ? "server" : "client")
        self.endpointMetrics = EndpointMetrics(role: isServer ? "server" : "client")
        self.isServer = isServer
        self.taskExecutor = EventLoopTaskExecutor(loop: loop)
        self.segmentationOffload = configuration.segmentationOffload
        self.sendBuffer.reserveCapacity(2_048)
        self.receiveBuffer.reserveCapacity(65_536)
        if let path = configuration.keyLogPath, !path.isEmpty {
            do {
                self.keyLog = try KeyLogFile(path: path)
            } catch {
                configuration.logger.warning("key log disabled", metadata: ["error": "\(error)"])
            }
        }
        self.hook(endpoint)
    }

    /// Replaces the engine endpoint before any connection exists: a client with configured local paths binds its
    /// sockets first and only then knows the ports to put into the engine's configuration.
    func install(_ makeEndpoint: @escaping @Sendable () -> Endpoint) async throws {
        try await self.loop.submit {
            precondition(self.slots.isEmpty, "the endpoint is replaced before any connection")
            let endpoint = makeEndpoint()
            self.endpoint = endpoint
            self.hook(endpoint)
        }.get()
    }

    private func hook(_ endpoint: Endpoint) {
        // Every command reaches the endpoint through markActive (withSlot, suspend, verdicts), so a service visits
        // only the connections with input, timers or commands: O(1) per event however many are idle.
        endpoint.explicitActivity = true
        endpoint.connectionCreated = { [unowned self] handle, connection in
            self.attachQlog(to: connection, handle: handle)
        }
    }

    /// The current time on the driver's clock (the monotonic clock NIO schedules timers with).
    func now() -> QUICInstant {
        QUICInstant(nanosecondsSinceOrigin: NIODeadline.now().uptimeNanoseconds)
    }

    // MARK: - Sockets

    /// Binds a UDP socket on `host:port` (0 picks a port) and returns its address.
    func bind(host: String, port: Int) async throws -> NetworkAddress {
        let batch = max(1, self.configuration.receiveBatchSize)
        let offload = self.configuration.receiveOffload && System.supportsUDPReceiveOffload
        // NIO splits one receive buffer across the vector-read slots; each slot must hold the largest datagram
        // a read can return (64 KiB with GRO, which hands over coalesced segments), or datagrams get truncated.
        let slotSize = offload ? 65_536 : 2_048
        let bufferSize = self.configuration.socketBufferSize
        let bootstrap = DatagramBootstrap(group: self.loop)
            .channelOption(.explicitCongestionNotification, value: true)
            .channelOption(.receivePacketInfo, value: true)
            .channelOption(.datagramVectorReadMessageCount, value: batch)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: batch * slotSize))
            .channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(bufferSize))
            .channelOption(.socketOption(.so_sndbuf), value: SocketOptionValue(bufferSize))
            .channelOption(.writeBufferWaterMark, value: .init(low: 1 << 20, high: 4 << 20))
            .channelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: self.reusePort ? 1 : 0)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramHandler(driver: self))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw QUICError.socket("cannot bind UDP \(host):\(port): \(error)")
        }
        if offload {
            do {
                try await channel.setOption(.datagramReceiveOffload, value: true).get()
            } catch {
                self.logger.debug("UDP GRO unavailable", metadata: ["error": "\(error)"])
            }
        }
        guard let address = channel.localAddress.flatMap(NetworkAddress.init) else {
            try? await channel.close()
            throw QUICError.socket("the socket bound to \(host):\(port) has no IP address")
        }
        try await self.loop.submit {
            self.sockets.append(Socket(channel: channel, local: address))
        }.get()
        self.logger.debug("bound UDP socket", metadata: ["address": "\(address)"])
        return address
    }

    /// The address of a socket bound to `host` (and to `port`, unless it is 0), binding one when there is none.
    func localSocket(host: String, port: Int) async throws -> NetworkAddress {
        let wanted = try QUICEndpoint.resolve(host: host, port: port)
        let existing = try await self.loop.submit { () -> NetworkAddress? in
            self.sockets.first { $0.local.ip == wanted.ip && (port == 0 || $0.local.port == wanted.port) }?.local
        }.get()
        if let existing { return existing }
        return try await self.bind(host: host, port: port)
    }

    /// The socket to send from for a 4-tuple's local address: the one bound to it, else one bound to the
    /// unspecified address on that port.
    private func socketIndex(for local: NetworkAddress) -> Int? {
        if let exact = self.sockets.firstIndex(where: { $0.local == local }) { return exact }
        return self.sockets.firstIndex { $0.local.port == local.port && $0.local.isUnspecified }
    }

    // MARK: - Input

    /// One datagram (or a GRO train of equal-size segments) from a socket.
    func receive(_ envelope: AddressedEnvelope<ByteBuffer>, on socketAddress: NetworkAddress) {
        guard !self.isClosed, let remote = NetworkAddress(envelope.remoteAddress) else { return }
        var local = socketAddress
        // A socket bound to 0.0.0.0 / :: learns which of the host's addresses a datagram came to from its packet
        // info: the engine must see the address the peer actually used.
        if self.isServer, socketAddress.isUnspecified, let info = envelope.metadata?.packetInfo,
           let destination = NetworkAddress(info.destinationAddress) {
            local = destination.with(port: socketAddress.port)
        }
        let fourTuple = FourTuple(local: local, remote: remote)
        let ecn = envelope.metadata.map { ECNCodepoint.value($0.ecnState) } ?? 0
        let data = envelope.data
        let total = data.readableBytes
        let segment = envelope.metadata?.segmentSize.flatMap { $0 > 0 ? $0 : nil } ?? total
        let now = self.now()
        var offset = 0
        var count = 0
        while offset < total {
            let length = min(segment, total - offset)
            data.withUnsafeReadableBytes { raw in
                self.receiveBuffer.removeAll(keepingCapacity: true)
                self.receiveBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + length]))
            }
            // Most datagrams belong to a connection of this loop: one table lookup says so before any QUIC-LB
            // decoding (an AES pass per datagram) is spent on finding another loop.
            if let owningLoop = self.owningLoop, !self.endpoint.holdsDestination(of: self.receiveBuffer[...]),
               let owner = owningLoop(self.receiveBuffer[...]), owner != self.loopIndex,
               self.siblings.indices.contains(owner) {
                self.forward(Array(self.receiveBuffer), to: self.siblings[owner], from: fourTuple, ecn: ecn)
            } else {
                self.endpoint.handle(datagram: self.receiveBuffer[...], from: fourTuple, ecn: ecn, now: now)
            }
            offset += length
            count += 1
        }
        self.metrics.received(datagrams: count, bytes: total)
    }

    /// Hands a datagram whose connection ID names another loop's server ID to that loop (a migrated or second
    /// path reaches whichever socket the kernel's reuseport hash picks for its new 4-tuple).
    private func forward(_ bytes: [UInt8], to sibling: EndpointDriver, from fourTuple: FourTuple, ecn: UInt8) {
        self.forwarded += 1
        sibling.loop.execute {
            guard !sibling.isClosed else { return }
            sibling.endpoint.handle(datagram: bytes[...], from: fourTuple, ecn: ecn, now: sibling.now())
            sibling.service()
        }
    }

    // MARK: - Servicing

    /// Brings everything up to date after input, a timer or an application call: connection events, output,
    /// the timer.
    func service() {
        guard !self.servicing else { return }
        self.servicing = true
        defer { self.servicing = false }
        let now = self.now()
        self.acceptNewConnections(now: now)
        self.processEvents(now: now)
        self.flush(now: now)
        // Sending can end connections (closing periods over) and produce events; serving those can queue more.
        self.processEvents(now: now)
        self.flush(now: now)
        self.reapTerminated()
        self.rearmTimer(now: now)
        self.endpointMetrics.report(self.endpoint.statistics, now: now.nanosecondsSinceOrigin)
    }

    private func acceptNewConnections(now: QUICInstant) {
        while let handle = self.endpoint.pollAccepted() {
            guard let connection = self.endpoint.connection(handle) else { continue }
            _ = self.makeSlot(handle: handle, connection: connection, isClient: false, now: now)
            self.metrics.accepted()
        }
    }

    /// Creates the slot and the application's `QUICConnection` for a connection.
    func makeSlot(handle: ConnectionHandle, connection: Connection, isClient: Bool,
                  now: QUICInstant) -> ConnectionSlot {
        let (streams, streamsContinuation) = AsyncStream<QUICStream>.makeStream()
        let (datagrams, datagramsContinuation) = AsyncStream<[UInt8]>.makeStream(
            bufferingPolicy: .bufferingNewest(1_024))
        let (events, eventsContinuation) = AsyncStream<QUICConnectionEvent>.makeStream(
            bufferingPolicy: .bufferingNewest(1_024))
        let slot = ConnectionSlot(handle: handle, connection: connection, isClient: isClient, now: now,
                                  incomingStreams: streamsContinuation, datagrams: datagramsContinuation,
                                  events: eventsContinuation)
        slot.facade = QUICConnection(driver: self, handle: handle, incomingStreams: streams, datagrams: datagrams,
                                     events: events)
        self.slots[handle] = slot
        return slot
    }

    /// Writes every datagram the endpoint has ready. Runs of equal-size datagrams to one destination go out as
    /// one GSO write (the kernel splits them); otherwise datagrams are queued and flushed together, which NIO
    /// turns into `sendmmsg`.
    private func flush(now: QUICInstant) {
        var batch = TransmitBatch()
        // Which sockets got writes, as bits (sockets past 63 are simply always flushed): no set per service.
        var touched: UInt64 = 0
        var datagrams = 0
        var bytes = 0
        while true {
            if let index = batch.socketIndex, !self.sockets[index].channel.isWritable { break }
            guard let transmit = self.endpoint.pollTransmit(now: now, into: &self.sendBuffer) else { break }
            guard let index = self.socketIndex(for: transmit.fourTuple.local) else {
                self.logger.debug("no socket for \(transmit.fourTuple.local); datagram dropped")
                continue
            }
            datagrams += 1
            bytes += transmit.length
            if !batch.canAppend(transmit, socketIndex: index, gso: self.segmentationOffload) {
                self.write(&batch)
            }
            batch.append(transmit, socketIndex: index, bytes: self.sendBuffer[0..<transmit.length],
                         allocator: self.sockets[index].channel.allocator)
            touched |= index < 64 ? 1 << UInt64(index) : 0
        }
        self.write(&batch)
        guard datagrams > 0 else { return }
        for index in self.sockets.indices where index >= 64 || touched & (1 << UInt64(index)) != 0 {
            self.sockets[index].channel.flush()
        }
        self.metrics.sent(datagrams: datagrams, bytes: bytes)
    }

    private func write(_ batch: inout TransmitBatch) {
        guard let index = batch.socketIndex, let buffer = batch.buffer, let remote = batch.remote else { return }
        let segmentSize = batch.segments > 1 ? batch.segmentSize : nil
        let metadata = AddressedEnvelope<ByteBuffer>.Metadata(
            ecnState: ECNCodepoint.state(batch.ecn), packetInfo: nil, segmentSize: segmentSize)
        let envelope = AddressedEnvelope(remoteAddress: remote.socketAddress, data: buffer, metadata: metadata)
        let channel = self.sockets[index].channel
        if segmentSize != nil {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            promise.futureResult.whenFailure { [self] error in
                // Without kernel GSO support the write fails; send datagram by datagram from now on (the lost
                // train is recovered by QUIC's loss detection).
                if self.segmentationOffload {
                    self.segmentationOffload = false
                    self.logger.warning("UDP GSO unavailable, sending datagrams one by one",
                                        metadata: ["error": "\(error)"])
                }
            }
            channel.write(envelope, promise: promise)
            self.metrics.gsoWrite()
        } else {
            channel.write(envelope, promise: nil)
        }
        batch = TransmitBatch()
    }

    /// Keeps one scheduled task no later than the endpoint's earliest deadline. A timer that would fire too early
    /// is left alone (it finds nothing due, and re-arms): cancelling and rescheduling on every service would churn
    /// the event loop's timer heap, which fills with cancelled tasks at high packet rates.
    private func rearmTimer(now: QUICInstant) {
        // Deadlines past a day are "never" (the engine's distant future).
        guard let deadline = self.endpoint.nextTimeout(), deadline < now + .seconds(86_400) else { return }
        if let scheduled = self.timerDeadline, scheduled <= deadline { return }
        self.timer?.cancel()
        self.timerDeadline = deadline
        let when = NIODeadline.uptimeNanoseconds(deadline.nanosecondsSinceOrigin)
        self.timer = self.loop.scheduleTask(deadline: when) { [self] in
            self.timer = nil
            self.timerDeadline = nil
            self.endpoint.handleTimeout(now: self.now())
            self.service()
        }
    }

    /// Drops the slots of connections the endpoint has freed.
    private func reapTerminated() {
        var removed: [ConnectionHandle] = []
        while let handle = self.endpoint.pollRemoved() { removed.append(handle) }
        for handle in removed {
            guard let slot = self.slots[handle] else { continue }
            // Its last events (the close and its reason) arrived with the input or timer that ended it.
            self.drainEvents(of: slot, now: self.now())
            let reason = slot.closeReason ?? .idleTimeout
            slot.finish(reason)
            slot.closeQlog()
            self.slots[handle] = nil
            if self.closedReasons.count >= 4_096 { self.closedReasons.removeAll() }
            self.closedReasons[handle] = reason
            self.metrics.closed()
        }
    }

    // MARK: - Qlog

    private func attachQlog(to connection: Connection, handle: ConnectionHandle) {
        guard let directory = self.configuration.qlogDirectory else { return }
        let odcid = connection.originalDestinationConnectionID.bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        let role = self.isServer ? "server" : "client"
        let path = "\(directory)/\(odcid)-\(role).sqlog"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            connection.qlog = try QlogFileSink(path: path, trace: QlogTrace(
                title: "mpquic \(role)", vantagePoint: self.isServer ? .server : .client,
                originalDestinationCID: connection.originalDestinationConnectionID,
                referenceNanoseconds: self.now().nanosecondsSinceOrigin))
        } catch {
            self.logger.warning("cannot write qlog", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    // MARK: - Closing

    /// Closes every connection, waits briefly for the CONNECTION_CLOSE datagrams to leave, and closes the
    /// sockets.
    func closeAll() async {
        let channels: [any Channel] = (try? await self.loop.submit { () -> [any Channel] in
            guard !self.isClosed else { return [] }
            let now = self.now()
            for slot in self.slots.values where slot.closeReason == nil {
                slot.connection.close(applicationErrorCode: 0, reason: "endpoint closed", now: now)
                self.endpoint.markActive(slot.handle)
            }
            self.service()
            self.isClosed = true
            self.timer?.cancel()
            self.timer = nil
            for slot in self.slots.values {
                slot.finish(slot.closeReason ?? .localApplication(code: 0, reason: ""))
                slot.closeQlog()
            }
            self.slots.removeAll()
            self.siblings = []
            self.acceptContinuation?.finish()
            return self.sockets.map(\.channel)
        }.get()) ?? []
        for channel in channels {
            try? await channel.close()
        }
    }
}

/// Datagrams collected for one write: one buffer, and the segment size when it is a GSO train.
struct TransmitBatch {
    /// Linux accepts up to 64 segments per GSO write, and a UDP payload of at most 65,507 bytes.
    static let maxSegments = 64
    static let maxBytes = 65_000

    var socketIndex: Int?
    var remote: NetworkAddress?
    var ecn: UInt8 = 0
    var segmentSize = 0
    var segments = 0
    var buffer: ByteBuffer?
    /// A shorter datagram ends a train: GSO allows only the last segment to be short.
    var closed = false

    func canAppend(_ transmit: Transmit, socketIndex: Int, gso: Bool) -> Bool {
        guard self.segments > 0 else { return true }
        guard gso, !self.closed, self.socketIndex == socketIndex, self.remote == transmit.fourTuple.remote,
              self.ecn == transmit.ecn, transmit.length <= self.segmentSize,
              self.segments < Self.maxSegments,
              (self.buffer?.readableBytes ?? 0) + transmit.length <= Self.maxBytes else { return false }
        return true
    }

    mutating func append(_ transmit: Transmit, socketIndex: Int, bytes: ArraySlice<UInt8>,
                         allocator: ByteBufferAllocator) {
        if self.segments == 0 {
            self.socketIndex = socketIndex
            self.remote = transmit.fourTuple.remote
            self.ecn = transmit.ecn
            self.segmentSize = transmit.length
            self.buffer = allocator.buffer(capacity: Self.maxBytes)
        } else if transmit.length < self.segmentSize {
            self.closed = true
        }
        self.buffer?.writeBytes(bytes)
        self.segments += 1
    }
}
