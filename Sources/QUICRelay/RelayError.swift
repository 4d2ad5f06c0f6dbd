/// Why a relay could not be configured or started. Every message says what to change.
public enum RelayError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A `--path` value that does not have the shape `NAME=HOST:PORT[,key=value...]`.
    case invalidPath(spec: String, reason: String)
    /// A `key=value` setting whose value could not be read.
    case invalidValue(key: String, value: String, expected: String)
    /// A setting key the relay does not know.
    case unknownSetting(key: String)
    /// A `HOST:PORT` that is not a numeric address with a port.
    case invalidAddress(String, reason: String)
    /// An address outside 127.0.0.0/8 and ::1 while `--allow-non-loopback` is not given.
    case nonLoopbackAddress(String)
    /// Two paths with the same name or the same listening address.
    case duplicatePath(String)
    /// A timeline change that names a path not given with `--path`.
    case unknownPath(String)
    /// A `--at` entry or scenario line that could not be read.
    case invalidChange(String, reason: String)
    /// A scenario file that could not be read.
    case scenarioFile(path: String, reason: String)
    /// A socket call that failed, with `errno`.
    case socket(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .invalidPath(let spec, let reason):
            return "invalid --path '\(spec)': \(reason); expected NAME=HOST:PORT[,rate=20mbit,delay=15ms,...]"
        case .invalidValue(let key, let value, let expected):
            return "invalid value '\(value)' for '\(key)': expected \(expected)"
        case .unknownSetting(let key):
            return "unknown setting '\(key)': use rate, delay, jitter, loss or queue, optionally prefixed "
                + "with 'up.' or 'down.'"
        case .invalidAddress(let text, let reason):
            return "invalid address '\(text)': \(reason); use a numeric address such as 127.0.0.1:4433 or [::1]:4433"
        case .nonLoopbackAddress(let text):
            return "address '\(text)' is not a loopback address (127.0.0.0/8 or ::1); the relay only sends "
                + "to loopback unless --allow-non-loopback is given"
        case .duplicatePath(let name):
            return "path '\(name)' is given twice: every path needs its own name and listening address"
        case .unknownPath(let name):
            return "the timeline names path '\(name)', which no --path defines"
        case .invalidChange(let text, let reason):
            return "invalid change '\(text)': \(reason); expected TIME:PATH=up|down or TIME:PATH[.up|.down].KEY=VALUE, "
                + "e.g. 10s:wifi=down or 5s:lte.rate=5mbit"
        case .scenarioFile(let path, let reason):
            return "cannot read scenario file '\(path)': \(reason)"
        case .socket(let operation, let code):
            return "\(operation) failed: errno \(code)"
        }
    }
}
