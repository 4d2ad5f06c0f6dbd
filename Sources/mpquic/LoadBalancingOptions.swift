import ArgumentParser
import QUIC
import QUICTransport
import QUICWire

/// `mpquic server`'s event-loop and QUIC-LB options.
struct LoadBalancingOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Event loops (one UDP socket each on the same port, SO_REUSEPORT), 1 to 256; more than the cores start "
            + "their own threads.", valueName: "count"))
    var threads = 1

    @Option(name: .customLong("lb-server-id"), parsing: .singleValue, help: ArgumentHelp(
        "QUIC-LB server ID in hex, once per thread (the load balancer's IDs for this machine); with it, connection "
            + "IDs follow draft-ietf-quic-load-balancers. Without it and with --threads above 1, the loops get "
            + "IDs 00, 01, ... under a fresh random key.", valueName: "hex"))
    var serverIDs: [String] = []

    @Option(name: .customLong("lb-key"), help: ArgumentHelp(
        "QUIC-LB key, 16 octets in hex (encrypted encodings); without it the server ID is in plaintext.",
        valueName: "hex"))
    var key: String?

    @Option(name: .customLong("lb-nonce-length"), help: ArgumentHelp("QUIC-LB nonce octets, 4 to 18.",
                                                                    valueName: "octets"))
    var nonceLength = 6

    @Option(name: .customLong("lb-config-rotation"), help: ArgumentHelp("QUIC-LB config rotation, 0 to 6.",
                                                                       valueName: "value"))
    var configRotation: UInt8 = 0

    @Option(name: .customLong("reset-key"), help: ArgumentHelp(
        "Stateless reset key, 32 octets in hex: the same on every machine behind one load balancer.",
        valueName: "hex"))
    var resetKey: String?

    @Option(name: .customLong("token-key"), help: ArgumentHelp(
        "Address-validation token key (Retry, NEW_TOKEN), 32 octets in hex, shared like --reset-key.",
        valueName: "hex"))
    var tokenKey: String?

    func validate() throws {
        guard (1...256).contains(self.threads) else { throw ValidationError("--threads must be 1 through 256") }
        guard self.serverIDs.isEmpty || self.serverIDs.count == self.threads else {
            throw ValidationError("give one --lb-server-id per thread: \(self.threads) threads, "
                + "\(self.serverIDs.count) IDs")
        }
        guard !self.serverIDs.isEmpty || self.key == nil else {
            throw ValidationError("--lb-key needs --lb-server-id")
        }
        _ = try self.loadBalancing()
        _ = try self.keys()
    }

    /// The stateless reset and token keys given (32 octets each), nil where none was.
    func keys() throws -> (reset: [UInt8]?, token: [UInt8]?) {
        func key(_ text: String?, _ option: String) throws -> [UInt8]? {
            guard let text else { return nil }
            guard let bytes = HexDigits.octets(text), bytes.count == 32 else {
                throw ValidationError("\(option) must be 32 octets in hex (64 digits)")
            }
            return bytes
        }
        return (try key(self.resetKey, "--reset-key"), try key(self.tokenKey, "--token-key"))
    }

    /// The QUIC-LB settings given, or nil for the defaults (``QUICServerOptions/loadBalancing``).
    func loadBalancing() throws -> QUICLoadBalancing? {
        guard !self.serverIDs.isEmpty else { return nil }
        do {
            let ids = try self.serverIDs.map { text throws -> QUICLBServerID in
                guard let bytes = HexDigits.octets(text) else {
                    throw ValidationError("--lb-server-id \(text) is not hexadecimal octets")
                }
                return try QUICLBServerID(bytes)
            }
            var key: [UInt8]?
            if let text = self.key {
                guard let bytes = HexDigits.octets(text) else { throw ValidationError("--lb-key is not hexadecimal") }
                key = bytes
            }
            let configuration = try QUICLBConfiguration(
                configRotation: self.configRotation, serverIDLength: ids[0].length, nonceLength: self.nonceLength,
                key: key)
            return try QUICLoadBalancing(configuration: configuration, serverIDs: ids)
        } catch let error as QUICLBError {
            throw ValidationError("QUIC-LB: \(error)")
        }
    }
}
