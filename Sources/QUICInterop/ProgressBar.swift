/// Renders one progress line for a terminal: a bar when the total is known, the bytes, the current rate and the
/// elapsed time. A pure function of its inputs, so it is tested without a terminal.
public enum ProgressBar {
    /// Terminal lines are 80 columns; one is left free so the cursor never wraps.
    public static let defaultWidth = 79

    /// - Parameters:
    ///   - bytes: bytes done.
    ///   - total: bytes expected, when known.
    ///   - elapsed: seconds since the start.
    ///   - bytesPerSecond: the current rate (for example from a ``RateMeter``).
    ///   - width: the most characters the line may have.
    /// - Returns: the line, at most `width` characters, without a line break.
    public static func render(bytes: UInt64, total: UInt64?, elapsed: Double, bytesPerSecond: Double,
                              width: Int = Self.defaultWidth) -> String {
        let width = max(0, width)
        let tail = "\(Formatting.rate(bytesPerSecond: bytesPerSecond))  \(Formatting.duration(seconds: elapsed))"
        let line: String
        if let total, total > 0 {
            let fraction = min(1, Double(bytes) / Double(total))
            let percent = Int(fraction * 100)
            // Fixed-width fields keep the bar from changing length as the numbers grow.
            let done = Self.padded(Formatting.bytes(bytes), to: 8)
            let rate = Self.padded(Formatting.rate(bytesPerSecond: bytesPerSecond), to: 12)
            let text = "\(done) / \(Formatting.bytes(total)) \(Self.padded("\(percent)%", to: 4))  \(rate)  "
                + Formatting.duration(seconds: elapsed)
            let barWidth = width - text.count - 3
            if barWidth >= 10 {
                let filled = Int(fraction * Double(barWidth))
                let head = filled < barWidth ? ">" : ""
                let bar = String(repeating: "=", count: filled) + head
                    + String(repeating: " ", count: max(0, barWidth - filled - head.count))
                line = "[\(bar)] \(text)"
            } else {
                line = text
            }
        } else {
            line = "\(Formatting.bytes(bytes))  \(tail)"
        }
        return line.count <= width ? line : String(line.prefix(width))
    }

    /// `text` right-aligned in `width` columns (unchanged when longer).
    private static func padded(_ text: String, to width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
