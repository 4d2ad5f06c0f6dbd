import Foundation
import Glibc

/// A user-space UDP link emulator: datagrams sent to a path's listening address go to the target through
/// that path's impairments, and the target's replies come back the same way.
///
/// The relay runs on its own thread (not a Swift concurrency executor) so that its sleeps and sends follow
/// the monotonic clock closely. Usage: `init`, `start` once, then `stop` from any thread and `waitUntilStopped`.
public final class Relay: Sendable {
    public let configuration: RelayConfiguration
    /// The listening address of each path, in the order given, with ports chosen by the kernel for port 0.
    public let listeningAddresses: [RelaySocketAddress]
    private let loop: RelayLoop
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let finished = DispatchSemaphore(value: 0)

    /// Validates the configuration and binds every listening socket.
    public init(configuration: RelayConfiguration) throws(RelayError) {
        try configuration.validate()
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else {
            throw .socket(operation: "pipe", errno: errno)
        }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        do {
            self.loop = try RelayLoop(configuration: configuration, wakeDescriptor: descriptors[0])
        } catch {
            close(descriptors[0])
            close(descriptors[1])
            throw error
        }
        self.configuration = configuration
        self.listeningAddresses = self.loop.listeningAddresses
        self.wakeRead = descriptors[0]
        self.wakeWrite = descriptors[1]
    }

    deinit {
        close(self.wakeRead)
        close(self.wakeWrite)
    }

    /// Starts the relay thread. `report` receives the statistics every `reportInterval` seconds; after
    /// `duration` seconds the relay stops by itself.
    public func start(
        reportInterval: Double? = nil, duration: Double? = nil, report: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        let loop = self.loop
        let finished = self.finished
        let interval = reportInterval.map { UInt64(max($0, 0.001) * 1e9) }
        let limit = duration.map { UInt64(max($0, 0) * 1e9) }
        let thread = Thread {
            loop.run(reportInterval: interval, duration: limit, report: report)
            finished.signal()
        }
        thread.name = "mpquic-relay"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Asks the relay thread to stop; safe from any thread, including a signal handler's queue.
    public func stop() {
        var byte: UInt8 = 1
        _ = write(self.wakeWrite, &byte, 1)
    }

    /// Blocks until the relay thread has stopped and returns the final statistics, in path order.
    /// Call it once per `start`.
    public func waitUntilStopped() -> [RelayPathStatistics] {
        self.finished.wait()
        return self.loop.statistics
    }
}
