import QUICTestSupport
import QUICWire
import Testing

@testable import QUICTLS

typealias TLSTestRandom = SplitMix64

/// Runs `body` and returns the alert it threw, or nil when it did not throw (or threw something else,
/// which is recorded as an issue).
func alertThrown(_ body: () throws -> Void) -> TLSAlert? {
    do {
        try body()
        return nil
    } catch let alert as TLSAlert {
        return alert
    } catch {
        Issue.record("threw \(error) instead of a TLS alert")
        return nil
    }
}
