import QUICSimulator
import QUICTransport

/// The streaming use cases of ARCHITECTURE.md §1: a playback buffer fed by chunk downloads.
extension LabCatalog {
    /// Music over a home Wi-Fi the listener walks out of, with metered LTE beside it.
    ///
    /// 120 s of audio at 320 kbit/s (the top quality of the common music services), fetched in 5 s chunks (200 kB)
    /// while less than 20 s are buffered; playback starts, and resumes after a rebuffer, with 2 s buffered.
    /// Wi-Fi: 20 Mbit/s, 10 ms one way; from 20 s it fades (4 Mbit/s / 30 ms, 1 Mbit/s / 60 ms at 30 s,
    /// 0.2 Mbit/s / 150 ms at 40 s, below the audio's bitrate), is out of range from 55 s to 75 s, and comes back at
    /// 2 Mbit/s, then 20 Mbit/s at 90 s. LTE: 20 Mbit/s, 30 ms one way, metered. The cost-aware scheduler may add
    /// LTE when the Wi-Fi's estimated rate falls below 480 kbit/s (1.5 x the audio), for at most 5 MB.
    public static var musicStreaming: LabScenario {
        let wifi = LabPath.symmetric("wifi", megabits: 20, oneWayMilliseconds: 10)
        let lte = LabPath.symmetric("lte", megabits: 20, oneWayMilliseconds: 30, cost: .metered(costPerByte: 1))
        let fading: [(at: Double, megabits: Double, oneWay: UInt64)] = [
            (20, 4, 30), (30, 1, 60), (40, 0.2, 150), (75, 2, 40), (90, 20, 10),
        ]
        var timeline = fading.map {
            LabLinkEvent(at: $0.at, path: 0,
                         .parameters(LabPath.link(megabits: $0.megabits, oneWayMilliseconds: $0.oneWay)))
        }
        timeline.append(LabLinkEvent(at: 55, path: 0, .down))
        timeline.append(LabLinkEvent(at: 75, path: 0, .up))
        timeline.sort { $0.at < $1.at }
        return LabScenario(
            name: "music-streaming",
            summary: "120 s of 320 kbit/s audio, 5 s chunks, 20 s buffer; Wi-Fi fades at 20 s, gone 55-75 s; LTE",
            paths: [wifi, lte], timeline: timeline,
            workload: LabWorkload(playback: PlaybackWorkload(bitrate: 320_000, chunkSeconds: 5, clipSeconds: 120,
                                                             startupSeconds: 2, bufferSeconds: 20)),
            metrics: [.stalls, .bytesPerPath, .cost],
            objective: LabObjective(measure: LabMeasure.rebufferSeconds, label: "rebuffering (s)", lowerIsBetter: true),
            durationLimit: 160,
            schedulerOptions: SchedulerOptions(targetRate: 60_000, meteredBudget: 5_000_000))
    }

    /// A short-video feed over a Wi-Fi shared with heavy users, and 4G beside it.
    ///
    /// 8 clips of 8 s at 2 Mbit/s (720p), fetched in 1 s chunks (250 kB) while less than 4 s are buffered; a clip
    /// starts with 1 s buffered and nothing of it is fetched before it starts. Wi-Fi: 30 Mbit/s, 8 ms one way, with
    /// four congestion periods (6-12 s, 20-23 s, 31-41 s, 50-54 s) in which other stations leave it 1.5 Mbit/s and
    /// queueing adds delay (120 ms one way; the queue stays sized for 30 Mbit/s, so it also fills). 4G: 15 Mbit/s,
    /// 30 ms one way, metered. The cost-aware scheduler may add 4G below 2.5 Mbit/s of Wi-Fi, for at most 20 MB.
    public static var shortVideo: LabScenario {
        let wifi = LabPath.symmetric("wifi", megabits: 30, oneWayMilliseconds: 8)
        let cellular = LabPath.symmetric("4g", megabits: 15, oneWayMilliseconds: 30, cost: .metered(costPerByte: 1))
        let congestion: [(start: Double, end: Double)] = [(6, 12), (20, 23), (31, 41), (50, 54)]
        var timeline: [LabLinkEvent] = []
        for period in congestion {
            timeline.append(LabLinkEvent(at: period.start, path: 0, .rate(1_500_000 / 8)))
            timeline.append(LabLinkEvent(at: period.start, path: 0, .delay(.milliseconds(120))))
            timeline.append(LabLinkEvent(at: period.end, path: 0, .rate(30_000_000 / 8)))
            timeline.append(LabLinkEvent(at: period.end, path: 0, .delay(.milliseconds(8))))
        }
        return LabScenario(
            name: "short-video",
            summary: "8 clips of 8 s at 2 Mbit/s, 1 s chunks; Wi-Fi 30 Mbit/s congested to 1.5 Mbit/s at times + 4G",
            paths: [wifi, cellular], timeline: timeline,
            workload: LabWorkload(playback: PlaybackWorkload(bitrate: 2_000_000, chunkSeconds: 1, clipSeconds: 8,
                                                             clips: 8, startupSeconds: 1, bufferSeconds: 4)),
            metrics: [.completionTime, .stalls, .bytesPerPath, .cost],
            objective: LabObjective(measure: LabMeasure.p99, label: "p99 chunk time (s)", lowerIsBetter: true),
            durationLimit: 100,
            schedulerOptions: SchedulerOptions(targetRate: 312_500, meteredBudget: 20_000_000))
    }
}
