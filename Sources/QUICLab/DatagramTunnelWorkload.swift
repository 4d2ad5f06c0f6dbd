import QUICSimulator
import QUICTransport

/// A UDP tunnel (hybrid access, ATSSS, CONNECT-UDP): the server, the tunnel's network end, forwards a constant
/// `offeredRate` of UDP packets to the client as QUIC DATAGRAM frames (RFC 9221) of `datagramBytes` each, for
/// `duration` seconds, in bursts every `tick` seconds. DATAGRAMs are never retransmitted: what the paths cannot carry
/// is lost. The run ends `drain` seconds after the offer stops, so that datagrams in flight can arrive. With
/// `maxQueueDelay` set, the gateway's connection drops a packet that waited that long to leave
/// (``ConnectionConfiguration/datagramMaxQueueDelay``), as a tunnel should: late packets are worth less than none.
///
/// Measures: the aggregate rate (distinct datagram bytes that reached the client while the offer lasted x 8 over
/// `duration`), the datagram loss fraction (offered datagrams that never arrived, drain included) and the one-way
/// delay of the datagrams that did.
public struct DatagramTunnelWorkload: Sendable, Hashable {
    /// Bits per second the tunnel offers.
    public var offeredRate: Double
    /// Payload of each DATAGRAM frame: a tunnelled packet, small enough for a 1,200-byte QUIC packet.
    public var datagramBytes: Int
    public var duration: Double
    public var tick: Double
    public var drain: Double
    /// Seconds a packet may wait in the sender's DATAGRAM queue; nil: no limit but the queue's length.
    public var maxQueueDelay: Double?

    public init(offeredRate: Double, datagramBytes: Int = 1_100, duration: Double, tick: Double = 0.005,
                drain: Double = 1, maxQueueDelay: Double? = nil) {
        precondition(offeredRate > 0 && datagramBytes >= StampedPayload.headerBytes && duration > 0 && tick > 0,
                     "a tunnel carries something")
        self.offeredRate = offeredRate
        self.datagramBytes = datagramBytes
        self.duration = duration
        self.tick = tick
        self.drain = drain
        self.maxQueueDelay = maxQueueDelay
    }

    /// Datagrams offered over the whole duration.
    public var datagramCount: Int { max(Int(self.duration * self.offeredRate / 8 / Double(self.datagramBytes)), 1) }

    /// Datagrams offered in the first `seconds` of the tunnel.
    func offered(after seconds: Double) -> Int {
        min(Int(seconds * self.offeredRate / 8 / Double(self.datagramBytes)), self.datagramCount)
    }
}

/// The server side of a ``DatagramTunnelWorkload``: forwards the offered packets on schedule once the handshake is
/// complete.
final class TunnelGateway {
    let workload: DatagramTunnelWorkload
    private(set) var start: SimInstant?
    private(set) var offered = 0
    /// Packets the connection refused (too large for the path at the time, or closed).
    private(set) var refused = 0

    init(workload: DatagramTunnelWorkload) {
        self.workload = workload
    }

    func drive(_ connection: Connection, now: SimInstant) {
        if self.start == nil {
            guard connection.isHandshakeComplete else { return }
            self.start = now
        }
        guard let start = self.start else { return }
        let due = self.workload.offered(after: (now - start).seconds)
        while self.offered < due {
            let packet = StampedPayload.encode(sequence: self.offered, producedAt: now, size: self.workload.datagramBytes)
            do {
                try connection.sendDatagram(packet, now: now.quicInstant)
            } catch {
                self.refused += 1
            }
            self.offered += 1
        }
    }

    /// The next burst, while the offer lasts.
    func wakeup(now: SimInstant) -> SimInstant? {
        guard self.start != nil, self.offered < self.workload.datagramCount else { return nil }
        return now + .seconds(self.workload.tick)
    }
}

/// The client side of a ``DatagramTunnelWorkload``: counts the distinct packets that came out of the tunnel.
final class TunnelReceiver {
    let workload: DatagramTunnelWorkload
    private(set) var start: SimInstant?
    private var seen: [Bool]
    private(set) var distinct = 0
    private(set) var distinctBytes = 0
    /// Distinct bytes that arrived before the offer's duration had passed (on the client's clock).
    private(set) var bytesDuringOffer = 0
    /// One-way delay of every distinct packet, seconds.
    private(set) var delays: [Double] = []
    private(set) var finished = false

    init(workload: DatagramTunnelWorkload) {
        self.workload = workload
        self.seen = Array(repeating: false, count: workload.datagramCount)
    }

    /// The moment the run ends: the offer's duration and the drain time after the client saw the handshake complete.
    var end: SimInstant? { self.start.map { $0 + .seconds(self.workload.duration + self.workload.drain) } }

    func drive(_ connection: Connection, now: SimInstant, recorder: LabRecorder) {
        if self.start == nil {
            guard connection.isHandshakeComplete else { return }
            self.start(at: now, recorder: recorder)
        }
        if let end = self.end, now >= end, !self.finished {
            self.finished = true
            recorder.end(now: now, requestSeconds: nil)
        }
    }

    /// The tunnel is up: the client waits for its packets from now on.
    func start(at now: SimInstant, recorder: LabRecorder) {
        self.start = now
        recorder.begin(now: now)
    }

    func received(_ datagram: [UInt8], now: SimInstant, recorder: LabRecorder) {
        guard !self.finished, let packet = StampedPayload.decode(datagram[...]), self.seen.indices.contains(packet.sequence),
              !self.seen[packet.sequence] else { return }
        self.seen[packet.sequence] = true
        self.distinct += 1
        self.distinctBytes += datagram.count
        if let start = self.start, now <= start + .seconds(self.workload.duration) {
            self.bytesDuringOffer += datagram.count
        }
        self.delays.append(now > packet.producedAt ? (now - packet.producedAt).seconds : 0)
        recorder.read(datagram.count, now: now)
    }

    /// Aggregate rate, loss fraction (against the `offered` count of the gateway) and delay percentile.
    func measures(offered: Int) -> [String: Double] {
        var measures = [
            LabMeasure.aggregateRate: Double(self.bytesDuringOffer) * 8 / self.workload.duration,
            LabMeasure.datagramLoss: offered > 0 ? 1 - Double(self.distinct) / Double(offered) : 0,
        ]
        measures[LabMeasure.datagramDelayP95] = LabResult.percentile(95, of: self.delays)
        return measures
    }
}
