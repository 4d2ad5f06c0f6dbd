import QUICTestSupport
import QUICWire
import Testing
@testable import QUICTransport

/// Two ``StreamManager``s, a client and a server, joined by a lossy, reordering "link" of whole packets:
/// frames are polled into packets of `packetSize` bytes, encoded and decoded again, delivered (or lost),
/// and their records acknowledged (or declared lost) at the sender. The application side writes queued
/// bytes as the send buffers allow and reads every readable stream to the end.
struct StreamManagerTestPair {
    var client: StreamManager
    var server: StreamManager
    var random: SplitMix64
    /// Per mille of packets lost.
    var lossPerMille: UInt64
    var packetSize = 1_200
    var now: UInt64 = 0
    let smoothedRTT: UInt64 = 20_000_000
    /// At most this many packets per side per round.
    var burst = 16

    /// Bytes still to write, per endpoint and stream, and whether to finish after them.
    var outgoing: [EndpointRole: [StreamID: (bytes: [UInt8], written: Int, finish: Bool)]] =
        [.client: [:], .server: [:]]
    /// Bytes read, per endpoint and stream.
    var received: [EndpointRole: [StreamID: [UInt8]]] = [.client: [:], .server: [:]]
    /// Streams read up to their FIN.
    var finished: [EndpointRole: Set<StreamID>] = [.client: [], .server: []]
    /// Every event each side produced, in order.
    var events: [EndpointRole: [StreamEvent]] = [.client: [], .server: []]
    /// Every frame each side sent (delivered or not).
    var sentFrames: [EndpointRole: [Frame]] = [.client: [], .server: []]
    /// Read errors by stream.
    var readErrors: [EndpointRole: [StreamID: StreamError]] = [.client: [:], .server: [:]]

    init(clientLimits: StreamLimits = StreamLimits(), serverLimits: StreamLimits = StreamLimits(),
         seed: UInt64 = 1, lossPerMille: UInt64 = 0) {
        self.client = StreamManager(role: .client, limits: clientLimits)
        self.server = StreamManager(role: .server, limits: serverLimits)
        self.client.setPeerLimits(serverLimits.asPeerLimits)
        self.server.setPeerLimits(clientLimits.asPeerLimits)
        self.random = SplitMix64(seed: seed)
        self.lossPerMille = lossPerMille
    }

    subscript(role: EndpointRole) -> StreamManager {
        get { role == .client ? self.client : self.server }
        set {
            if role == .client { self.client = newValue } else { self.server = newValue }
        }
    }

    /// Queues bytes for the application of `role` to write on `id`.
    mutating func send(_ bytes: [UInt8], on id: StreamID, from role: EndpointRole, finish: Bool = true) {
        self.outgoing[role, default: [:]][id] = (bytes, 0, finish)
    }

    /// Writes what the send buffers accept.
    mutating func pumpWrites() throws {
        for role in [EndpointRole.client, .server] {
            for id in (self.outgoing[role] ?? [:]).keys.sorted() {
                guard var entry = self.outgoing[role]?[id] else { continue }
                if entry.written < entry.bytes.count {
                    entry.written += try self[role].write(id, entry.bytes[entry.written...])
                }
                if entry.written == entry.bytes.count {
                    if entry.finish { try self[role].finish(id) }
                    self.outgoing[role]?[id] = nil
                } else {
                    self.outgoing[role]?[id] = entry
                }
            }
        }
    }

    /// Drains events and reads every readable stream.
    mutating func pumpEvents() {
        for role in [EndpointRole.client, .server] {
            while let event = self[role].pollEvent() {
                self.events[role, default: []].append(event)
                if case .readable(let id) = event { self.readAll(id, at: role) }
            }
        }
    }

    mutating func readAll(_ id: StreamID, at role: EndpointRole) {
        var buffer: [UInt8] = []
        do {
            while true {
                let (count, fin) = try self[role].read(id, into: &buffer, maxLength: 10_000)
                if fin { self.finished[role, default: []].insert(id) }
                if count == 0 || fin { break }
            }
        } catch {
            self.readErrors[role, default: [:]][id] = error
        }
        self.received[role, default: [:]][id, default: []].append(contentsOf: buffer)
    }

    /// One packet's worth of frames from `role`, encoded; nil when there is nothing to send.
    mutating func buildPacket(from role: EndpointRole) -> (bytes: [UInt8], records: [StreamFrameRecord])? {
        var writer = ByteWriter()
        var records: [StreamFrameRecord] = []
        while writer.count < self.packetSize {
            let room = self.packetSize - writer.count
            guard let (frame, record) = self[role].pollFrame(maxLength: room, now: self.now,
                                                              smoothedRTT: self.smoothedRTT, isLastInPacket: true)
            else { break }
            #expect(frame.encodedLength <= room, "frame \(frame.frameType) of \(frame.encodedLength) > \(room)")
            let before = writer.count
            frame.encode(to: &writer)
            #expect(writer.count - before == frame.encodedLength)
            records.append(record)
            self.sentFrames[role, default: []].append(frame)
            if case .stream(let stream) = frame, !stream.hasLength { break }
        }
        return records.isEmpty ? nil : (writer.bytes, records)
    }

    /// Hands a decoded frame to the manager of `role`.
    mutating func deliver(_ frame: Frame, to role: EndpointRole) throws(TransportError) {
        switch frame {
        case .stream(let stream): try self[role].onStream(stream, now: self.now, smoothedRTT: self.smoothedRTT)
        case .resetStream(let reset): try self[role].onResetStream(reset)
        case .stopSending(let stop): try self[role].onStopSending(stop)
        case .maxData(let limit): self[role].onMaxData(limit)
        case .maxStreamData(let update): try self[role].onMaxStreamData(update)
        case .maxStreams(let update): try self[role].onMaxStreams(update)
        case .dataBlocked(let limit): self[role].onDataBlocked(limit)
        case .streamDataBlocked(let blocked): try self[role].onStreamDataBlocked(blocked)
        case .streamsBlocked(let blocked): try self[role].onStreamsBlocked(blocked)
        default: Issue.record("unexpected frame \(frame)")
        }
    }

    /// One round: both sides send a burst, packets arrive in a shuffled order (or are lost), and their
    /// records are acknowledged or declared lost. Returns whether any packet was sent.
    mutating func round() throws -> Bool {
        try self.pumpWrites()
        var packets: [(from: EndpointRole, bytes: [UInt8], records: [StreamFrameRecord])] = []
        for role in [EndpointRole.client, .server] {
            for _ in 0..<self.burst {
                guard let packet = self.buildPacket(from: role) else { break }
                packets.append((role, packet.bytes, packet.records))
            }
        }
        // Seeded Fisher-Yates shuffle: packets of a round overtake each other.
        if packets.count > 1 {
            for index in stride(from: packets.count - 1, to: 0, by: -1) {
                packets.swapAt(index, Int(self.random.next(below: UInt64(index + 1))))
            }
        }
        for packet in packets {
            let receiver: EndpointRole = packet.from == .client ? .server : .client
            if self.random.next(below: 1_000) < self.lossPerMille {
                for record in packet.records { self[packet.from].onLost(record) }
                continue
            }
            for frame in try FrameDecoder.decodeAll(packet.bytes[...], level: .oneRTT) {
                try self.deliver(frame, to: receiver)
            }
            for record in packet.records { self[packet.from].onAcked(record) }
        }
        self.now += self.smoothedRTT
        self.pumpEvents()
        return !packets.isEmpty
    }

    /// Runs rounds until nothing is left to send and nothing to write, or `maxRounds` pass.
    mutating func run(maxRounds: Int = 10_000, between: (inout StreamManagerTestPair) throws -> Void = { _ in })
        throws -> Int
    {
        for count in 1...maxRounds {
            try between(&self)
            let sent = try self.round()
            let idle = !sent && self.outgoing.values.allSatisfy(\.isEmpty)
                && !self.client.hasPendingFrames && !self.server.hasPendingFrames
            if idle { return count }
        }
        Issue.record("not finished after \(maxRounds) rounds")
        return maxRounds
    }

    func frames(from role: EndpointRole, where predicate: (Frame) -> Bool) -> [Frame] {
        (self.sentFrames[role] ?? []).filter(predicate)
    }
}

/// Seeded test data.
func streamTestBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var random = SplitMix64(seed: seed)
    return random.bytes(count)
}

/// Runs `body` and checks it throws a ``TransportError`` with this code and frame type (any reason).
func expectTransportError(_ code: TransportErrorCode, frameType: UInt64, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("no error, expected \(code)")
    } catch let error as TransportError {
        #expect(error.code == code, "\(error)")
        #expect(error.frameType == frameType, "\(error)")
    } catch {
        Issue.record("unexpected error \(error)")
    }
}
