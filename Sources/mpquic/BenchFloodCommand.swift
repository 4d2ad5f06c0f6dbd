import ArgumentParser
import Foundation
import QUICBench

/// `mpquic bench flood`: legitimate handshakes against a server without and then with a flood of forged packets.
struct BenchFlood: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flood",
        abstract: "Measure legitimate handshakes while forged Initials and garbage flood the server (loopback only).",
        discussion: """
            Starts "mpquic server --listen 127.0.0.1:0" as a child process (or uses --server, which must be a \
            loopback address). Legitimate clients start --legit-rate handshakes a second from 127.0.0.1, first \
            for the flood's planned duration with no flood, then again while a flooder thread sends, from \
            --sockets-per-address ports on each of --source-addresses addresses 127.0.0.2, 127.0.0.3, ...:
              forged Initials   well-formed v1 long headers in 1,200-byte datagrams, random DCID (8-20 bytes) and \
            SCID, undecryptable payload
              replayed Initials copies of one real client's first flight (made with the sans-IO engine)
              valid Initials    first flights of many fresh sans-IO clients, each with random connection IDs
              garbage           random bytes, short headers with random CIDs, truncated Initials
            --forged counts the Initials of the three kinds (--replay-share and --valid-share of them are replayed \
            and valid ones); --garbage comes on top. The server's RSS is sampled every 100 ms; right after the \
            flood one more handshake tells whether the server recovered.

            Exits 1 when fewer than --min-success of the legitimate handshakes during the flood succeeded, or the \
            server did not recover.
            """
    )

    @Option(help: ArgumentHelp("Forged Initials to send (all three kinds; 1...10000000).", valueName: "count"))
    var forged = 100_000

    @Option(help: ArgumentHelp("Garbage datagrams to send besides.", valueName: "count"))
    var garbage = 20_000

    @Option(help: ArgumentHelp("Share of --forged that are copies of one real first flight.", valueName: "0...1"))
    var replayShare = 0.2

    @Option(help: ArgumentHelp("Share of --forged that are validly encrypted first flights of fresh clients.",
                               valueName: "0...1"))
    var validShare = 0.2

    @Option(help: ArgumentHelp("Flood datagrams a second (0: as fast as possible).", valueName: "count"))
    var rate: Double = 25_000

    @Option(help: ArgumentHelp("Stop the flood after this long even if not all were sent.", valueName: "seconds"))
    var floodSeconds: Double = 60

    @Option(help: ArgumentHelp("Source addresses 127.0.0.2, ... the flood comes from.", valueName: "count"))
    var sourceAddresses = 8

    @Option(help: ArgumentHelp("Source ports (sockets) on each source address.", valueName: "count"))
    var socketsPerAddress = 64

    @Option(help: ArgumentHelp("Legitimate handshakes started a second.", valueName: "count"))
    var legitRate: Double = 50

    @Option(help: ArgumentHelp("Legitimate handshakes in flight at most.", valueName: "count"))
    var legitInFlight = 200

    @Option(help: ArgumentHelp("A legitimate handshake fails after this long.", valueName: "seconds"))
    var handshakeTimeout: Double = 5

    @Option(help: ArgumentHelp("Required share of legitimate handshakes that succeed during the flood.",
                               valueName: "0...1"))
    var minSuccess = 0.99

    @Option(help: ArgumentHelp("Give up on the whole run after this long.", valueName: "seconds"))
    var timeout: Double = 300

    @Option(help: ArgumentHelp("Flood this running server (127.0.0.0/8 only) instead of a child.",
                               valueName: "host:port"))
    var server: String?

    @Option(help: ArgumentHelp("With --server: its process ID, to read its memory and CPU.", valueName: "pid"))
    var serverPID: Int32?

    @Flag(help: "Print one JSON object with every figure instead of text.")
    var json = false

    func validate() throws {
        guard (1...10_000_000).contains(self.forged), (0...10_000_000).contains(self.garbage) else {
            throw ValidationError("--forged must be 1...10000000 and --garbage 0...10000000")
        }
        guard (0...1).contains(self.replayShare), (0...1).contains(self.validShare),
              self.replayShare + self.validShare <= 1 else {
            throw ValidationError("--replay-share and --valid-share must be in 0...1 and add up to at most 1")
        }
        guard self.rate >= 0, self.rate <= 10_000_000 else { throw ValidationError("--rate must be 0...10000000") }
        guard self.floodSeconds > 0, self.floodSeconds <= 600 else {
            throw ValidationError("--flood-seconds must be in (0, 600]")
        }
        guard (1...200).contains(self.sourceAddresses), (1...1_024).contains(self.socketsPerAddress) else {
            throw ValidationError("--source-addresses must be 1...200 and --sockets-per-address 1...1024")
        }
        guard self.legitRate > 0, self.legitRate <= 10_000, (1...10_000).contains(self.legitInFlight) else {
            throw ValidationError("--legit-rate must be in (0, 10000] and --legit-in-flight 1...10000")
        }
        guard self.handshakeTimeout > 0, (0...1).contains(self.minSuccess), self.timeout > 0 else {
            throw ValidationError("--handshake-timeout and --timeout must be positive, --min-success in 0...1")
        }
        if self.serverPID != nil, self.server == nil {
            throw ValidationError("--server-pid needs --server")
        }
    }

    func run() async throws {
        #if DEBUG
        Console.error("bench flood: this is a debug build; the flood and the server are slower than they would be")
        #endif
        let replayed = Int((Double(self.forged) * self.replayShare).rounded())
        let valid = Int((Double(self.forged) * self.validShare).rounded())
        let settings = FloodBenchmark.Settings(
            counts: [.forgedInitial: self.forged - replayed - valid, .replayedInitial: replayed,
                     .validInitial: valid, .garbage: self.garbage],
            rate: self.rate, floodSeconds: self.floodSeconds, sourceAddresses: self.sourceAddresses,
            socketsPerAddress: self.socketsPerAddress, legitRate: self.legitRate, legitInFlight: self.legitInFlight,
            handshakeTimeout: self.handshakeTimeout, minSuccess: self.minSuccess, timeout: self.timeout,
            server: self.server, serverPID: self.serverPID, json: self.json)
        let report: FloodBenchmark.Report
        do {
            report = try await FloodBenchmark(settings: settings).run()
        } catch {
            Console.error("bench flood: \(error)")
            throw ExitCode.failure
        }
        if self.json {
            try printJSON(report)
        } else {
            report.lines.forEach(Console.out)
        }
        if !report.ok {
            Console.error("bench flood: " + report.verdict)
            throw ExitCode.failure
        }
    }
}
