import ArgumentParser
import Foundation
import QUIC
import QUICInterop
import QUICRelay
import QUICTLS
import QUICTransport

/// `mpquic demo`: one multipath download over two emulated paths on loopback, with a Wi-Fi outage half-way.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Multipath QUIC on loopback: a download over emulated Wi-Fi and cellular, Wi-Fi cut half-way.",
        discussion: """
            Runs everything in this process, on loopback only: a multipath server on 127.0.0.1, the link emulator \
            of `mpquic relay` with two paths to it (wifi: 127.0.0.2, 20 Mbit/s, 10 ms each way; cellular: \
            127.0.0.3, 10 Mbit/s, 30 ms each way), and a multipath client that connects through the wifi path \
            from 127.0.0.1 and opens a second path from 127.0.0.4 through the cellular path. The download starts \
            1 s after the relay; --cut-at seconds later the relay takes the wifi path down for good. The client \
            notices the silent path, abandons it, and the rest of the download moves to cellular.

            Prints a line per second with each path's rate, smoothed RTT and share of the bytes, a line for each \
            path event, and a summary: bytes and share per path, RTT, relay drops, the longest stall in delivery \
            and the total time. Exits 1 if the download does not complete.
            """
    )

    @Option(help: ArgumentHelp("Bytes to download (k/M/G suffixes).", valueName: "bytes"))
    var bytes = "30M"

    @Option(name: .customLong("cut-at"), help: ArgumentHelp(
        "Seconds after the download starts at which the wifi path goes down.", valueName: "seconds"))
    var cutAt: Double = 6

    @Option(help: ArgumentHelp("""
        The server's scheduler, which splits the download: \(SchedulerKind.validNames.joined(separator: "|")).
        """, valueName: "name"))
    var scheduler = "minrtt"

    @Option(help: ArgumentHelp("Give up after this many seconds.", valueName: "seconds"))
    var timeout: Double = 55

    func validate() throws {
        guard let count = Formatting.parseByteCount(self.bytes), count > 0,
              count <= HQResourceResolver.maximumGeneratedLength else {
            throw ValidationError("--bytes must be a size such as 30M or 500k")
        }
        guard self.cutAt > 0, self.cutAt < 3_600 else {
            throw ValidationError("--cut-at must be a number of seconds between 0 and 3600")
        }
        guard self.timeout > 0 else { throw ValidationError("--timeout must be positive") }
        do {
            _ = try SchedulerKind(parsing: self.scheduler)
        } catch {
            throw ValidationError("--scheduler: \(error)")
        }
    }

    func run() async throws {
        let timeout = self.timeout
        let watchdog = Task {
            try await Task.sleep(for: .seconds(timeout))
            Console.error("demo: gave up after \(timeout) s")
            Foundation.exit(1)
        }
        defer { watchdog.cancel() }
        let scenario = DemoScenario(
            bytes: Formatting.parseByteCount(self.bytes) ?? 0, cutAt: self.cutAt,
            serverScheduler: try SchedulerKind(parsing: self.scheduler))
        do {
            try await scenario.run()
        } catch {
            Console.error("demo: \(error)")
            throw ExitCode.failure
        }
    }
}
