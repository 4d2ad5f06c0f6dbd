import Foundation
import ArgumentParser
import QUICWire

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (default: loopback, which needs a release build).",
        subcommands: [BenchLoopback.self, BenchCodec.self, BenchHandshake.self, BenchSimulated.self,
                      BenchConnections.self, BenchFlood.self],
        defaultSubcommand: BenchLoopback.self
    )
}

/// Encode/decode throughput of the frames on the hot path of a transfer.
struct BenchCodec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec",
        abstract: "Measure frame encode/decode throughput (frames per second) for ACK and STREAM frames."
    )

    @Option(help: "Seconds to spend on each measurement.")
    var seconds: Double = 1.0

    @Flag(help: "Print one JSON object per measurement instead of a table.")
    var json = false

    func validate() throws {
        guard self.seconds > 0, self.seconds <= 600 else {
            throw ValidationError("--seconds must be between 0 and 600")
        }
    }

    func run() throws {
        let streamData = [UInt8](repeating: 0x5a, count: 1_200)
        var eightRanges = AckRanges()
        for index: UInt64 in 0..<8 {
            eightRanges.insert((index * 100)...(index * 100 + 50))
        }
        let cases: [(String, Frame)] = [
            ("ACK, 1 range", .ack(AckFrame(ranges: AckRanges([1_000_000...1_000_100]), ackDelay: 125))),
            ("ACK, 8 ranges", .ack(AckFrame(ranges: eightRanges, ackDelay: 125,
                                            ecn: ECNCounts(ect0: 100_000, ect1: 0, ce: 3)))),
            ("STREAM, 1200 bytes", .stream(StreamFrame(streamID: 4, offset: 123_456_789, data: streamData[...], fin: false))),
        ]
        if !self.json {
            print("frame                  operation   frames/s       ns/frame")
        }
        for (name, frame) in cases {
            let encode = self.measure { iterations in
                var writer = ByteWriter(capacity: 1_500)
                var total = 0
                for _ in 0..<iterations {
                    writer.reset()
                    frame.encode(to: &writer)
                    total &+= writer.count
                }
                return total
            }
            var encoded = ByteWriter()
            frame.encode(to: &encoded)
            let bytes = encoded.bytes
            let decode = self.measure { iterations in
                var total = 0
                for _ in 0..<iterations {
                    var reader = ByteReader(bytes)
                    if case .some(let decoded) = try? Frame.decode(from: &reader) {
                        total &+= decoded.encodedLength
                    }
                }
                return total
            }
            self.report(name: name, operation: "encode", rate: encode)
            self.report(name: name, operation: "decode", rate: decode)
        }
    }

    /// Runs `body` with growing iteration counts until it takes `seconds`; returns operations per second.
    private func measure(_ body: (Int) -> Int) -> Double {
        let clock = ContinuousClock()
        var iterations = 1_000
        var sink = 0
        while true {
            let start = clock.now
            sink &+= body(iterations)
            let elapsed = clock.now - start
            let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if elapsedSeconds >= self.seconds || iterations >= 1 << 34 {
                if sink == 42 { print("") }  // keeps the work observable
                return Double(iterations) / max(elapsedSeconds, 1e-9)
            }
            iterations = elapsedSeconds < self.seconds / 10 ? iterations * 10 : Int(Double(iterations) * self.seconds / elapsedSeconds * 1.05)
        }
    }

    private func report(name: String, operation: String, rate: Double) {
        if self.json {
            print("{\"frame\": \"\(name)\", \"operation\": \"\(operation)\", \"framesPerSecond\": \(Int(rate))}")
        } else {
            let padded = name.padding(toLength: 22, withPad: " ", startingAt: 0)
            let rateText = String(Int(rate)).padding(toLength: 14, withPad: " ", startingAt: 0)
            print("\(padded) \(operation)      \(rateText) \(String(format: "%.1f", 1e9 / rate))")
        }
    }
}
