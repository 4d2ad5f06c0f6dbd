import ArgumentParser
import QUICWire

@main
struct MPQUIC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpquic",
        abstract: "A QUIC and Multipath QUIC transport: tools.",
        version: MPQUICVersion.string,
        subcommands: [Demo.self, Server.self, Client.self, Bench.self, Relay.self, RelayCheck.self, Lab.self]
    )
}

enum MPQUICVersion {
    static let string = "0.1.0"
}
