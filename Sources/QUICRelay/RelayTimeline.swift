import Foundation

/// The changes of a relay run, in the order they apply: by time, and in the order given for equal times.
public struct RelayTimeline: Hashable, Sendable {
    public private(set) var changes: [RelayChange]

    public init(_ changes: [RelayChange] = []) {
        // Sort by time, keeping the given order for equal times (Swift's sort is not guaranteed stable).
        self.changes = changes.enumerated()
            .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .map(\.element)
    }

    /// Reads a scenario: either lines of `TIME:CHANGE` or `TIME CHANGE` (blank lines and `#` comments
    /// skipped), or JSON — an array of `"10s:wifi=down"` strings or of `{"at": "10s", "change": "wifi=down"}`
    /// objects, optionally under a top-level `"changes"` key.
    public static func parseScenario(_ text: String) throws(RelayError) -> [RelayChange] {
        let start = text.first { !$0.isWhitespace }
        if start == "[" || start == "{" {
            return try Self.parseJSON(text)
        }
        var changes: [RelayChange] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = content.trimmingSpaces
            if !trimmed.isEmpty {
                changes.append(try RelayChange(parsing: trimmed))
            }
        }
        return changes
    }

    /// Reads a scenario file with ``parseScenario(_:)``.
    public static func loadScenario(path: String) throws(RelayError) -> [RelayChange] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .scenarioFile(path: path, reason: "\(error.localizedDescription)")
        }
        return try Self.parseScenario(text)
    }

    private struct JSONChange: Decodable {
        var at: String
        var change: String
    }

    private struct JSONScenario: Decodable {
        var changes: [Entry]
    }

    private enum Entry: Decodable {
        case text(String)
        case object(JSONChange)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .object(try container.decode(JSONChange.self))
            }
        }

        var line: String {
            switch self {
            case .text(let text): return text
            case .object(let object): return object.at + ":" + object.change
            }
        }
    }

    private static func parseJSON(_ text: String) throws(RelayError) -> [RelayChange] {
        let entries: [Entry]
        do {
            let data = Data(text.utf8)
            if text.first(where: { !$0.isWhitespace }) == "{" {
                entries = try JSONDecoder().decode(JSONScenario.self, from: data).changes
            } else {
                entries = try JSONDecoder().decode([Entry].self, from: data)
            }
        } catch {
            throw .scenarioFile(path: "<json>", reason: "expected [\"10s:wifi=down\", ...] or "
                + "[{\"at\": \"10s\", \"change\": \"wifi=down\"}, ...]")
        }
        var changes: [RelayChange] = []
        for entry in entries {
            changes.append(try RelayChange(parsing: entry.line))
        }
        return changes
    }
}
