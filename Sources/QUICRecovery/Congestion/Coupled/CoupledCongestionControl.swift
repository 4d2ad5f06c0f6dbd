/// A congestion controller whose window growth is coupled with the other paths of its connection.
public protocol CoupledCongestionController: CongestionController {
    /// The group of the connection's paths the controller belongs to.
    var group: CoupledPathGroup { get }
    /// The controller's path in `group`.
    var member: CoupledPathGroup.Member { get }
    /// Whether the path's window is below its slow start threshold.
    var isInSlowStart: Bool { get }
    /// When the current recovery period started; nil before the first one and after persistent congestion.
    var congestionRecoveryStartTime: QUICInstant? { get }
}

/// The coupled congestion controllers a multipath connection can run on its paths, beside the uncoupled
/// NewReno and CUBIC.
public enum CoupledCongestionAlgorithm: String, Sendable, CaseIterable {
    /// LIA, RFC 6356: ``LinkedIncreases``.
    case linkedIncreases = "lia"
    /// OLIA, draft-khalili-mptcp-congestion-control-05: ``OpportunisticLinkedIncreases``.
    case opportunisticLinkedIncreases = "olia"

    /// A controller for a new path of the connection whose paths share `group`; the controller joins it.
    ///
    /// One group per connection: make it with the connection, pass it for every path, call
    /// ``CoupledPathGroup/leave(controllerOf:)`` when a path is abandoned and
    /// ``CoupledPathGroup/setActive(_:controllerOf:)`` when a path becomes a backup or available again.
    public func makeController(group: CoupledPathGroup, maxDatagramSize: Int,
                               initialRTT: QUICDuration = RTTEstimator.defaultInitialRTT) -> any CongestionController {
        switch self {
        case .linkedIncreases:
            return LinkedIncreases(group: group, maxDatagramSize: maxDatagramSize, initialRTT: initialRTT)
        case .opportunisticLinkedIncreases:
            return OpportunisticLinkedIncreases(group: group, maxDatagramSize: maxDatagramSize,
                                                initialRTT: initialRTT)
        }
    }
}

extension CoupledPathGroup {
    /// Removes the path of `controller` from the group when it is one of this group's coupled controllers
    /// (uncoupled controllers are ignored), so that a connection can call it for every path it drops.
    public func leave(controllerOf controller: any CongestionController) {
        guard let member = self.member(of: controller) else { return }
        self.leave(member)
    }

    /// ``setActive(_:for:)`` for the path of `controller` (uncoupled controllers are ignored).
    public func setActive(_ active: Bool, controllerOf controller: any CongestionController) {
        guard let member = self.member(of: controller) else { return }
        self.setActive(active, for: member)
    }

    /// The member of `controller` when it is one of this group's coupled controllers.
    public func member(of controller: any CongestionController) -> Member? {
        guard let coupled = controller as? any CoupledCongestionController, coupled.group === self else { return nil }
        return coupled.member
    }
}
