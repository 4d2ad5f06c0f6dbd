import QUICWire

/// The queues a handshake fills and the connection drains: bytes per level, secrets, events, key-log lines.
struct HandshakeOutbox: Sendable {
    private var output: [(level: EncryptionLevel, bytes: [UInt8])] = []
    private var secrets: [TLSSecret] = []
    private var events: [TLSHandshakeEvent] = []
    private var keyLog: [String] = []
    let keyLogEnabled: Bool

    init(keyLogEnabled: Bool) {
        self.keyLogEnabled = keyLogEnabled
    }

    /// Queues a message; consecutive messages at one level are sent as one run of bytes.
    mutating func send(_ message: RawHandshakeMessage, at level: EncryptionLevel) {
        if let last = self.output.last, last.level == level {
            self.output[self.output.count - 1].bytes.append(contentsOf: message.bytes)
        } else {
            self.output.append((level, message.bytes))
        }
    }

    mutating func install(_ secret: TLSSecret) {
        self.secrets.append(secret)
    }

    mutating func report(_ event: TLSHandshakeEvent) {
        self.events.append(event)
    }

    mutating func log(_ label: KeyLog.Label, clientRandom: [UInt8], secret: [UInt8]) {
        guard self.keyLogEnabled else { return }
        self.keyLog.append(KeyLog.line(label, clientRandom: clientRandom, secret: secret))
    }

    mutating func pollOutput() -> (level: EncryptionLevel, bytes: [UInt8])? {
        self.output.isEmpty ? nil : self.output.removeFirst()
    }

    mutating func pollSecret() -> TLSSecret? {
        self.secrets.isEmpty ? nil : self.secrets.removeFirst()
    }

    mutating func pollEvent() -> TLSHandshakeEvent? {
        self.events.isEmpty ? nil : self.events.removeFirst()
    }

    mutating func pollKeyLogLine() -> String? {
        self.keyLog.isEmpty ? nil : self.keyLog.removeFirst()
    }
}

/// Random bytes from the system generator, for randoms, ticket nonces and ticket_age_add.
func tlsRandomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}
