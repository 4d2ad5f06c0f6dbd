/// One entry of a relay timeline: at `time` after start, a path goes up or down or a parameter changes.
public struct RelayChange: Hashable, Sendable {
    public enum Action: Hashable, Sendable {
        /// The path goes down (every datagram dropped, those in flight lost) or comes back up.
        case link(up: Bool)
        /// A parameter of one or both directions changes.
        case set(RelaySetting)
    }

    /// Nanoseconds after the relay starts.
    public var time: UInt64
    public var path: String
    public var action: Action

    public init(time: UInt64, path: String, action: Action) {
        self.time = time
        self.path = path
        self.action = action
    }

    /// Reads `10s:wifi=down`, `12s:wifi=up`, `5s:lte.rate=5mbit` or `5s:lte.down.delay=40ms`. A space may
    /// stand for the ':' after the time (the scenario file line format).
    public init(parsing text: String) throws(RelayError) {
        let trimmed = text.trimmingSpaces
        guard let separator = trimmed.firstIndex(where: { $0 == ":" || $0 == " " || $0 == "\t" }) else {
            throw .invalidChange(text, reason: "missing ':' after the time")
        }
        let timeText = String(trimmed[..<separator])
        let body = trimmed[trimmed.index(after: separator)...].trimmingSpaces
        let time: UInt64
        do {
            time = try RelayUnits.nanoseconds(timeText, key: "time")
        } catch {
            throw .invalidChange(text, reason: "'\(timeText)' is not a time such as 10s or 250ms")
        }
        guard let equals = body.firstIndex(of: "=") else {
            throw .invalidChange(text, reason: "missing '='")
        }
        let key = body[..<equals]
        let value = String(body[body.index(after: equals)...])
        if let dot = key.firstIndex(of: ".") {
            let path = String(key[..<dot])
            let setting = try RelaySetting(key: String(key[key.index(after: dot)...]), value: value)
            self.init(time: time, path: path, action: .set(setting))
        } else {
            switch value.lowercased() {
            case "up": self.init(time: time, path: String(key), action: .link(up: true))
            case "down": self.init(time: time, path: String(key), action: .link(up: false))
            default: throw .invalidChange(text, reason: "a path can only be set to 'up' or 'down'")
            }
        }
        guard RelayPathConfiguration.isValidName(self.path) else {
            throw .invalidChange(text, reason: "'\(self.path)' is not a path name")
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace {
            scalars = scalars.dropFirst()
        }
        while let last = scalars.last, last.isWhitespace {
            scalars = scalars.dropLast()
        }
        return String(scalars)
    }
}
