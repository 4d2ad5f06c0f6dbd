import QUICRecovery
import QUICSimulator
import QUICTransport

/// Helpers for scenario tests that drive application logic on both sides of an ``EngineHarness``.
extension EngineHarness {
    /// Runs `client` and `server` after every input on their side (and from ``kick()``), with that side's
    /// connection and the virtual time.
    func install(client: @escaping (Connection, SimInstant) -> Void,
                 server: @escaping (Connection, SimInstant) -> Void) {
        self.pair.client.onActivity = { [unowned self] _, now in
            if let connection = self.client { client(connection, now) }
        }
        self.pair.server.onActivity = { [unowned self] _, now in
            if let connection = self.server { server(connection, now) }
        }
    }

    /// Runs both sides' application logic once now and lets both nodes transmit: for commands given from
    /// outside the simulator's event loop.
    func kick() {
        self.pair.client.onActivity?(self.pair.client, self.pair.now)
        self.pair.server.onActivity?(self.pair.server, self.pair.now)
        self.pair.network.poll(self.pair.clientNode)
        self.pair.network.poll(self.pair.serverNode)
    }

    /// Runs for at most `duration` of virtual time from now until `condition` holds.
    @discardableResult
    func run(for duration: SimDuration, until condition: () -> Bool) -> Bool {
        self.pair.drive(until: self.pair.now + duration, condition)
    }
}

extension SimDuration {
    /// Seconds as a floating-point number, for messages and comparisons with tolerances.
    var inSeconds: Double { Double(self.nanoseconds) / 1e9 }
}

extension SimInstant {
    var inSeconds: Double { Double(self.nanoseconds) / 1e9 }
}

/// Pattern bytes for a stream, distinct per stream so that data landing on the wrong stream would show.
func streamPattern(_ seed: Int, count: Int) -> [UInt8] {
    (0..<count).map { patternByte($0 &+ seed &* 7_919) }
}

/// Reads everything available on `stream`, appending it to `buffer`; returns whether the FIN was read.
/// Stops quietly when the stream is gone or reset.
func drain(_ connection: Connection, _ stream: StreamID, into buffer: inout [UInt8]) -> Bool {
    while true {
        guard let (count, fin) = try? connection.read(stream, into: &buffer, maxLength: 64 * 1_024) else {
            return false
        }
        if fin { return true }
        if count == 0 { return false }
    }
}
