import Foundation
import QUICRecovery
import QUICSimulator
import QUICTLS
import QUICTransport
import QUICWire

/// Runs lab scenarios in the simulator: virtual time, one seed for every random choice, so a run is reproducible.
public enum LabRunner {
    /// The shortest silence after which the `migration` strategy gives up on its interface (seconds), whatever
    /// 3 x RTT is.
    public static let migrationFloor = 0.1
    /// The width of the bins of ``LabResult/series`` (seconds).
    public static let seriesBinSeconds = 0.25

    /// Runs `scenario` with `strategy` and `seed` until its workload completes or its duration limit passes.
    public static func run(_ scenario: LabScenario, strategy: LabStrategy, seed: UInt64 = 1) throws(LabError)
        -> LabResult {
        let run = try LabRun(scenario: scenario, strategy: strategy, seed: seed)
        return run.run()
    }

    /// Runs every strategy that applies to `scenario` (or the given ones) with one seed.
    public static func runAll(_ scenario: LabScenario, strategies: [LabStrategy]? = nil,
                              seed: UInt64 = 1) throws(LabError) -> [LabResult] {
        var results: [LabResult] = []
        for strategy in strategies ?? scenario.strategies {
            results.append(try Self.run(scenario, strategy: strategy, seed: seed))
        }
        return results
    }

    /// One development identity per process (Ed25519, so that signatures, and therefore packet sizes, do not vary
    /// between runs), pinned by the client. Its validity starts at a fixed date: the simulated peers never check
    /// dates, and the lab reads no clock.
    static let identity: Result<CertificateIdentity, CertificateLoadingError> = Result {
        () throws(CertificateLoadingError) -> CertificateIdentity in
        try DevelopmentCertificate.generate(keyType: .ed25519, now: Self.certificateDate)
    }

    /// 2026-01-01T00:00:00Z.
    static let certificateDate = Date(timeIntervalSince1970: 1_767_225_600)
}
