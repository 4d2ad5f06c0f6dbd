import ArgumentParser
import Foundation
import Logging
import QUIC

/// Options `mpquic server` and `mpquic client` share.
struct QUICCommandOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Application protocol: hq-interop (HTTP/0.9) or h3 (handshake only).",
                               valueName: "alpn"))
    var alpn: String = "hq-interop"

    @Option(name: .customLong("qlog-dir"), help: ArgumentHelp(
        "Write one qlog trace (JSON-SEQ) per connection into this directory.", valueName: "dir"))
    var qlogDirectory: String?

    @Option(help: ArgumentHelp("Append TLS secrets (NSS key log format) to this file; default: $SSLKEYLOGFILE.",
                               valueName: "file"))
    var keylog: String?

    @Flag(help: "Log connection events and each request.")
    var verbose = false

    func validate() throws {
        guard ["hq-interop", "h3"].contains(self.alpn) else {
            throw ValidationError("--alpn must be hq-interop or h3, not \"\(self.alpn)\"")
        }
        if let directory = self.qlogDirectory {
            // Created here too so that a path that cannot work fails before anything starts (the driver, which
            // creates it per connection, could only log a warning then).
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ValidationError("--qlog-dir \(directory): cannot create this directory")
            }
        }
    }

    /// The endpoint configuration these options describe.
    func configuration() -> QUICConfiguration {
        var configuration = QUICConfiguration(alpn: [self.alpn])
        configuration.qlogDirectory = self.qlogDirectory
        if let keylog = self.keylog {
            configuration.keyLogPath = keylog
        }
        configuration.logger.logLevel = self.verbose ? .info : .error
        return configuration
    }
}
