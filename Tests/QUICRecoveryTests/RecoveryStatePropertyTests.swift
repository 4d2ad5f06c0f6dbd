import Testing
import QUICRecovery
import QUICWire
import QUICTestSupport

/// Seeded random sequences of sends, ACKs, timeouts and key discards against a model of what is outstanding.
@Suite("RecoveryState random sequences")
struct RecoveryStatePropertyTests {
    /// What the model remembers about a packet it handed to the recovery state.
    struct ModelPacket {
        var size: Int
        var isInFlight: Bool
    }

    /// The outstanding packets of the model, per space, and the next packet number of each space.
    struct Model {
        var outstanding: [PacketNumberSpace: [UInt64: ModelPacket]] = [:]
        var nextNumber: [PacketNumberSpace: UInt64] = [:]
        var discarded: Set<PacketNumberSpace> = []

        var bytesInFlight: Int {
            self.outstanding.values.reduce(0) { total, packets in
                total + packets.values.reduce(0) { $0 + ($1.isInFlight ? $1.size : 0) }
            }
        }

        /// Removes reported packets, requiring that each was outstanding in `space`.
        mutating func remove(_ packets: [SentPacket<UInt64>], space: PacketNumberSpace) {
            for packet in packets {
                #expect(packet.payload == packet.packetNumber)
                #expect(self.outstanding[space]?.removeValue(forKey: packet.packetNumber) != nil,
                        "packet \(packet.packetNumber) in \(space) reported but not outstanding")
            }
        }
    }

    /// Random descending, gap-separated ranges within `0...largest`.
    static func randomRanges(largest: UInt64, using rng: inout RecoveryTestRNG) -> [ClosedRange<UInt64>] {
        var ranges: [ClosedRange<UInt64>] = []
        var upper = largest - rng.next(below: Swift.min(largest, 4) + 1)
        while ranges.count < 4 {
            let length = rng.next(below: 5)
            let lower = upper >= length ? upper - length : 0
            ranges.append(lower...upper)
            let gap = 2 + rng.next(below: 4)
            guard lower >= gap else { break }
            upper = lower - gap
        }
        return ranges
    }

    @Test(arguments: [UInt64(1), 2, 3, 42, 0x5EED, 0xDEAD_BEEF])
    func bytesInFlightMatchesOutstandingInFlightPackets(seed: UInt64) throws {
        var rng = RecoveryTestRNG(seed: seed)
        let controller: any CongestionController = seed % 2 == 0 ? NewReno() : Cubic()
        var state = RecoveryState<UInt64>(congestionController: controller)
        var model = Model()
        var now = ms(1_000)
        let minimumWindow = CongestionWindowLimits.minimumWindow(maxDatagramSize: 1_200)
        var acked: [SentPacket<UInt64>] = []
        var lost: [SentPacket<UInt64>] = []
        var totals = (acked: 0, lost: 0, timeoutLost: 0, probes: 0)

        for step in 0..<600 {
            now += .microseconds(Int64(rng.next(below: 20_000)))
            let confirmed = step > 100
            let context = RecoveryContext(isHandshakeConfirmed: confirmed, hasHandshakeKeys: step > 20,
                                          peerCompletedAddressValidation: step > 50)
            let live = PacketNumberSpace.allCases.filter { !model.discarded.contains($0) }
            let space = live[Int(rng.next(below: UInt64(live.count)))]
            switch rng.next(below: 10) {
            case 0..<5:
                let number = model.nextNumber[space, default: 0] + rng.next(below: 2)
                model.nextNumber[space] = number + 1
                let inFlight = rng.next(below: 8) != 0
                let size = 20 + Int(rng.next(below: 1_181))
                let packet = sentPacket(number, at: now, size: size, ackEliciting: inFlight && rng.bool(),
                                        inFlight: inFlight, ecn: rng.bool() ? .ect0 : .notECT)
                state.onPacketSent(packet, space: space, now: now)
                model.outstanding[space, default: [:]][number] = ModelPacket(size: size, isInFlight: inFlight)
            case 5..<8:
                guard let next = model.nextNumber[space], next > 0 else { continue }
                let ranges = Self.randomRanges(largest: next - 1, using: &rng)
                acked.removeAll(keepingCapacity: true)
                lost.removeAll(keepingCapacity: true)
                let ecn = rng.bool() ? ECNCounts(ect0: rng.next(below: 50), ce: rng.next(below: 3)) : nil
                _ = try state.onAckReceived(space: space, ranges: ranges, ackDelay: .microseconds(500), ecn: ecn,
                                            context: context, now: now, acked: &acked, lost: &lost)
                for packet in acked {
                    #expect(ranges.contains { $0.contains(packet.packetNumber) })
                }
                model.remove(acked, space: space)
                model.remove(lost, space: space)
                totals.acked += acked.count
                totals.lost += lost.count
            case 8:
                if let deadline = state.nextTimeout(context: context, now: now), deadline <= now || rng.bool() {
                    now = Swift.max(now, deadline)
                    // Time-threshold loss runs in the space with the earliest loss time.
                    let lossSpace = PacketNumberSpace.allCases.filter { state.tracker($0).lossTime != nil }
                        .min { (state.tracker($0).lossTime ?? now) < (state.tracker($1).lossTime ?? now) }
                    switch state.onTimeout(context: context, now: now) {
                    case .none:
                        break
                    case .probe(_, let count):
                        #expect(count == 1 || count == 2)
                        totals.probes += 1
                    case .lost(let packets):
                        #expect(!packets.isEmpty)
                        totals.timeoutLost += packets.count
                        for packet in packets {
                            #expect(now - packet.timeSent >= RecoveryConstants.granularity)
                        }
                        model.remove(packets, space: try #require(lossSpace))
                    }
                }
            default:
                // Initial and Handshake keys go away once, in that order, after some traffic.
                if step > 150, !model.discarded.contains(.initial) || (step > 300 && live.contains(.handshake)) {
                    let dropped: PacketNumberSpace = model.discarded.contains(.initial) ? .handshake : .initial
                    var removed: [SentPacket<UInt64>] = []
                    state.discard(space: dropped, into: &removed)
                    model.remove(removed, space: dropped)
                    #expect(model.outstanding[dropped, default: [:]].isEmpty)
                    model.discarded.insert(dropped)
                    #expect(state.ptoCount == 0)
                }
            }
            #expect(state.bytesInFlight == model.bytesInFlight, "step \(step)")
            let trackerSum = PacketNumberSpace.allCases.reduce(0) { $0 + state.tracker($1).bytesInFlight }
            #expect(state.bytesInFlight == trackerSum)
            #expect(state.congestionWindow >= minimumWindow)
            for space in PacketNumberSpace.allCases {
                #expect(state.tracker(space).packets.count == model.outstanding[space, default: [:]].count)
            }
        }
        // The sequence exercised every path that changes bytes in flight.
        #expect(totals.acked > 0 && totals.lost > 0 && totals.probes > 0)
        #expect(model.discarded == [.initial, .handshake])
    }
}
