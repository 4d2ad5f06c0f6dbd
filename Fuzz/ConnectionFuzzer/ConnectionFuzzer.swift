import FuzzSupport
import QUICRecovery
@testable import QUICTransport
import QUICWire

/// libFuzzer entry point for an established connection: 1-RTT packets with valid protection, whose frames are the
/// input.
///
/// At start-up (and whenever a pair has closed, or every `FUZZ_REUSE` inputs, 500 by default) a client and a
/// server endpoint run a real handshake in memory. An input's first byte picks the pair (bit 0: plain QUIC v1 or
/// multipath); the rest is a list of records (``FuzzRecords``), each the raw frames of one packet (up to
/// 1,000 bytes, which need not decode). The sender queues them with the test hook
/// ``Connection/injectForTesting(rawFrames:level:)``, so they leave inside a packet the sender numbers and
/// protects itself, and the pair exchanges datagrams until both are quiet: the receiver decodes and applies the
/// frames, and whatever it answers goes back through the sender. A record's flags: bit 0 the server sends it (else
/// the client), bit 1 run the next timer afterwards (a PTO, the ack delay, the idle timeout).
@_cdecl("LLVMFuzzerTestOneInput")
public func connectionFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    ConnectionFuzzing.shared.run(multipath: bytes[0] & 0x01 != 0,
                                 records: FuzzRecords.parse(bytes.dropFirst(), limit: 8))
    return 0
}

@_cdecl("ConnectionFuzzer_main")
public func connectionFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>)
    -> CInt
{
    LibFuzzer.main(argc: argc, argv: argv, testOneInput: connectionFuzzerTestOneInput, seeds: ConnectionSeeds.make)
}

final class ConnectionFuzzing {
    nonisolated(unsafe) static let shared = ConnectionFuzzing()

    /// Frames per record at most: with the packet's header and the sender's own frames it fits a 1,200-byte packet.
    static let maximumRecordLength = 1_000

    private var pairs: [EndpointPair?] = [nil, nil]
    private var uses = [0, 0]
    private let reuseLimit = LibFuzzer.reuseLimit(default: 500)

    /// An established pair, made anew when needed (always from the same seeds).
    func pair(multipath: Bool) -> EndpointPair {
        let index = multipath ? 1 : 0
        if let pair = self.pairs[index], pair.isEstablished, self.uses[index] < self.reuseLimit {
            self.uses[index] += 1
            return pair
        }
        self.pairs[index] = nil
        do {
            let pair = try EndpointPair(seed: 7 + UInt64(index), multipath: multipath)
            precondition(pair.handshake(), "the in-memory handshake did not complete")
            self.pairs[index] = pair
            self.uses[index] = 1
            return pair
        } catch {
            preconditionFailure("the in-memory pair could not be made: \(error)")
        }
    }

    func run(multipath: Bool, records: [FuzzRecord]) {
        let pair = self.pair(multipath: multipath)
        for record in records {
            guard pair.isEstablished,
                  let sender = record.flags & 0x01 == 0 ? pair.clientConnection : pair.serverConnection else { break }
            let frames = record.payload.prefix(Self.maximumRecordLength)
            if !frames.isEmpty {
                sender.injectForTesting(rawFrames: Array(frames), level: .oneRTT)
            }
            pair.exchange()
            // What could not leave (the sender closed, or is blocked) must not pile up for the next input.
            sender.injectedFrames.removeAll()
            if record.flags & 0x02 != 0 {
                pair.runNextTimer()
                pair.exchange()
            }
        }
        pair.advance(by: .milliseconds(1))
        pair.exchange()
        for connection in [pair.clientConnection, pair.serverConnection].compactMap({ $0 }) {
            while connection.pollEvent() != nil {}
        }
    }
}
