import Testing
import QUICRecovery

@Suite("QUICInstant and QUICDuration")
struct TimeTests {
    @Test func unitsAndConversions() {
        #expect(QUICDuration.milliseconds(3).nanoseconds == 3_000_000)
        #expect(QUICDuration.microseconds(7).nanoseconds == 7_000)
        #expect(QUICDuration.seconds(2).nanoseconds == 2_000_000_000)
        #expect(QUICDuration(seconds: 0.25) == .milliseconds(250))
        #expect(QUICDuration.milliseconds(1_500).seconds == 1.5)
        #expect(QUICDuration.milliseconds(-3).magnitude == .milliseconds(3))
        #expect(QUICDuration(seconds: .nan) == .zero)
        #expect(QUICDuration.milliseconds(3).description == "3ms")
        #expect(QUICDuration.microseconds(3).description == "3µs")
    }

    @Test func instantArithmetic() {
        let start = ms(100)
        #expect(start + .milliseconds(50) == ms(150))
        #expect(start - .milliseconds(50) == ms(50))
        #expect(ms(150) - start == .milliseconds(50))
        #expect(start - ms(150) == .milliseconds(-50))
        #expect(start + .milliseconds(-30) == ms(70))
        #expect(ms(1) < ms(2))
    }

    @Test func arithmeticSaturatesInsteadOfTrapping() {
        #expect(QUICInstant.distantFuture + .seconds(1) == .distantFuture)
        #expect(ms(5) - .seconds(1) == .origin)
        #expect(QUICDuration.infinite + .seconds(1) == .infinite)
        #expect(QUICDuration(nanoseconds: .min) - .seconds(1) == QUICDuration(nanoseconds: .min))
        #expect(QUICDuration.infinite * 2 == .infinite)
        #expect(QUICDuration.milliseconds(-1) * Int64.max == QUICDuration(nanoseconds: .min))
        #expect(QUICDuration.milliseconds(1) / 0 == .infinite)
        #expect(QUICDuration.milliseconds(5).shifted(left: 3) == .milliseconds(40))
        #expect(QUICDuration.milliseconds(5).shifted(left: 70) == .infinite)
        #expect(QUICDuration(seconds: 1e30) == .infinite)
        #expect(QUICInstant.distantFuture - QUICInstant.origin == .infinite)
        #expect(QUICInstant.origin - QUICInstant.distantFuture == QUICDuration(nanoseconds: .min))
        #expect(ms(10) - QUICDuration(nanoseconds: .min)
            == QUICInstant(nanosecondsSinceOrigin: 10_000_000 + (UInt64(1) << 63)))
        #expect(QUICInstant.distantFuture - QUICDuration(nanoseconds: .min) == .distantFuture)
    }
}
