import QUICSimulator
import QUICTransport

/// The named scenarios, taken from the use cases of ARCHITECTURE.md §1.
public enum LabCatalog {
    public static var scenarios: [LabScenario] {
        [Self.voiceAssistant, Self.highSpeedRail, Self.satelliteTerrestrial, Self.musicStreaming, Self.shortVideo,
         Self.liveUplink, Self.coverageHoles5G, Self.hybridAccess]
    }

    /// The scenario called `name`, or an error listing the valid names.
    public static func scenario(named name: String) throws(LabError) -> LabScenario {
        guard let scenario = Self.scenarios.first(where: { $0.name == name.lowercased() }) else {
            throw LabError.unknownScenario(name, valid: Self.scenarios.map(\.name))
        }
        return scenario
    }

    /// Interactive requests (200 B asked, 20 kB streamed back, 300 ms think time) for 30 s while the Wi-Fi
    /// degrades at 10 s (2 Mbit/s, 150 ms one way) and drops out at 20 s; LTE is metered.
    public static var voiceAssistant: LabScenario {
        let wifi = LabPath.symmetric("wifi", megabits: 30, oneWayMilliseconds: 10)
        let lte = LabPath.symmetric("lte", megabits: 10, oneWayMilliseconds: 25, cost: .metered(costPerByte: 1))
        return LabScenario(
            name: "voice-assistant",
            summary: "request/response (200 B / 20 kB, 300 ms think) for 30 s; Wi-Fi degrades at 10 s, drops at 20 s",
            paths: [wifi, lte],
            timeline: [
                LabLinkEvent(at: 10, path: 0, .rate(LinkParameters.bytesPerSecond(bitsPerSecond: 2_000_000))),
                LabLinkEvent(at: 10, path: 0, .delay(.milliseconds(150))),
                LabLinkEvent(at: 20, path: 0, .down),
            ],
            workload: LabWorkload(requests: RequestResponseWorkload(requestBytes: 200, responseBytes: 20_000,
                                                                    thinkTime: 0.3, duration: 30)),
            metrics: [.completionTime, .stalls, .bytesPerPath, .cost],
            objective: LabObjective(measure: LabMeasure.p95, label: "p95 request time (s)", lowerIsBetter: true),
            durationLimit: 40, stallThreshold: 0.5,
            // The cost-aware scheduler may add LTE when Wi-Fi falls below 5 Mbit/s, for at most 10 MB.
            schedulerOptions: SchedulerOptions(targetRate: 625_000, meteredBudget: 10_000_000))
    }

    /// A 40 MB download on a train: cellular (20 Mbit/s, 40 ms RTT) loses 2 s at every handover, about every
    /// 13 s; the train's Wi-Fi is shared and slow (2 Mbit/s, 30 ms RTT).
    public static var highSpeedRail: LabScenario {
        let cellular = LabPath.symmetric("cellular", megabits: 20, oneWayMilliseconds: 20,
                                         cost: .metered(costPerByte: 1))
        let wifi = LabPath.symmetric("trainwifi", megabits: 2, oneWayMilliseconds: 15)
        var timeline: [LabLinkEvent] = []
        for start in stride(from: 5.0, to: 60.0, by: 13.0) {
            timeline.append(LabLinkEvent(at: start, path: 0, .down))
            timeline.append(LabLinkEvent(at: start + 2, path: 0, .up))
        }
        return LabScenario(
            name: "high-speed-rail",
            summary: "40 MB download; cellular 20 Mbit/s with a 2 s handover outage every 13 s + train Wi-Fi 2 Mbit/s",
            paths: [cellular, wifi], timeline: timeline, workload: LabWorkload(bulk: BulkWorkload(bytes: 40_000_000)),
            metrics: [.goodput, .stalls, .bytesPerPath],
            objective: LabObjective(measure: LabMeasure.goodput, label: "goodput (bit/s)", lowerIsBetter: false),
            durationLimit: 60, stallThreshold: 0.5)
    }

    /// Interactive requests beside a bulk download over GEO satellite (50 Mbit/s, 600 ms RTT) and a slow
    /// terrestrial link (5 Mbit/s, 30 ms RTT).
    public static var satelliteTerrestrial: LabScenario {
        let satellite = LabPath.symmetric("satellite", megabits: 50, oneWayMilliseconds: 300, queueMilliseconds: 200)
        let terrestrial = LabPath.symmetric("terrestrial", megabits: 5, oneWayMilliseconds: 15)
        return LabScenario(
            name: "satellite-terrestrial",
            summary: "30 MB download beside 1 kB / 10 kB requests for 20 s; GEO 50 Mbit/s 600 ms + terrestrial 5 Mbit/s",
            paths: [satellite, terrestrial], timeline: [],
            workload: LabWorkload(bulk: BulkWorkload(bytes: 30_000_000),
                                  requests: RequestResponseWorkload(requestBytes: 1_000, responseBytes: 10_000,
                                                                    thinkTime: 0.2, duration: 20)),
            metrics: [.goodput, .completionTime, .bytesPerPath],
            objective: LabObjective(measure: LabMeasure.p95, label: "p95 request time (s)", lowerIsBetter: true),
            durationLimit: 40, stallThreshold: 1.0)
    }
}
