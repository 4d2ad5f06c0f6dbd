import Metrics

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
