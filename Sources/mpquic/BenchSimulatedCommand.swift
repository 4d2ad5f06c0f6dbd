import ArgumentParser
import Dispatch
import Foundation
import Glibc

/// The connection engine in virtual time: one download through the simulator, reporting how fast the engine
/// runs (simulated seconds per wall-clock second) and its CPU cost per packet.
struct BenchSimulated: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulated",
        abstract: "Run one download through the network simulator and measure the engine's speed and CPU per packet."
    )

    @Option(help: "Bytes to download.")
    var bytes: Int = 50_000_000

    @Option(help: "Link rate in Mbit/s (both directions).")
    var rate: UInt64 = 100

    @Option(help: "One-way delay in milliseconds.")
    var delay: UInt64 = 10

    @Option(help: "Random loss rate per datagram, 0 to 0.5.")
    var loss: Double = 0

    @Option(help: "Seed of the simulation.")
    var seed: UInt64 = 1

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard self.bytes > 0, self.bytes <= 10_000_000_000 else { throw ValidationError("--bytes must be 1 to 10^10") }
        guard self.rate > 0, self.rate <= 100_000 else { throw ValidationError("--rate must be 1 to 100000 Mbit/s") }
        guard self.delay <= 10_000 else { throw ValidationError("--delay must be at most 10000 ms") }
        guard (0...0.5).contains(self.loss) else { throw ValidationError("--loss must be between 0 and 0.5") }
    }

    func run() throws {
        let rateBits = self.rate * 1_000_000
        // A drop-tail queue of one bandwidth-delay product (at least 64 KB).
        let bdp = Int(rateBits / 8 * 2 * self.delay / 1_000)
        let transfer = try SimulatedTransfer(
            size: self.bytes, rateBitsPerSecond: rateBits, oneWayDelayMilliseconds: self.delay,
            queueBytes: max(bdp, 64_000), lossRate: self.loss, seed: self.seed)
        let wallStart = DispatchTime.now().uptimeNanoseconds
        let cpuStart = Self.processCPUNanoseconds()
        let idealSeconds = Double(self.bytes) * 8 / Double(rateBits)
        let result = transfer.run(virtualSecondsLimit: UInt64(idealSeconds * 20) + 60)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9
        let cpu = Double(Self.processCPUNanoseconds() - cpuStart) / 1e9
        guard result.completed else {
            throw ValidationError("the download did not complete within the virtual time limit (\(result.bytes) bytes)")
        }
        let sent = result.clientStats.packetsSent + result.serverStats.packetsSent
        let received = result.clientStats.packetsReceived + result.serverStats.packetsReceived
        let sendMicros = Double(result.sendCPUNanoseconds) / 1e3 / Double(max(sent, 1))
        let receiveMicros = Double(result.receiveCPUNanoseconds) / 1e3 / Double(max(received, 1))
        let goodput = Double(result.bytes) * 8 / result.virtualSeconds / 1e6
        if self.json {
            print("{\"bytes\": \(result.bytes), \"virtualSeconds\": \(Self.format(result.virtualSeconds)), "
                + "\"wallSeconds\": \(Self.format(wall)), \"cpuSeconds\": \(Self.format(cpu)), "
                + "\"simulatedSecondsPerWallSecond\": \(Self.format(result.virtualSeconds / wall)), "
                + "\"goodputMbps\": \(Self.format(goodput)), \"packetsSent\": \(sent), \"packetsReceived\": \(received), "
                + "\"cpuMicrosecondsPerPacketSent\": \(Self.format(sendMicros)), "
                + "\"cpuMicrosecondsPerPacketReceived\": \(Self.format(receiveMicros))}")
        } else {
            print("downloaded \(result.bytes) bytes in \(Self.format(result.virtualSeconds)) s of virtual time "
                + "(\(Self.format(goodput)) Mbit/s on a \(self.rate) Mbit/s link)")
            print("wall clock \(Self.format(wall)) s, CPU \(Self.format(cpu)) s: "
                + "\(Self.format(result.virtualSeconds / wall)) simulated seconds per wall-clock second")
            print("packets sent \(sent), received \(received); CPU per packet sent \(Self.format(sendMicros)) µs, "
                + "per packet received \(Self.format(receiveMicros)) µs (both endpoints, simulator excluded)")
        }
    }

    static func processCPUNanoseconds() -> UInt64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = UInt64(usage.ru_utime.tv_sec) * 1_000_000_000 + UInt64(usage.ru_utime.tv_usec) * 1_000
        let system = UInt64(usage.ru_stime.tv_sec) * 1_000_000_000 + UInt64(usage.ru_stime.tv_usec) * 1_000
        return user + system
    }

    static func format(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
