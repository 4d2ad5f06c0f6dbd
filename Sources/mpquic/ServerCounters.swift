import Foundation
import Metrics
import Synchronization

/// The driver's swift-metrics counters (datagrams and bytes each way, connections), kept in memory so that
/// `mpquic server --report-counters` can print them when asked; recorders and timers are dropped.
final class CounterRegistry: MetricsFactory {
    private let counters = Mutex<[String: CountingHandler]>([:])

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        self.counters.withLock { counters in
            if let existing = counters[label] { return existing }
            let handler = CountingHandler()
            counters[label] = handler
            return handler
        }
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        NOOPMetricsHandler.instance
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        NOOPMetricsHandler.instance
    }

    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    /// Every counter's value by label (the dimensions of one process's counters are all role=server).
    var values: [String: Int64] {
        self.counters.withLock { $0.mapValues { $0.value.load(ordering: .relaxed) } }
    }

    /// Bootstraps swift-metrics with a registry and prints "counters {JSON}" on stdout at each SIGUSR1.
    static func installReportingOnSignal() -> any DispatchSourceSignal {
        let registry = CounterRegistry()
        MetricsSystem.bootstrap(registry)
        signal(SIGUSR1, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        source.setEventHandler {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let json = (try? encoder.encode(registry.values)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            Console.out("counters " + json)
        }
        source.resume()
        return source
    }
}

final class CountingHandler: CounterHandler {
    let value = Atomic<Int64>(0)

    func increment(by amount: Int64) {
        self.value.add(amount, ordering: .relaxed)
    }

    func reset() {
        self.value.store(0, ordering: .relaxed)
    }
}
