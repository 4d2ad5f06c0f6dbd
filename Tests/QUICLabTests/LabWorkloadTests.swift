import QUICSimulator
import Testing

@testable import QUICLab

/// The new workloads' bookkeeping on its own: the playout buffer, late frames, tunnel loss and the metered share.
@Suite("Lab workload accounting")
struct LabWorkloadTests {
    private func near(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) < tolerance
    }

    @Test("playback starts with the startup buffer, rebuffers when it runs dry, resumes with the startup buffer")
    func playoutBuffer() {
        var buffer = PlayoutBuffer(clipSeconds: 10, startupSeconds: 2, requestedAt: 0)
        buffer.receive(1, at: 0.5)
        #expect(!buffer.playing, "1 s buffered is below the 2 s startup")
        buffer.receive(1.5, at: 1.0)
        #expect(buffer.playing)
        #expect(self.near(buffer.firstFrameAt, 1.0))
        #expect(self.near(buffer.time(whenBufferFallsTo: 1), 2.5))
        buffer.advance(to: 4.0)  // 2.5 s of media played by 3.5 s: empty from then on
        #expect(!buffer.playing)
        #expect(buffer.isRebuffering)
        #expect(buffer.rebufferCount == 1)
        buffer.receive(1, at: 4.5)
        #expect(!buffer.playing, "1 s buffered does not resume playback")
        buffer.receive(1, at: 5.0)
        #expect(buffer.playing)
        #expect(self.near(buffer.rebufferSeconds, 1.5), "stalled from 3.5 s to 5 s")
        buffer.receive(10, at: 6.0)  // the rest of the clip
        #expect(self.near(buffer.position, 3.5))
        #expect(self.near(buffer.endTime, 12.5))
        buffer.advance(to: 12.5)
        #expect(buffer.finished)
        #expect(buffer.rebufferCount == 1)
        #expect(self.near(buffer.longestRebuffer, 1.5))
    }

    @Test("a rebuffer still going on at the end of the run counts until then; a short last clip starts early")
    func playoutBufferEnds() {
        var buffer = PlayoutBuffer(clipSeconds: 5, startupSeconds: 2, requestedAt: 1)
        buffer.receive(3, at: 2)
        buffer.finish(at: 9)  // played 2...5, stalled 5...9
        #expect(buffer.rebufferCount == 1)
        #expect(self.near(buffer.rebufferSeconds, 4))
        var short = PlayoutBuffer(clipSeconds: 1, startupSeconds: 2, requestedAt: 0)
        short.receive(1, at: 0.25)
        #expect(short.playing, "a clip shorter than the startup buffer plays once all of it is there")
        #expect(self.near(short.firstFrameAt, 0.25))
    }

    @Test("a playback client reports rebuffering and first-frame times in its measures")
    func playbackMeasures() {
        let client = PlaybackClient(workload: PlaybackWorkload(bitrate: 8_000, chunkSeconds: 1, clipSeconds: 2,
                                                               startupSeconds: 1, bufferSeconds: 2))
        #expect(client.measures[LabMeasure.rebufferSeconds] == 0)
        #expect(client.measures[LabMeasure.firstFrame] == nil)
        #expect(client.workload.bytes(ofMedia: 1) == 1_000)
        #expect(client.wakeup == nil)
    }

    @Test("a frame is late when it is read after its deadline or never; the delivered rate counts on-time bytes")
    func lateFrames() throws {
        let workload = UplinkStreamWorkload(bitrate: 80_000, framesPerSecond: 10, duration: 1, deadline: 0.5)
        #expect(workload.frameCount == 10)
        #expect(workload.frameBytes == 1_000)
        let receiver = UplinkStreamReceiver(workload: workload)
        for index in 0..<8 {
            let produced = SimInstant.zero + .milliseconds(UInt64(index) * 100)
            let frame = StampedPayload.encode(sequence: index, producedAt: produced, size: workload.frameBytes)
            // Frames 6 and 7 take 600 ms: late. Frames 8 and 9 never arrive.
            let delay: UInt64 = index >= 6 ? 600 : 500
            receiver.frameCompleted(frame, now: produced + .milliseconds(delay))
        }
        #expect(receiver.framesOnTime == 6)
        #expect(self.near(receiver.measures[LabMeasure.lateFrames], 0.4))
        #expect(self.near(receiver.measures[LabMeasure.deliveredBitrate], 6 * 1_000 * 8))
        let produced = SimInstant.zero + .milliseconds(2_000)
        let encoded = StampedPayload.encode(sequence: 7, producedAt: produced, size: 100)
        let decoded = try #require(StampedPayload.decode(encoded[...]))
        #expect(decoded.sequence == 7)
        #expect(decoded.producedAt == produced)
        #expect(StampedPayload.decode([1, 2, 3][...]) == nil, "a truncated header is no frame")
    }

    @Test("the tunnel receiver counts each datagram once and loss against what was offered")
    func tunnelLoss() {
        let workload = DatagramTunnelWorkload(offeredRate: 88_000, datagramBytes: 1_100, duration: 1)
        #expect(workload.datagramCount == 10)
        #expect(workload.offered(after: 0.5) == 5)
        #expect(workload.offered(after: 5) == 10)
        let receiver = TunnelReceiver(workload: workload)
        let recorder = LabRecorder(stallThreshold: .milliseconds(500))
        receiver.start(at: .zero, recorder: recorder)
        for sequence in [0, 1, 2, 2, 3, 1, 40] {  // duplicates (redundant copies) and an unknown sequence number
            let packet = StampedPayload.encode(sequence: sequence, producedAt: .zero, size: 1_100)
            receiver.received(packet, now: .zero + .milliseconds(20), recorder: recorder)
        }
        #expect(receiver.distinct == 4)
        let measures = receiver.measures(offered: 10)
        #expect(self.near(measures[LabMeasure.datagramLoss], 0.6))
        #expect(self.near(measures[LabMeasure.aggregateRate], 4 * 1_100 * 8))
        #expect(self.near(measures[LabMeasure.datagramDelayP95], 0.02))
        #expect(recorder.bytesRead == 4 * 1_100)
        let late = StampedPayload.encode(sequence: 5, producedAt: .zero, size: 1_100)
        receiver.received(late, now: .zero + .milliseconds(1_500), recorder: recorder)
        #expect(receiver.distinct == 5)
        #expect(self.near(receiver.measures(offered: 10)[LabMeasure.aggregateRate], 4 * 1_100 * 8),
                "a datagram after the offer ended arrived but does not count in the rate")
    }

    @Test("the metered share is metered bytes over all bytes, and absent without a metered interface")
    func meteredShare() {
        let dsl = LabPathBytes(name: "dsl", bytes: 3_000, metered: false)
        let lte = LabPathBytes(name: "lte", bytes: 1_000, metered: true)
        #expect(LabRun.meteredShare(of: [dsl, lte]) == 0.25)
        #expect(LabRun.meteredShare(of: [dsl]) == nil)
        #expect(LabRun.meteredShare(of: [LabPathBytes(name: "lte", bytes: 0, metered: true)]) == nil)
    }

    @Test("scaling shortens the new workloads but keeps their rates", arguments: LabCatalog.scenarios.map(\.name))
    func scaling(_ name: String) throws {
        let scenario = try LabCatalog.scenario(named: name)
        let scaled = scenario.scaled(by: 0.5).workload
        let workload = scenario.workload
        #expect(scaled.playback?.clipSeconds == workload.playback.map { $0.clipSeconds / 2 })
        #expect(scaled.playback?.bitrate == workload.playback?.bitrate)
        #expect(scaled.uplink?.duration == workload.uplink.map { $0.duration / 2 })
        #expect(scaled.tunnel?.duration == workload.tunnel.map { $0.duration / 2 })
        #expect(scaled.tunnel?.offeredRate == workload.tunnel?.offeredRate)
        #expect(scaled.bulk?.bytes == workload.bulk.map { $0.bytes / 2 })
    }
}
