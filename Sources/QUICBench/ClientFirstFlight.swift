import QUICRecovery
import QUICTLS
import QUICTransport
import QUICWire

/// Real client first flights made with the sans-IO engine: each is the datagram(s) a fresh client connection sends
/// first, an Initial with a complete ClientHello (X25519 key share), validly protected with keys derived from a
/// random DCID. Anyone can make them, so a flood of them (from spoofed addresses) costs an attacker little while a
/// server that keeps state for each pays for it.
public struct ClientFirstFlight: Sendable {
    /// The application protocol offered (the server refuses the handshake later if it does not speak it).
    public var alpn: [UInt8]
    /// The SNI sent.
    public var serverName: String

    public init(alpn: [UInt8] = Array("hq-interop".utf8), serverName: String = "localhost") {
        self.alpn = alpn
        self.serverName = serverName
    }

    /// The datagrams of one new client connection's first flight from `local` to `remote`; `seed` decides its
    /// connection IDs and keys, so different seeds give different connections.
    public func datagrams(from local: NetworkAddress, to remote: NetworkAddress, seed: UInt64,
                          now: QUICInstant = QUICInstant(nanosecondsSinceOrigin: 1_000_000_000))
        throws(TransportError) -> [[UInt8]] {
        let configuration = ConnectionConfiguration(alpn: [self.alpn])
        let tls = TLSClientConfiguration(common: TLSConfiguration(alpn: [self.alpn], transportParameters: []),
                                         serverName: self.serverName)
        let connection = try Connection(clientConfiguration: configuration, tls: tls,
                                        fourTuple: FourTuple(local: local, remote: remote),
                                        random: ConnectionRandom(seed: seed), now: now)
        var datagrams: [[UInt8]] = []
        var buffer: [UInt8] = []
        // The first flight is one or two datagrams; the cap only guards against a change that keeps sending.
        while datagrams.count < 8, let transmit = connection.pollTransmit(now: now, into: &buffer) {
            datagrams.append(Array(buffer.prefix(transmit.length)))
        }
        return datagrams
    }
}
