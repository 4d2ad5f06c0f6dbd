/// One emulated path: a listening address and the impairments of each direction.
public struct RelayPathConfiguration: Hashable, Sendable {
    public var name: String
    /// Where clients send datagrams for this path; replies come back from this address.
    public var listen: RelaySocketAddress
    /// Client to target.
    public var up: RelayDirectionParameters
    /// Target to client.
    public var down: RelayDirectionParameters

    public init(
        name: String, listen: RelaySocketAddress,
        up: RelayDirectionParameters = .init(), down: RelayDirectionParameters = .init()
    ) {
        self.name = name
        self.listen = listen
        self.up = up
        self.down = down
    }

    /// Reads `NAME=HOST:PORT[,key=value...]`, e.g. `wifi=127.0.0.1:5001,rate=20mbit,down.delay=15ms`.
    public init(parsing spec: String) throws(RelayError) {
        guard let equals = spec.firstIndex(of: "=") else {
            throw .invalidPath(spec: spec, reason: "missing 'NAME='")
        }
        let name = String(spec[..<equals])
        guard Self.isValidName(name) else {
            throw .invalidPath(spec: spec, reason: "the name must be letters, digits, '-' or '_'")
        }
        let items = spec[spec.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
        guard let addressText = items.first, !addressText.isEmpty else {
            throw .invalidPath(spec: spec, reason: "missing 'HOST:PORT' after the name")
        }
        self.init(name: name, listen: try RelaySocketAddress(parsing: String(addressText)))
        for item in items.dropFirst() {
            guard let separator = item.firstIndex(of: "="), separator != item.startIndex else {
                throw .invalidPath(spec: spec, reason: "'\(item)' is not key=value")
            }
            let setting = try RelaySetting(
                key: String(item[..<separator]), value: String(item[item.index(after: separator)...]))
            self.apply(setting)
        }
    }

    /// Applies a setting to the directions it selects.
    public mutating func apply(_ setting: RelaySetting) {
        if setting.directions.includes(.up) {
            self.up.apply(setting.value)
        }
        if setting.directions.includes(.down) {
            self.down.apply(setting.value)
        }
    }

    public subscript(direction: RelayDirection) -> RelayDirectionParameters {
        direction == .up ? self.up : self.down
    }

    /// Path names are used in timeline keys (`wifi.rate=`), so they may not contain '.', ':' or '='.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" || $0 == "_"
        }
    }
}
