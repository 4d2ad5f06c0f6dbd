import QUICLab
import QUICRelay
import QUICSimulator

/// How a lab scenario's links become relay paths: each ``LabPath`` one relay path (uplink = the relay's `up`
/// direction, client to server), each ``LabLinkEvent`` one or more timeline changes. The relay models a direction
/// as the simulator does (outage check, drop-tail queue, serialization at the rate, random loss, delay plus
/// jitter), so rates, delays, jitter, queues, Bernoulli loss, outages and their changes carry over; what it
/// lacks (burst or patterned loss, duplication, reordering, MTU limits, CE marking, NAT rebinding, address
/// changes) is refused with an error naming the path or event.
public enum LabRelayMapping {
    /// The relay configuration for `scenario`: path i listens on `listen[i]` and forwards to `target`; the
    /// timeline's time zero is the relay's start plus `timelineOffset` seconds.
    public static func configuration(
        for scenario: LabScenario, listen: [RelaySocketAddress], target: RelaySocketAddress, seed: UInt64 = 1,
        timelineOffset: Double = 0
    ) throws(LabRelayError) -> RelayConfiguration {
        guard listen.count == scenario.paths.count else {
            throw .setupFailed("\(scenario.paths.count) paths but \(listen.count) listening addresses")
        }
        var paths: [RelayPathConfiguration] = []
        for (path, address) in zip(scenario.paths, listen) {
            paths.append(try Self.path(path, listen: address))
        }
        var changes: [RelayChange] = []
        for (index, event) in scenario.timeline.enumerated() {
            changes += try Self.changes(for: event, index: index, in: scenario, timelineOffset: timelineOffset)
        }
        return RelayConfiguration(paths: paths, target: target, seed: seed, timeline: RelayTimeline(changes))
    }

    /// One relay path with the lab path's name and both directions' parameters.
    public static func path(_ path: LabPath, listen: RelaySocketAddress) throws(LabRelayError)
        -> RelayPathConfiguration {
        RelayPathConfiguration(
            name: path.name, listen: listen,
            up: try Self.direction(path.uplink, path: path.name, direction: "uplink"),
            down: try Self.direction(path.downlink, path: path.name, direction: "downlink"))
    }

    /// The relay's parameters for one direction: the rate in bits instead of bytes per second, the delay and
    /// jitter in nanoseconds, the queue capacity in bytes, the loss probability.
    public static func direction(_ link: LinkParameters, path: String, direction: String) throws(LabRelayError)
        -> RelayDirectionParameters {
        func refuse(_ parameter: String) -> LabRelayError {
            .unsupportedLink(path: path, direction: direction, parameter: parameter)
        }
        if link.duplicateProbability > 0 { throw refuse("duplication") }
        if link.reorderProbability > 0 { throw refuse("reordering") }
        if link.mtu != nil { throw refuse("an MTU limit") }
        if link.ceMarkingThreshold != nil { throw refuse("ECN CE marking") }
        guard let rate = Self.bitsPerSecond(link.rate) else { throw refuse("a rate of \(link.rate) bytes/s") }
        let loss = try Self.lossProbability(link.loss, path: path, direction: direction)
        return RelayDirectionParameters(rate: rate, delay: link.delay.nanoseconds, jitter: link.jitter.nanoseconds,
                                        loss: loss, queue: link.queueCapacity)
    }

    /// The relay changes for one timeline event, at `event.at + timelineOffset` seconds of relay time.
    public static func changes(for event: LabLinkEvent, index: Int, in scenario: LabScenario,
                               timelineOffset: Double = 0) throws(LabRelayError) -> [RelayChange] {
        guard scenario.paths.indices.contains(event.path) else {
            throw .unknownPath(index: index, path: event.path)
        }
        let name = scenario.paths[event.path].name
        func refuse(_ reason: String) -> LabRelayError {
            .unsupportedEvent(index: index, at: event.at, path: name, change: "\(event.change)", reason: reason)
        }
        let time = UInt64(max(event.at + timelineOffset, 0) * 1e9)
        // Lab links run from the client (a) to the server (b): a to b is the relay's uplink.
        let directions: RelayDirectionSelector
        switch event.directions {
        case .both: directions = .both
        case .aToB: directions = .up
        case .bToA: directions = .down
        }
        func set(_ value: RelaySetting.Value) -> RelayChange {
            RelayChange(time: time, path: name, action: .set(RelaySetting(directions: directions, value: value)))
        }
        switch event.change {
        case .down, .up:
            guard directions == .both else { throw refuse("the relay takes a path down or up in both directions only") }
            return [RelayChange(time: time, path: name, action: .link(up: event.change == .up))]
        case .rate(let rate):
            guard let bits = Self.bitsPerSecond(rate) else { throw refuse("the rate is too large") }
            return [set(.rate(bits))]
        case .delay(let delay):
            return [set(.delay(delay.nanoseconds))]
        case .jitter(let jitter):
            return [set(.jitter(jitter.nanoseconds))]
        case .loss(let model):
            do throws(LabRelayError) {
                return [set(.loss(try Self.lossProbability(model, path: name, direction: "both directions")))]
            } catch {
                throw refuse("the relay only has independent (Bernoulli) loss")
            }
        case .parameters(let link):
            let parameters: RelayDirectionParameters
            do throws(LabRelayError) {
                parameters = try Self.direction(link, path: name, direction: "both directions")
            } catch {
                throw refuse(error.description)
            }
            return [set(.rate(parameters.rate)), set(.delay(parameters.delay)), set(.jitter(parameters.jitter)),
                    set(.loss(parameters.loss)), set(.queue(parameters.queue))]
        case .natRebinding:
            throw refuse("the relay has no NAT to rebind")
        case .addressChange:
            throw refuse("the client's addresses are fixed on loopback")
        }
    }

    /// Bytes per second as bits per second; nil when that overflows.
    static func bitsPerSecond(_ bytesPerSecond: UInt64) -> UInt64? {
        let (bits, overflow) = bytesPerSecond.multipliedReportingOverflow(by: 8)
        return overflow ? nil : bits
    }

    private static func lossProbability(_ model: LossModel, path: String, direction: String) throws(LabRelayError)
        -> Double {
        switch model {
        case .none:
            return 0
        case .bernoulli(let probability):
            return min(max(probability, 0), 1)
        case .gilbertElliott:
            throw .unsupportedLink(path: path, direction: direction, parameter: "Gilbert-Elliott (burst) loss")
        case .dropIndices, .bitmask:
            throw .unsupportedLink(path: path, direction: direction, parameter: "a fixed loss pattern")
        }
    }
}
