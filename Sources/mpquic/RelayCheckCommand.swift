import ArgumentParser
import Foundation
import Glibc
import QUICRelay

/// `mpquic relay-check`: measures how closely the relay holds its rate and delay on loopback.
///
/// Two runs through an in-process relay with one path: a saturating run (offered load 125% of the rate,
/// unbounded queue) whose delivered rate is measured at the receiver, and a light run (10% load) whose
/// one-way delay, stamped by the sender with the monotonic clock, is compared with delay + serialization.
struct RelayCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-check",
        abstract: "Measure the relay's rate and delay accuracy on 127.0.0.1 (targets: rate within 5%, delay 1 ms)."
    )

    @Option(help: "Link rate, e.g. 100mbit.")
    var rate = "100mbit"

    @Option(help: "One-way delay, e.g. 20ms.")
    var delay = "20ms"

    @Option(help: "Seconds of traffic per run.")
    var seconds: Double = 2

    @Option(help: "UDP payload bytes per datagram.")
    var size = 1_200

    func validate() throws {
        guard self.seconds > 0, self.seconds <= 60 else {
            throw ValidationError("--seconds must be between 0 and 60")
        }
        guard self.size >= 16, self.size <= 65_000 else {
            throw ValidationError("--size must be between 16 and 65000 bytes")
        }
        do {
            guard try RelayUnits.bitsPerSecond(self.rate) > 0 else {
                throw ValidationError("--rate must be above 0")
            }
            _ = try RelayUnits.nanoseconds(self.delay)
        } catch let error as RelayError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let rate = try RelayUnits.bitsPerSecond(self.rate)
        let delay = try RelayUnits.nanoseconds(self.delay)
        let serialization = UInt64(self.size) * 8 * 1_000_000_000 / rate

        let saturated = try self.measure(rate: rate, delay: delay, load: 1.25)
        let measuredRate = saturated.deliveredRate
        let rateError = (measuredRate - Double(rate)) / Double(rate)
        let light = try self.measure(rate: rate, delay: delay, load: 0.1)
        let signed = light.delays.map { (Double($0) - Double(delay + serialization)) / 1e6 }
        let errors = signed.map(abs).sorted()
        let mean = errors.isEmpty ? 0 : errors.reduce(0, +) / Double(errors.count)
        let bias = signed.isEmpty ? 0 : signed.reduce(0, +) / Double(signed.count)
        let median = errors.isEmpty ? 0 : errors[errors.count / 2]
        let p99 = errors.isEmpty ? 0 : errors[min(errors.count - 1, errors.count * 99 / 100)]
        let worst = errors.last ?? 0

        let ratePass = abs(rateError) <= 0.05
        let delayPass = p99 <= 1.0
        print("rate:  configured \(Self.fixed(Double(rate) / 1e6)) Mbit/s, measured \(Self.fixed(measuredRate / 1e6)) "
            + "Mbit/s (error \(Self.fixed(rateError * 100))%) over \(saturated.count) datagrams: "
            + (ratePass ? "PASS" : "FAIL"))
        print("delay: configured \(Self.fixed(Double(delay) / 1e6)) ms + \(Self.fixed(Double(serialization) / 1e6, 3)) "
            + "ms serialization; |error| mean \(Self.fixed(mean, 3)) ms (signed \(Self.fixed(bias, 3))), "
            + "p50 \(Self.fixed(median, 3)) ms, p99 \(Self.fixed(p99, 3)) ms, max "
            + "\(Self.fixed(worst, 3)) ms over \(light.count) datagrams: " + (delayPass ? "PASS" : "FAIL"))
        if !ratePass || !delayPass {
            throw ExitCode(1)
        }
    }

    /// One run: sends at `load` times the rate for `seconds` and records what the sink received.
    private func measure(rate: UInt64, delay: UInt64, load: Double) throws -> SinkRecord {
        let loopback = try RelaySocketAddress(parsing: "127.0.0.1:0")
        let sink = try RelayUDPSocket(bindingTo: loopback)
        let client = try RelayUDPSocket(bindingTo: loopback)
        let path = RelayPathConfiguration(
            name: "check", listen: loopback, up: RelayDirectionParameters(rate: rate, delay: delay))
        let configuration = RelayConfiguration(paths: [path], target: try sink.localAddress())
        let relay = try QUICRelay.Relay(configuration: configuration)
        relay.start()
        let record = SinkRecord()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            record.collect(from: sink)
            done.signal()
        }
        thread.qualityOfService = .userInteractive
        thread.start()

        let destination = relay.listeningAddresses[0]
        var payload = [UInt8](repeating: 0xa5, count: self.size)
        let offered = Double(rate) * load / 8e9
        let start = RelayClock.now()
        let end = start + UInt64(self.seconds * 1e9)
        var sentBytes = 0.0
        while true {
            let now = RelayClock.now()
            guard now < end else {
                break
            }
            if sentBytes > Double(now - start) * offered {
                RelayClock.sleep(nanoseconds: 20_000)
                continue
            }
            withUnsafeBytes(of: RelayClock.now().littleEndian) { stamp in
                payload.withUnsafeMutableBytes { $0.copyMemory(from: stamp) }
            }
            _ = client.send(payload, to: destination)
            sentBytes += Double(self.size)
        }
        done.wait()
        relay.stop()
        _ = relay.waitUntilStopped()
        return record
    }

    static func fixed(_ value: Double, _ digits: Int = 2) -> String {
        let scale = Double([1, 10, 100, 1_000, 10_000][min(max(digits, 0), 4)])
        let scaled = Int((abs(value) * scale).rounded())
        let whole = scaled / Int(scale)
        var fraction = String(scaled % Int(scale))
        while fraction.count < digits {
            fraction = "0" + fraction
        }
        return (value < 0 && scaled != 0 ? "-" : "") + "\(whole)" + (digits > 0 ? ".\(fraction)" : "")
    }
}

/// What the sink of a check run received. Written by the sink thread only; read after it signals.
private final class SinkRecord: @unchecked Sendable {
    var count = 0
    var bytes = 0
    var firstArrival: UInt64 = 0
    var firstBytes = 0
    var lastArrival: UInt64 = 0
    var delays: [UInt64] = []

    /// Bits per second between the first and the last arrival (the first datagram's bytes excluded).
    var deliveredRate: Double {
        guard self.lastArrival > self.firstArrival else {
            return 0
        }
        return Double(self.bytes - self.firstBytes) * 8e9 / Double(self.lastArrival - self.firstArrival)
    }

    /// Receives until nothing has arrived for 700 ms (or 10 s before the first datagram).
    func collect(from socket: RelayUDPSocket) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 8)
        defer { buffer.deallocate() }
        var descriptors = [pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0)]
        while poll(&descriptors, 1, self.count == 0 ? 10_000 : 700) > 0 {
            while let (count, _) = socket.receive(into: buffer) {
                let now = RelayClock.now()
                if self.count == 0 {
                    self.firstArrival = now
                    self.firstBytes = count
                }
                self.count += 1
                self.bytes += count
                self.lastArrival = now
                if count >= 8 {
                    let sent = UInt64(littleEndian: buffer.loadUnaligned(as: UInt64.self))
                    self.delays.append(now &- sent)
                }
            }
        }
    }
}
