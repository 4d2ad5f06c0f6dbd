import QUICLab
import QUICRelay

/// Why a lab scenario cannot run over the relay; every message names what to change.
public enum LabRelayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The workload has parts the real runner does not drive (only a bulk download and a request series are).
    case unsupportedWorkload(scenario: String)
    /// A link parameter of a path that the relay does not emulate.
    case unsupportedLink(path: String, direction: String, parameter: String)
    /// A timeline event the relay cannot express; `index` is its position in the scenario's timeline.
    case unsupportedEvent(index: Int, at: Double, path: String, change: String, reason: String)
    /// A timeline event naming a path the scenario does not have.
    case unknownPath(index: Int, path: Int)
    /// The relay refused its configuration, or the run could not be set up.
    case relay(RelayError)
    case setupFailed(String)

    public var description: String {
        switch self {
        case .unsupportedWorkload(let scenario):
            return "scenario \(scenario): the real-socket runner drives only bulk downloads and request series; "
                + "run this scenario in the simulator (without --real)"
        case .unsupportedLink(let path, let direction, let parameter):
            return "path \(path) (\(direction)): the relay does not emulate \(parameter); "
                + "run this scenario in the simulator (without --real)"
        case .unsupportedEvent(let index, let at, let path, let change, let reason):
            return "timeline event #\(index) (at \(at) s on path \(path): \(change)) cannot run over the relay: "
                + "\(reason); run this scenario in the simulator (without --real)"
        case .unknownPath(let index, let path):
            return "timeline event #\(index) names path \(path), which the scenario does not have"
        case .relay(let error):
            return "relay: \(error)"
        case .setupFailed(let reason):
            return "the real-socket run could not be set up: \(reason)"
        }
    }
}
