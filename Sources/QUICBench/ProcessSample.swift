/// What `/proc/PID/status` and `/proc/PID/stat` say about a process: its resident memory and CPU time. The parsers
/// are pure; reading the files is the caller's business.
public struct ProcessSample: Hashable, Sendable {
    /// VmRSS, in bytes.
    public var residentBytes: UInt64
    /// utime + stime, in clock ticks (`sysconf(_SC_CLK_TCK)` a second, 100 on Linux).
    public var cpuTicks: UInt64

    public init(residentBytes: UInt64, cpuTicks: UInt64) {
        self.residentBytes = residentBytes
        self.cpuTicks = cpuTicks
    }

    /// The VmRSS line of a `/proc/PID/status` text ("VmRSS:   12345 kB"), in bytes.
    public static func residentBytes(status: String) -> UInt64? {
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.dropFirst("VmRSS:".count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let value = fields.first.flatMap({ UInt64($0) }) else { return nil }
            let unit = fields.dropFirst().first.map(String.init) ?? "kB"
            switch unit {
            case "kB": return value.multipliedReportingOverflow(by: 1_024).overflow ? nil : value * 1_024
            case "B": return value
            default: return nil
            }
        }
        return nil
    }

    /// utime + stime (fields 14 and 15) of a `/proc/PID/stat` line. The command name (field 2) is in parentheses
    /// and may itself hold spaces and parentheses, so the fields are counted from the last ")".
    public static func cpuTicks(stat: String) -> UInt64? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // After the name: field 3 (state) is fields[0], so field 14 is fields[11] and field 15 fields[12].
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
        let (sum, overflow) = user.addingReportingOverflow(system)
        return overflow ? nil : sum
    }
}

/// Failures counted by reason, keeping the first few distinct reasons in the order they happened.
public struct FailureTally: Sendable {
    /// How many distinct reasons are kept (the count covers all of them).
    public let keep: Int
    public private(set) var count = 0
    public private(set) var reasons: [(reason: String, count: Int)] = []

    public init(keep: Int = 5) {
        self.keep = keep
    }

    public mutating func record(_ reason: String) {
        self.count += 1
        if let index = self.reasons.firstIndex(where: { $0.reason == reason }) {
            self.reasons[index].count += 1
        } else if self.reasons.count < self.keep {
            self.reasons.append((reason, 1))
        }
    }

    /// "12 x handshake timeout; 3 x connection refused" (reasons past `keep` are counted but not named).
    public var text: String {
        var parts = self.reasons.map { "\($0.count) x \($0.reason)" }
        let named = self.reasons.reduce(0) { $0 + $1.count }
        if named < self.count {
            parts.append("\(self.count - named) x other reasons")
        }
        return parts.joined(separator: "; ")
    }
}
