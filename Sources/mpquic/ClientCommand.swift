import ArgumentParser
import Foundation
import QUIC
import QUICInterop
import QUICTLS
import QUICTransport

/// `mpquic client`: fetches URLs over one QUIC connection with hq-interop, one stream per URL, in parallel.
struct Client: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch https:// URLs over QUIC (ALPN hq-interop), in parallel on one connection.",
        discussion: """
            All URLs must name the same HOST:PORT. Bodies go to -o (a file for one URL, or a directory where \
            each is saved under its last path component); without -o they are counted, hashed and dropped. \
            A progress bar is drawn on stderr when it is a terminal; a summary follows, and with --json one \
            JSON object on stdout. Exits 1 on any failure, with the URL and the close reason on stderr.

            The server's certificate is checked against the system's trust roots plus the development \
            certificate `mpquic server` generates when it has no --cert (kept in ~/.cache/mpquic), so the two \
            work together on one machine as they are; --ca replaces those roots, --insecure checks nothing.

            Examples:
              mpquic client https://127.0.0.1:4433/10000000 -o /tmp/x
              mpquic client --zero-rtt --json https://127.0.0.1:4433/1000 https://127.0.0.1:4433/2000
              mpquic client --handshakes 100 https://127.0.0.1:4433/

            Multipath: with --multipath and several --local addresses, the connection starts from the first and \
            opens a path from each of the others once the handshake is confirmed (the server needs --multipath \
            too); the progress shows one line per path, and the summary and --json report each path.
              mpquic client --multipath --local 127.0.0.1=wifi --local 127.0.0.2=cellular,metered \\
                https://127.0.0.1:4433/50000000 -o /tmp/x
            """
    )

    @Argument(help: ArgumentHelp("URLs to fetch: https://HOST[:PORT]/path (IPv6 in brackets).", valueName: "url"))
    var urls: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Save to FILE (one URL) or into DIR.", valueName: "file|dir"))
    var output: String?

    @Option(help: ArgumentHelp("Trust the certificates in this PEM file instead of the system's.", valueName: "pem"))
    var ca: String?

    @Flag(help: "Accept any server certificate (testing only).")
    var insecure = false

    @Flag(help: "Fetch again on a second connection that resumes the first one's TLS session.")
    var resume = false

    @Flag(name: .customLong("zero-rtt"), help: "Like --resume, sending the second connection's requests as 0-RTT.")
    var zeroRTT = false

    @Flag(help: "Start a key update once the handshake is confirmed.")
    var keyUpdate = false

    @Flag(help: "Offer ChaCha20-Poly1305 only.")
    var chacha20 = false

    @Flag(help: """
        Move to a new local port once a third of the bytes arrived (the first 64 KiB when sizes are unknown).
        """)
    var migrate = false

    @Option(help: ArgumentHelp("Like --migrate, to this local address (e.g. 127.0.0.2).", valueName: "host"))
    var migrateTo: String?

    @Option(help: ArgumentHelp("Only connect this many times (full handshake, then close) and report the rate.",
                               valueName: "count"))
    var handshakes: Int?

    @Flag(help: "Print one JSON object on stdout at the end.")
    var json = false

    @Flag(help: "Do not hash the bodies (saves CPU when benchmarking).")
    var noHash = false

    @Option(help: ArgumentHelp("Give up after this many seconds.", valueName: "seconds"))
    var timeout: Double = 30

    @Option(name: .customLong("local"), help: ArgumentHelp(
        "A local address to open a path from: HOST[:PORT][=LABEL[,backup][,metered]]; repeat for more paths "
            + "(the first carries the handshake).", valueName: "address"))
    var locals: [String] = []

    @OptionGroup var common: QUICCommandOptions

    @OptionGroup(title: "Multipath") var multipathOptions: MultipathOptions

    func validate() throws {
        let urls = try self.parsedURLs()
        let locals = try self.localPaths()
        if locals.count > 1, !self.multipathOptions.multipath {
            throw ValidationError("several --local addresses need --multipath")
        }
        guard self.ca == nil || !self.insecure else { throw ValidationError("give --ca or --insecure, not both") }
        guard self.timeout > 0, self.timeout <= 86_400 else {
            throw ValidationError("--timeout must be between 0 and 86400 seconds")
        }
        if let handshakes = self.handshakes, !(1...1_000_000).contains(handshakes) {
            throw ValidationError("--handshakes must be between 1 and 1000000")
        }
        if self.common.alpn == "h3", let url = urls.first(where: { $0.path != "/" }) {
            throw ValidationError("--alpn h3 only performs a handshake: use a URL with path /, not \(url)")
        }
        if urls.count > 1, let output = self.output, !Self.isDirectory(output) {
            throw ValidationError("-o \(output) must be an existing directory when fetching \(urls.count) URLs")
        }
        let paths = self.outputPaths(for: urls).compactMap { $0 }
        if let clash = paths.first(where: { path in paths.filter { $0 == path }.count > 1 }) {
            throw ValidationError("two URLs would be saved as \(clash); fetch them separately or drop -o")
        }
    }

    /// The URLs, all on one HOST:PORT.
    func parsedURLs() throws -> [InteropURL] {
        guard !self.urls.isEmpty else {
            throw ValidationError("give at least one URL, e.g. https://127.0.0.1:4433/1000")
        }
        let urls: [InteropURL]
        do {
            urls = try self.urls.map { (text: String) throws(AddressParsingError) in try InteropURL(parsing: text) }
        } catch {
            throw ValidationError("\(error)")
        }
        if let other = urls.first(where: { $0.authority != urls[0].authority }) {
            throw ValidationError(
                "all URLs must share one HOST:PORT: \(urls[0].authority) and \(other.authority) differ")
        }
        return urls
    }

    func run() async throws {
        let urls = try self.parsedURLs()
        let timeout = self.timeout
        let json = self.json
        let phase = ClientPhase()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(timeout))
            Self.fail("timed out after \(timeout) s while \(phase.current)", json: json)
            Foundation.exit(1)
        }
        defer { watchdog.cancel() }
        let report: ClientReport
        do {
            let settings = try self.settings(urls: urls)
            let transfer = ClientTransfer(settings: settings, phase: phase)
            if let count = self.handshakes {
                report = try await transfer.handshakes(count: count)
            } else if settings.handshakeOnly, settings.localPaths.isEmpty {
                report = try await H3HandshakeSession(settings: settings, phase: phase).run()
            } else {
                report = try await transfer.fetch()
            }
        } catch {
            Self.fail("\(error)", json: json)
            throw ExitCode.failure
        }
        if self.json {
            Console.out(report.jsonLine())
        }
    }

    /// The --local paths, labelled path0, path1... unless named.
    func localPaths() throws -> [LocalPathEndpoint] {
        try self.locals.enumerated().map { try LocalPathArgument.parse($0.element, index: $0.offset) }
    }

    /// The flags as the transfer needs them.
    func settings(urls: [InteropURL]) throws -> ClientTransfer.Settings {
        var configuration = self.common.configuration()
        configuration.multipath = try self.multipathOptions.multipathConfiguration()
        if self.chacha20 {
            configuration.cipherSuites = [.chacha20Poly1305SHA256]
        }
        var options = QUICClientOptions()
        if self.insecure {
            options.verification = .insecure
        } else if let ca = self.ca {
            do {
                options.verification = .roots(try TrustRoots(pemFile: ca))
            } catch {
                throw ValidationError("cannot load --ca \(ca): \(error)")
            }
        } else if let development = DevelopmentIdentity.trustRoots() {
            // The system's roots plus the certificate `mpquic server` generates for local use.
            let system = (try? TrustRoots.system().certificates) ?? []
            options.verification = .roots(TrustRoots(system + development.certificates))
        }
        return ClientTransfer.Settings(
            urls: urls, outputs: self.outputPaths(for: urls), configuration: configuration, options: options,
            resume: self.resume || self.zeroRTT, zeroRTT: self.zeroRTT, keyUpdate: self.keyUpdate,
            migrate: self.migrate || self.migrateTo != nil, migrateTo: self.migrateTo, hash: !self.noHash,
            handshakeOnly: self.common.alpn == "h3", progress: Console.stderrIsTerminal,
            summary: true, localPaths: try self.localPaths())
    }

    /// Where each URL's body goes: nil to discard it.
    func outputPaths(for urls: [InteropURL]) -> [String?] {
        guard let output = self.output else { return urls.map { _ in nil } }
        if urls.count == 1, !Self.isDirectory(output) {
            return [output]
        }
        return urls.map { output + "/" + $0.fileName }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private static func fail(_ message: String, json: Bool) {
        Console.error("client: \(message)")
        if json {
            Console.out(ClientReport(ok: false, error: message).jsonLine())
        }
    }
}
