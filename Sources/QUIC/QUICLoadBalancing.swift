import QUICTransport
import QUICWire

/// QUIC-LB connection IDs for a server (draft-ietf-quic-load-balancers-21): every connection ID the server
/// issues carries a server ID, so that a QUIC-LB load balancer in front of several machines, and the server's own
/// event loops (``QUICServerOptions/threads``), send every packet of a connection to the endpoint that holds it,
/// on every path and after migration.
///
/// One server ID per event loop: the loops of one machine must differ, and so must every machine behind one load
/// balancer (the configuration agent hands out the IDs and the key).
public struct QUICLoadBalancing: Sendable {
    /// The encoding (plaintext, or encrypted with a key) shared with the load balancer.
    public var configuration: QUICLBConfiguration
    /// The server ID of each event loop, by loop index.
    public var serverIDs: [QUICLBServerID]

    /// - Throws: ``QUICLBError`` when an ID does not have the configuration's length, or two IDs are equal.
    public init(configuration: QUICLBConfiguration, serverIDs: [QUICLBServerID]) throws(QUICLBError) {
        for id in serverIDs where id.length != configuration.serverIDLength {
            throw .lengthMismatch(field: .serverID, expected: configuration.serverIDLength, actual: id.length)
        }
        var seen = Set<QUICLBServerID>()
        for id in serverIDs where !seen.insert(id).inserted { throw .duplicateServerID(id) }
        self.configuration = configuration
        self.serverIDs = serverIDs
    }

    /// What a server with several loops and no load balancer uses: an encrypted encoding (a fresh key from the
    /// system's secure generator, config rotation 0) with a one-octet server ID, the loop index, and a six-octet
    /// counter nonce: 8-octet connection IDs, as with one loop, in which an observer sees no loop index.
    /// `count` is 1 through 256.
    public static func loops(_ count: Int) throws(QUICLBError) -> QUICLoadBalancing {
        var random = ConnectionRandom.system()
        let configuration = try QUICLBConfiguration(configRotation: 0, serverIDLength: 1, nonceLength: 6,
                                                    key: random.bytes(QUICLBConfiguration.keyLength))
        var ids: [QUICLBServerID] = []
        for index in 0..<count { ids.append(try QUICLBServerID(UInt64(index), length: 1)) }
        return try QUICLoadBalancing(configuration: configuration, serverIDs: ids)
    }

    /// The loop a datagram belongs to, or nil when the receiving loop handles it: a client's Initial and 0-RTT
    /// packets name a connection ID the client chose (and come from the 4-tuple whose hash picked the receiving
    /// socket), Version Negotiation has no server ID, and an ID this configuration cannot decode, or whose server
    /// ID is no loop's, is answered (stateless reset, or dropped) wherever it arrives.
    func owner(ofDatagram datagram: ArraySlice<UInt8>, loops: [QUICLBServerID: Int]) -> Int? {
        guard let first = datagram.first else { return nil }
        if first & 0x80 != 0 {
            guard datagram.count >= 5 else { return nil }
            let start = datagram.startIndex
            let version = (UInt32(datagram[start + 1]) << 24) | (UInt32(datagram[start + 2]) << 16)
                | (UInt32(datagram[start + 3]) << 8) | UInt32(datagram[start + 4])
            let type = (first >> 4) & 0x03
            switch QUICVersion(rawValue: version) {
            case .v1 where type == 0 || type == 1: return nil  // RFC 9000 §17.2: Initial 0b00, 0-RTT 0b01.
            case .v2 where type == 1 || type == 2: return nil  // RFC 9369 §3.2: Initial 0b01, 0-RTT 0b10.
            case .v1, .v2: break
            default: return nil
            }
        }
        guard let serverID = self.configuration.serverID(ofDatagram: datagram) else { return nil }
        return loops[serverID]
    }
}
