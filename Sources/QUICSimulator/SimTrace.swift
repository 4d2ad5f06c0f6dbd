/// Something that happened in the simulated network, for traces (qlog, pcap) and for tests that compare
/// whole runs.
public enum SimTraceEvent: Hashable, Sendable {
    /// A datagram entered a link direction's queue; `queueBytes` counts it too.
    case enqueue(time: SimInstant, link: String, direction: LinkDirectionID, datagram: SimDatagram, queueBytes: Int)
    /// A datagram was dropped. `link` is `nil` when no link was involved (``DropReason/noRoute``).
    case drop(time: SimInstant, link: String?, direction: LinkDirectionID?, datagram: SimDatagram,
              reason: DropReason)
    /// A datagram reached its receiver, with the addresses the receiver sees.
    case deliver(time: SimInstant, link: String, direction: LinkDirectionID, datagram: SimDatagram)
    /// A scheduled change was applied to a link.
    case linkChange(time: SimInstant, link: String, directions: LinkDirectionSelector, change: LinkChange)

    /// When the event happened.
    public var time: SimInstant {
        switch self {
        case .enqueue(let time, _, _, _, _), .drop(let time, _, _, _, _), .deliver(let time, _, _, _),
             .linkChange(let time, _, _, _):
            return time
        }
    }
}

/// Receives every ``SimTraceEvent`` of a network, in the order they happen.
public protocol SimTraceSink: AnyObject {
    func record(_ event: SimTraceEvent)
}

/// A sink that keeps every event in memory.
public final class SimTraceRecorder: SimTraceSink {
    public private(set) var events: [SimTraceEvent] = []

    public init() {}

    public func record(_ event: SimTraceEvent) {
        self.events.append(event)
    }
}
