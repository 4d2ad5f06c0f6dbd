import ArgumentParser
import Dispatch
import Foundation
import QUICTLS

/// Complete TLS 1.3 handshakes per second, client and server in one process with real certificate checks.
struct BenchHandshake: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handshake",
        abstract: "Measure full in-memory TLS 1.3 handshakes (client + server, P-256 certificate verified) per second."
    )

    enum GroupChoice: String, ExpressibleByArgument, CaseIterable {
        case all
        case x25519
        case secp256r1
        case x25519mlkem768

        var groups: [NamedGroup] {
            switch self {
            case .all: return HandshakeBenchmark.groups
            case .x25519: return [.x25519]
            case .secp256r1: return [.secp256r1]
            case .x25519mlkem768: return [.x25519MLKEM768]
            }
        }
    }

    @Option(help: "Seconds to spend on each group.")
    var seconds: Double = 1.0

    @Option(help: "Key exchange group: all, x25519, secp256r1 or x25519mlkem768.")
    var group: GroupChoice = .all

    @Flag(help: "Print one JSON object per group instead of a table.")
    var json = false

    func validate() throws {
        guard self.seconds > 0, self.seconds <= 600 else {
            throw ValidationError("--seconds must be between 0 and 600")
        }
    }

    func run() async throws {
        if !self.json {
            print("group             handshakes   handshakes/s   µs/handshake")
        }
        for group in self.group.groups {
            let result = try await HandshakeBenchmark.run(group: group, seconds: self.seconds) {
                DispatchTime.now().uptimeNanoseconds
            }
            let name = Self.name(group)
            if self.json {
                print(
                    "{\"group\": \"\(name)\", \"handshakes\": \(result.handshakes), "
                        + "\"handshakesPerSecond\": \(String(format: "%.1f", result.handshakesPerSecond)), "
                        + "\"microsecondsPerHandshake\": \(String(format: "%.1f", result.microsecondsPerHandshake))}"
                )
            } else {
                let rate = String(format: "%.1f", result.handshakesPerSecond)
                let columns = [
                    name.padding(toLength: 17, withPad: " ", startingAt: 0),
                    String(result.handshakes).padding(toLength: 12, withPad: " ", startingAt: 0),
                    rate.padding(toLength: 14, withPad: " ", startingAt: 0),
                    String(format: "%.1f", result.microsecondsPerHandshake),
                ]
                print(columns.joined(separator: " "))
            }
        }
    }

    static func name(_ group: NamedGroup) -> String {
        switch group {
        case .x25519: return "x25519"
        case .secp256r1: return "secp256r1"
        case .x25519MLKEM768: return "x25519mlkem768"
        default: return "\(group)"
        }
    }
}
