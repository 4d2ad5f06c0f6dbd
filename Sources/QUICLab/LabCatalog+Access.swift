import QUICSimulator
import QUICTransport

/// The access use cases of ARCHITECTURE.md §1: live uplink over two carriers, 5G with coverage holes, hybrid access.
extension LabCatalog {
    /// A live stream (a reporter's camera, a bonded-cellular encoder) uploaded over two carriers' poor uplinks.
    ///
    /// 30 s at 2.5 Mbit/s, 30 frames per second (about 10.4 kB each), each frame due at the server 500 ms after it
    /// was produced. Carrier A: uplink around 3 Mbit/s, 25 ms one way; carrier B: around 2.5 Mbit/s, 35 ms. Every
    /// 2 s each uplink takes a new rate (A 1.5-4 Mbit/s, B 1.2-3.5 Mbit/s, drawn once from a fixed-seed generator,
    /// so both carriers often fall below the stream's rate), and each loses its uplink twice (A 9-10.5 s and 22-22.8 s,
    /// B 15-16 s and 26-28 s). Downlinks: 30 and 20 Mbit/s. Both carriers are flat-rate.
    public static var liveUplink: LabScenario {
        var carrierA = LabPath.symmetric("carrier-a", megabits: 30, oneWayMilliseconds: 25)
        carrierA.uplink = LabPath.link(megabits: 3, oneWayMilliseconds: 25)
        var carrierB = LabPath.symmetric("carrier-b", megabits: 20, oneWayMilliseconds: 35)
        carrierB.uplink = LabPath.link(megabits: 2.5, oneWayMilliseconds: 35)
        var random = CatalogRandom(seed: 0x11_7e_5b_1a)
        var timeline: [LabLinkEvent] = []
        for at in stride(from: 2.0, to: 30.0, by: 2.0) {
            let megabitsA = 1.5 + 2.5 * random.nextUnit()
            let megabitsB = 1.2 + 2.3 * random.nextUnit()
            timeline.append(LabLinkEvent(at: at, path: 0, directions: .aToB,
                                         .parameters(LabPath.link(megabits: megabitsA, oneWayMilliseconds: 25))))
            timeline.append(LabLinkEvent(at: at, path: 1, directions: .aToB,
                                         .parameters(LabPath.link(megabits: megabitsB, oneWayMilliseconds: 35))))
        }
        let outages: [(path: Int, start: Double, end: Double)] = [(0, 9, 10.5), (0, 22, 22.8), (1, 15, 16), (1, 26, 28)]
        for outage in outages {
            timeline.append(LabLinkEvent(at: outage.start, path: outage.path, directions: .aToB, .down))
            timeline.append(LabLinkEvent(at: outage.end, path: outage.path, directions: .aToB, .up))
        }
        timeline.sort { $0.at < $1.at }
        return LabScenario(
            name: "live-uplink",
            summary: "30 s live upload, 2.5 Mbit/s, 30 fps, 500 ms deadline; 2 carrier uplinks 1.2-4 Mbit/s + outages",
            paths: [carrierA, carrierB], timeline: timeline,
            workload: LabWorkload(uplink: UplinkStreamWorkload(bitrate: 2_500_000, framesPerSecond: 30, duration: 30,
                                                               deadline: 0.5)),
            metrics: [.goodput, .bytesPerPath],
            objective: LabObjective(measure: LabMeasure.lateFrames, label: "late frames (fraction)",
                                    lowerIsBetter: true),
            durationLimit: 35)
    }

    /// A download over high-band 5G with coverage holes, and LTE beside it.
    ///
    /// 30 MB. 5G: 80 Mbit/s, 10 ms one way, out of coverage 8% of the time: twelve holes of 50 ms to 600 ms in 30 s
    /// (blockage by bodies and vehicles, written out below), 2.4 s in all. LTE: 18 Mbit/s, 25 ms one way. Both on a
    /// flat-rate plan. Gaps in the data over 200 ms count as stalls.
    public static var coverageHoles5G: LabScenario {
        let nr = LabPath.symmetric("5g", megabits: 80, oneWayMilliseconds: 10)
        let lte = LabPath.symmetric("lte", megabits: 18, oneWayMilliseconds: 25)
        let holes: [(start: Double, length: Double)] = [
            (1.2, 0.3), (3.0, 0.12), (4.4, 0.6), (7.1, 0.08), (9.0, 0.25), (11.8, 0.15),
            (14.5, 0.4), (17.3, 0.1), (20.2, 0.2), (23.0, 0.05), (25.6, 0.1), (28.1, 0.05),
        ]
        let timeline = holes.flatMap {
            [LabLinkEvent(at: $0.start, path: 0, .down), LabLinkEvent(at: $0.start + $0.length, path: 0, .up)]
        }
        return LabScenario(
            name: "5g-coverage-holes",
            summary: "30 MB download; 5G 80 Mbit/s out of coverage 8% of the time (holes of 50-600 ms) + LTE 18 Mbit/s",
            paths: [nr, lte], timeline: timeline, workload: LabWorkload(bulk: BulkWorkload(bytes: 30_000_000)),
            metrics: [.goodput, .stalls, .bytesPerPath],
            objective: LabObjective(measure: LabMeasure.goodput, label: "goodput (bit/s)", lowerIsBetter: false),
            durationLimit: 30, stallThreshold: 0.2)
    }

    /// Hybrid access (DSL + LTE bonding, 3GPP ATSSS): a UDP tunnel carried in QUIC DATAGRAMs, DSL first.
    ///
    /// The tunnel's network end offers 24 Mbit/s of 1,100-byte packets to the customer for 10 s. DSL: 16 Mbit/s down,
    /// 2 Mbit/s up, 12 ms one way, free. LTE: 20 Mbit/s down, 5 Mbit/s up, 30 ms one way, metered. DSL alone loses a
    /// third of the offer; LTE should carry only the excess. The cost-aware scheduler targets the offered rate (3 MB/s)
    /// with a 15 MB budget for LTE (the 10 MB of excess and half as much again). A packet that waits 200 ms to leave
    /// the gateway is dropped there rather than delivered late.
    public static var hybridAccess: LabScenario {
        let dsl = LabPath(name: "dsl", uplink: LabPath.link(megabits: 2, oneWayMilliseconds: 12),
                          downlink: LabPath.link(megabits: 16, oneWayMilliseconds: 12))
        let lte = LabPath(name: "lte", uplink: LabPath.link(megabits: 5, oneWayMilliseconds: 30),
                          downlink: LabPath.link(megabits: 20, oneWayMilliseconds: 30), cost: .metered(costPerByte: 1))
        return LabScenario(
            name: "hybrid-access",
            summary: "UDP tunnel in DATAGRAMs offering 24 Mbit/s for 10 s; DSL 16 Mbit/s free + LTE 20 Mbit/s metered",
            paths: [dsl, lte], timeline: [],
            workload: LabWorkload(tunnel: DatagramTunnelWorkload(offeredRate: 24_000_000, duration: 10,
                                                                 maxQueueDelay: 0.2)),
            metrics: [.goodput, .bytesPerPath, .cost],
            objective: LabObjective(measure: LabMeasure.aggregateRate, label: "aggregate rate (bit/s)",
                                    lowerIsBetter: false),
            durationLimit: 15,
            schedulerOptions: SchedulerOptions(targetRate: 3_000_000, meteredBudget: 15_000_000))
    }
}

/// SplitMix64 with a fixed seed: the catalog draws its link patterns from it once, so every run sees the same ones.
struct CatalogRandom {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9e37_79b9_7f4a_7c15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A value in [0, 1).
    mutating func nextUnit() -> Double {
        Double(self.next() >> 11) / Double(1 << 53)
    }
}
