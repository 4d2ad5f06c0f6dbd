import QUICSimulator

/// Writes a sequence number into the first 8 bytes of a payload of `size` bytes.
func simTestPayload(sequence: UInt64, size: Int) -> [UInt8] {
    var payload = [UInt8](repeating: 0, count: max(size, 8))
    for index in 0..<8 {
        payload[index] = UInt8(truncatingIfNeeded: sequence >> UInt64(56 - 8 * index))
    }
    if size < 8 {
        payload.removeLast(8 - size)
    }
    return payload
}

/// Reads the sequence number written by `simTestPayload`.
func simTestSequence(_ payload: [UInt8]) -> UInt64 {
    payload.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
}

/// Sends `count` datagrams of `size` bytes, one every `interval` from `start` (all at once when the interval
/// is zero), each carrying its sequence number.
final class ConstantBitRateSender: SimulatedEndpoint {
    var source: SimAddress
    let destination: SimAddress
    let size: Int
    let interval: SimDuration
    /// How many datagrams to send in all; raise it and poll the node to send more.
    var count: UInt64
    let ecn: SimECN
    private(set) var sent: UInt64 = 0
    private var nextSend: SimInstant
    /// Sizes to use instead of `size`, by sequence number.
    var sizeOverrides: [UInt64: Int] = [:]

    init(source: SimAddress, destination: SimAddress, size: Int, interval: SimDuration, count: UInt64,
         start: SimInstant = .zero, ecn: SimECN = .notECT) {
        self.source = source
        self.destination = destination
        self.size = size
        self.interval = interval
        self.count = count
        self.nextSend = start
        self.ecn = ecn
    }

    func receive(_ datagram: SimDatagram, now: SimInstant) {}

    func pollTransmit(now: SimInstant) -> SimDatagram? {
        guard self.sent < self.count, now >= self.nextSend else {
            return nil
        }
        let sequence = self.sent
        self.sent += 1
        self.nextSend = self.nextSend + self.interval
        let size = self.sizeOverrides[sequence] ?? self.size
        return SimDatagram(source: self.source, destination: self.destination, ecn: self.ecn,
                           payload: simTestPayload(sequence: sequence, size: size))
    }

    var nextTimeout: SimInstant? {
        self.sent < self.count ? self.nextSend : nil
    }

    func handleTimeout(now: SimInstant) {}
}

/// Records everything it receives.
final class Sink: SimulatedEndpoint {
    struct Arrival: Equatable {
        var time: SimInstant
        var sequence: UInt64
        var datagram: SimDatagram
    }

    private(set) var arrivals: [Arrival] = []

    var sequences: [UInt64] {
        self.arrivals.map(\.sequence)
    }

    func receive(_ datagram: SimDatagram, now: SimInstant) {
        self.arrivals.append(Arrival(time: now, sequence: simTestSequence(datagram.payload), datagram: datagram))
    }

    func pollTransmit(now: SimInstant) -> SimDatagram? {
        nil
    }

    var nextTimeout: SimInstant? {
        nil
    }

    func handleTimeout(now: SimInstant) {}
}

/// Echoes every datagram back to the address it came from, and remembers the sources it saw.
final class Echo: SimulatedEndpoint {
    private var pending: [SimDatagram] = []
    private(set) var observedSources: [SimAddress] = []

    func receive(_ datagram: SimDatagram, now: SimInstant) {
        self.observedSources.append(datagram.source)
        self.pending.append(SimDatagram(source: datagram.destination, destination: datagram.source,
                                        ecn: datagram.ecn, payload: datagram.payload))
    }

    func pollTransmit(now: SimInstant) -> SimDatagram? {
        self.pending.isEmpty ? nil : self.pending.removeFirst()
    }

    var nextTimeout: SimInstant? {
        nil
    }

    func handleTimeout(now: SimInstant) {}
}

/// Sends a ping, waits for its echo (or `timeout`), then sends the next one, `count` times, from each of
/// its source addresses in turn; records round-trip times.
final class Pinger: SimulatedEndpoint {
    var sources: [SimAddress]
    let destination: SimAddress
    let count: UInt64
    let timeout: SimDuration
    private(set) var sent: UInt64 = 0
    private(set) var roundTrips: [SimDuration] = []
    private(set) var replies: [SimDatagram] = []
    private var outstandingSince: SimInstant?
    private var wantsToSend = true
    private(set) var addressChanges: [[SimAddress]] = []

    init(sources: [SimAddress], destination: SimAddress, count: UInt64, timeout: SimDuration = .seconds(1)) {
        self.sources = sources
        self.destination = destination
        self.count = count
        self.timeout = timeout
    }

    func receive(_ datagram: SimDatagram, now: SimInstant) {
        guard let since = self.outstandingSince, simTestSequence(datagram.payload) == self.sent - 1 else {
            return
        }
        self.replies.append(datagram)
        self.roundTrips.append(now - since)
        self.outstandingSince = nil
        self.wantsToSend = true
    }

    func pollTransmit(now: SimInstant) -> SimDatagram? {
        guard self.wantsToSend, self.sent < self.count, !self.sources.isEmpty else {
            return nil
        }
        self.wantsToSend = false
        self.outstandingSince = now
        let source = self.sources[Int(self.sent % UInt64(self.sources.count))]
        let datagram = SimDatagram(source: source, destination: self.destination,
                                   payload: simTestPayload(sequence: self.sent, size: 64))
        self.sent += 1
        return datagram
    }

    var nextTimeout: SimInstant? {
        self.outstandingSince.map { $0 + self.timeout }
    }

    func handleTimeout(now: SimInstant) {
        self.outstandingSince = nil
        self.wantsToSend = true
    }

    func addressesChanged(_ addresses: [SimAddress], now: SimInstant) {
        self.addressChanges.append(addresses)
        self.sources = addresses
    }
}
