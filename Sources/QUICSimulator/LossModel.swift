/// How a link direction loses datagrams on the wire.
public enum LossModel: Hashable, Sendable {
    /// Nothing is lost.
    case none
    /// Each datagram is lost independently with `probability`.
    case bernoulli(probability: Double)
    /// A two-state Markov chain (Gilbert-Elliott). Per datagram the chain first moves (good -> bad with
    /// probability `p`, bad -> good with probability `r`), then the datagram is lost with the loss
    /// probability of the state it is in. Bad periods last 1/r datagrams on average.
    case gilbertElliott(p: Double, r: Double, lossInBad: Double, lossInGood: Double)
    /// Exactly the datagrams with these indices are lost. Indices count datagrams that reached the loss
    /// stage of this direction, from 0, and keep counting across changes of the loss model.
    case dropIndices(Set<UInt64>)
    /// A repeating bit pattern: datagram `i` is lost when bit `i % length` of `mask` is set (bit 0 is the
    /// least significant). `length` is 1 through 64.
    case bitmask(mask: UInt64, length: Int)
}

/// The mutable state behind a ``LossModel``: the Gilbert-Elliott chain state and the datagram counter.
struct LossState: Sendable {
    var inBadState = false
    var index: UInt64 = 0

    /// Decides whether the next datagram is lost, drawing from `random` only as the model needs.
    mutating func shouldLose(_ model: LossModel, random: inout SimRandom) -> Bool {
        let index = self.index
        self.index &+= 1
        switch model {
        case .none:
            return false
        case .bernoulli(let probability):
            return random.chance(probability)
        case .gilbertElliott(let p, let r, let lossInBad, let lossInGood):
            if self.inBadState {
                if random.chance(r) {
                    self.inBadState = false
                }
            } else if random.chance(p) {
                self.inBadState = true
            }
            return random.chance(self.inBadState ? lossInBad : lossInGood)
        case .dropIndices(let indices):
            return indices.contains(index)
        case .bitmask(let mask, let length):
            guard length > 0 else {
                return false
            }
            let bit = index % UInt64(min(length, 64))
            return mask >> bit & 1 == 1
        }
    }
}
