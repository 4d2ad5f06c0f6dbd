import Foundation
import QUICBench
import QUICTransport
import Synchronization

/// Sends forged datagrams at a loopback server, on a thread of its own (so that the async clients measured beside
/// it keep their threads), from several 127.0.0.x source addresses with many source ports each: plain BSD
/// sockets and `sendto`, paced to a rate, bounded in count and time.
final class Flooder: Sendable {
    /// The kinds of datagram sent.
    enum Kind: String, CaseIterable, Codable, Sendable {
        /// Well-formed v1 Initials with random connection IDs and an undecryptable payload.
        case forgedInitial
        /// Random bytes, short headers with random CIDs, truncated packets.
        case garbage
        /// Copies of one real client's first flight, from many source addresses and ports.
        case replayedInitial
        /// Real first flights of many fresh clients, each with its own random connection IDs (validly encrypted).
        case validInitial
    }

    struct Plan: Sendable {
        /// The server (IPv4 loopback: the sources are 127.0.0.x).
        var target: NetworkAddress
        /// How many of each kind: datagrams, or first flights for the replayed and valid kinds (one datagram each
        /// with the X25519 key share a client offers first).
        var counts: [Kind: Int]
        /// Datagrams a second (0: as fast as possible).
        var rate: Double
        var maxSeconds: Double
        var sourceAddresses: Int
        var socketsPerAddress: Int
        /// The first flight sent again and again as `replayedInitial`.
        var replayed: [[UInt8]]
        /// First flights of distinct clients, each sent once (cycled when fewer than asked) as `validInitial`.
        var validFlights: [[[UInt8]]]
    }

    struct Result: Codable, Sendable {
        var datagramsSent: [String: Int]
        var datagramsTotal: Int
        var sendErrors: Int
        var seconds: Double
        var datagramsPerSecond: Double
        var repliesReceived: Int
        var sources: Int
    }

    private let sent = Atomic<Int>(0)
    private let stopRequested = Atomic<Bool>(false)

    /// Datagrams sent so far (for the progress line).
    var sentSoFar: Int { self.sent.load(ordering: .relaxed) }

    /// Asks the thread to stop after its current datagram.
    func stop() {
        self.stopRequested.store(true, ordering: .relaxed)
    }

    /// Opens the sockets, then sends on a new thread; returns when it is done.
    func run(_ plan: Plan) async throws(BenchFailure) -> Result {
        guard BenchTarget.isLoopback(plan.target), case .v4(let targetIP) = plan.target.ip else {
            throw BenchFailure("the flood only targets an IPv4 loopback address, not \(plan.target)")
        }
        let sockets = try Self.openSockets(addresses: plan.sourceAddresses, perAddress: plan.socketsPerAddress)
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
            let thread = Thread {
                let result = self.send(plan, sockets: sockets, targetIP: targetIP)
                sockets.forEach { close($0) }
                continuation.resume(returning: result)
            }
            thread.name = "mpquic-flooder"
            thread.start()
        }
        return result
    }

    /// One UDP socket per (127.0.0.(2+i), port the system picks).
    private static func openSockets(addresses: Int, perAddress: Int) throws(BenchFailure) -> [Int32] {
        var sockets: [Int32] = []
        for index in 0..<addresses {
            for _ in 0..<perAddress {
                let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
                guard descriptor >= 0 else {
                    sockets.forEach { close($0) }
                    throw BenchFailure("socket: \(String(cString: strerror(errno))) (raise ulimit -n, or lower "
                        + "--sockets-per-address)")
                }
                var local = Self.socketAddress(ip: UInt32(0x7f00_0002) + UInt32(index), port: 0)
                let bound = withUnsafePointer(to: &local) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                guard bound == 0 else {
                    let reason = String(cString: strerror(errno))
                    close(descriptor)
                    sockets.forEach { close($0) }
                    throw BenchFailure("cannot bind a flood socket to 127.0.0.\(2 + index): \(reason)")
                }
                sockets.append(descriptor)
            }
        }
        return sockets
    }

    private static func socketAddress(ip: UInt32, port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = ip.bigEndian
        return address
    }

    /// The sending loop (on the flood thread).
    private func send(_ plan: Plan, sockets: [Int32], targetIP: UInt32) -> Result {
        var destination = Self.socketAddress(ip: targetIP, port: plan.target.port)
        var remaining = plan.counts
        var sentByKind: [Kind: Int] = [:]
        var random = ConnectionRandom.system()
        var errors = 0
        var replies = 0
        var total = 0
        var validIndex = 0
        var socketIndex = 0
        var replyBuffer = [UInt8](repeating: 0, count: 2_048)
        let start = monotonicSeconds()
        func transmit(_ bytes: [UInt8], on descriptor: Int32, as kind: Kind) {
            let result = bytes.withUnsafeBytes { buffer in
                withUnsafePointer(to: &destination) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(descriptor, buffer.baseAddress, buffer.count, 0, $0,
                               socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            if result < 0 { errors += 1 }
            total += 1
            sentByKind[kind, default: 0] += 1
            self.sent.store(total, ordering: .relaxed)
        }
        while !self.stopRequested.load(ordering: .relaxed) {
            let left = remaining.values.reduce(0, +)
            guard left > 0 else { break }
            let elapsed = monotonicSeconds() - start
            if elapsed > plan.maxSeconds { break }
            if plan.rate > 0, Double(total) > plan.rate * elapsed {
                usleep(200)
                continue
            }
            // A kind at random, weighted by what is left of each, so the kinds mix over the whole flood.
            var pick = Int.random(in: 0..<left, using: &random)
            var kind = Kind.garbage
            for candidate in Kind.allCases {
                let count = remaining[candidate, default: 0]
                if pick < count {
                    kind = candidate
                    break
                }
                pick -= count
            }
            remaining[kind, default: 0] -= 1
            let descriptor = sockets[socketIndex % sockets.count]
            socketIndex &+= 1
            switch kind {
            case .forgedInitial:
                transmit(ForgedDatagram.randomInitial(using: &random), on: descriptor, as: kind)
            case .garbage:
                let shape = ForgedDatagram.GarbageKind.allCases.randomElement(using: &random) ?? .randomBytes
                transmit(ForgedDatagram.garbage(shape, using: &random), on: descriptor, as: kind)
            case .replayedInitial:
                for datagram in plan.replayed { transmit(datagram, on: descriptor, as: kind) }
            case .validInitial:
                guard !plan.validFlights.isEmpty else { continue }
                for datagram in plan.validFlights[validIndex % plan.validFlights.count] {
                    transmit(datagram, on: descriptor, as: kind)
                }
                validIndex += 1
            }
            // Now and then, read what the server answered to this socket (Retry, Handshake, resets) and count it.
            if socketIndex % 64 == 0 {
                replies += Self.drain(descriptor, into: &replyBuffer)
            }
        }
        for descriptor in sockets {
            replies += Self.drain(descriptor, into: &replyBuffer)
        }
        let seconds = monotonicSeconds() - start
        return Result(
            datagramsSent: Dictionary(uniqueKeysWithValues: Kind.allCases.map { ($0.rawValue, sentByKind[$0] ?? 0) }),
            datagramsTotal: total, sendErrors: errors, seconds: seconds,
            datagramsPerSecond: Double(total) / max(seconds, 1e-9), repliesReceived: replies, sources: sockets.count)
    }

    /// Reads every datagram waiting on `descriptor` without blocking; returns how many.
    private static func drain(_ descriptor: Int32, into buffer: inout [UInt8]) -> Int {
        var count = 0
        while count < 1_000 {
            let received = buffer.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            guard received >= 0 else { break }
            count += 1
        }
        return count
    }
}
