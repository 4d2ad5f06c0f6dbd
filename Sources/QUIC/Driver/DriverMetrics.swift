import Metrics
import QUICTransport

/// The driver's counters, reported through swift-metrics (a no-op until the application bootstraps a metrics
/// backend). Dimensions: `role` = client / server.
struct DriverMetrics: Sendable {
    private let datagramsSent: Counter
    private let bytesSent: Counter
    private let datagramsReceived: Counter
    private let bytesReceived: Counter
    private let gsoWrites: Counter
    private let connectionsAccepted: Counter
    private let connectionsOpened: Counter
    private let connectionsClosed: Counter

    init(role: String) {
        let dimensions = [("role", role)]
        self.datagramsSent = Counter(label: "mpquic_datagrams_sent_total", dimensions: dimensions)
        self.bytesSent = Counter(label: "mpquic_udp_bytes_sent_total", dimensions: dimensions)
        self.datagramsReceived = Counter(label: "mpquic_datagrams_received_total", dimensions: dimensions)
        self.bytesReceived = Counter(label: "mpquic_udp_bytes_received_total", dimensions: dimensions)
        self.gsoWrites = Counter(label: "mpquic_gso_writes_total", dimensions: dimensions)
        self.connectionsAccepted = Counter(label: "mpquic_connections_accepted_total", dimensions: dimensions)
        self.connectionsOpened = Counter(label: "mpquic_connections_opened_total", dimensions: dimensions)
        self.connectionsClosed = Counter(label: "mpquic_connections_closed_total", dimensions: dimensions)
    }

    func sent(datagrams: Int, bytes: Int) {
        self.datagramsSent.increment(by: datagrams)
        self.bytesSent.increment(by: bytes)
    }

    func received(datagrams: Int, bytes: Int) {
        self.datagramsReceived.increment(by: datagrams)
        self.bytesReceived.increment(by: bytes)
    }

    func gsoWrite() { self.gsoWrites.increment() }
    func accepted() { self.connectionsAccepted.increment() }
    func opened() { self.connectionsOpened.increment() }
    func closed() { self.connectionsClosed.increment() }
}

/// The endpoint's decision counters (``EndpointStatistics``) as swift-metrics counters
/// `mpquic_endpoint_<name>_total`, fed with what changed since the last report.
struct EndpointMetrics {
    private var counters: [Counter] = []
    private var last = EndpointStatistics()
    private var reportedAt: UInt64 = 0

    init(role: String) {
        let dimensions = [("role", role)]
        self.counters = EndpointStatistics().counters.map { counter in
            Counter(label: "mpquic_endpoint_\(counter.name)_total", dimensions: dimensions)
        }
    }

    /// Reports at most every 100 ms (the counters' names are built per call).
    mutating func report(_ statistics: EndpointStatistics, now: UInt64) {
        guard now >= self.reportedAt + 100_000_000, statistics != self.last else { return }
        self.reportedAt = now
        let current = statistics.counters
        let previous = self.last.counters
        for index in current.indices where current[index].value > previous[index].value {
            self.counters[index].increment(by: Int64(current[index].value - previous[index].value))
        }
        self.last = statistics
    }
}
