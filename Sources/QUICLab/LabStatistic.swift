/// The spread of one value over the seeds of a scenario x strategy: mean, extremes and sample standard deviation.
public struct LabStatistic: Sendable, Hashable, Codable {
    /// How many runs had the value.
    public var count: Int
    public var mean: Double
    public var min: Double
    public var max: Double
    /// The sample standard deviation (divisor n - 1); 0 with a single value.
    public var standardDeviation: Double

    public init(count: Int, mean: Double, min: Double, max: Double, standardDeviation: Double) {
        self.count = count
        self.mean = mean
        self.min = min
        self.max = max
        self.standardDeviation = standardDeviation
    }

    /// The statistic of `values`; nil when there are none.
    public init?(_ values: [Double]) {
        guard let first = values.first else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        self.count = values.count
        self.mean = mean
        self.min = values.reduce(first) { Swift.min($0, $1) }
        self.max = values.reduce(first) { Swift.max($0, $1) }
        self.standardDeviation = values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : 0
    }
}
