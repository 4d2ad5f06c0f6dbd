import QUICTestSupport
typealias QlogTestRandom = SplitMix64

