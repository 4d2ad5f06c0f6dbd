/// Why a ``SimScenario`` cannot be built into a network. Each case says what to fix.
public enum SimScenarioError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Two links share a name; names must be unique because schedules and random streams use them.
    case duplicateLinkName(String)
    /// A scheduled change names a link the scenario does not have.
    case unknownLink(String)
    /// A probability (loss, duplication, reordering, Gilbert-Elliott transition) lies outside 0...1.
    case probabilityOutOfRange(link: String, value: Double)
    /// A bitmask loss pattern must have a length of 1 through 64.
    case invalidBitmaskLength(link: String, length: Int)
    /// Two links send the same (source, destination) pair, so routing would be ambiguous.
    case ambiguousRoute(link: String, source: SimAddress, destination: SimAddress)

    public var description: String {
        switch self {
        case .duplicateLinkName(let name):
            return "two links are named \"\(name)\"; give every link a unique name"
        case .unknownLink(let name):
            return "the schedule refers to link \"\(name)\", which the scenario does not define"
        case .probabilityOutOfRange(let link, let value):
            return "link \"\(link)\" has probability \(value); probabilities must be between 0 and 1"
        case .invalidBitmaskLength(let link, let length):
            return "link \"\(link)\" has a loss bitmask of length \(length); use 1 through 64"
        case .ambiguousRoute(let link, let source, let destination):
            return "link \"\(link)\" repeats the route \(source) -> \(destination); use distinct addresses or ports"
        }
    }
}

extension SimScenario {
    /// Checks that the scenario can be built: unique link names, known links in the schedule, probabilities
    /// in range, valid bitmasks and unambiguous routes.
    public func validate() throws(SimScenarioError) {
        var names: Set<String> = []
        var routes: Set<[SimAddress]> = []
        for link in self.links {
            guard names.insert(link.name).inserted else {
                throw .duplicateLinkName(link.name)
            }
            try Self.validate(link.aToB, link: link.name)
            try Self.validate(link.bToA, link: link.name)
            let publicA = link.natAddress ?? link.a
            for route in [[link.a, link.b], [link.b, publicA]] {
                guard routes.insert(route).inserted else {
                    throw .ambiguousRoute(link: link.name, source: route[0], destination: route[1])
                }
            }
        }
        for change in self.schedule {
            guard names.contains(change.link) else {
                throw .unknownLink(change.link)
            }
            switch change.change {
            case .loss(let model):
                try Self.validate(model, link: change.link)
            case .parameters(let parameters):
                try Self.validate(parameters, link: change.link)
            default:
                break
            }
        }
    }

    private static func validate(_ parameters: LinkParameters, link: String) throws(SimScenarioError) {
        try Self.validate(probability: parameters.duplicateProbability, link: link)
        try Self.validate(probability: parameters.reorderProbability, link: link)
        try Self.validate(parameters.loss, link: link)
    }

    private static func validate(_ model: LossModel, link: String) throws(SimScenarioError) {
        switch model {
        case .none, .dropIndices:
            return
        case .bernoulli(let probability):
            try Self.validate(probability: probability, link: link)
        case .gilbertElliott(let p, let r, let lossInBad, let lossInGood):
            for value in [p, r, lossInBad, lossInGood] {
                try Self.validate(probability: value, link: link)
            }
        case .bitmask(_, let length):
            guard (1...64).contains(length) else {
                throw .invalidBitmaskLength(link: link, length: length)
            }
        }
    }

    private static func validate(probability: Double, link: String) throws(SimScenarioError) {
        guard probability >= 0 && probability <= 1 else {
            throw .probabilityOutOfRange(link: link, value: probability)
        }
    }
}
