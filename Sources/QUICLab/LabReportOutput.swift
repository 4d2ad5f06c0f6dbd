import Foundation

/// A report that cannot be produced or written; the message says what to change.
public enum LabReportError: Error, Sendable, Hashable, CustomStringConvertible {
    case encodingFailed(String)
    case outputNotWritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .encodingFailed(let reason):
            return "the results cannot be encoded as JSON: \(reason)"
        case .outputNotWritable(let path, let reason):
            return "cannot write the report to \"\(path)\": \(reason); choose another --out directory"
        }
    }
}

extension LabReport {
    /// The files ``write(to:)`` creates in its directory.
    public static let jsonFileName = "results.json"
    public static let htmlFileName = "report.html"

    /// Makes sure `directory` exists (creating it and its parents) and accepts files, before any run starts.
    public static func prepare(directory: String) throws(LabReportError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .outputNotWritable(path: directory, reason: "it is a file") }
        } else {
            do {
                try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .outputNotWritable(path: directory, reason: "the directory cannot be created")
            }
        }
        guard manager.isWritableFile(atPath: directory) else {
            throw .outputNotWritable(path: directory, reason: "the directory is not writable")
        }
    }

    /// Writes `results.json` and the self-contained `report.html` into `directory`; returns their paths.
    @discardableResult
    public func write(to directory: String) throws(LabReportError) -> [String] {
        try Self.prepare(directory: directory)
        let base = URL(fileURLWithPath: directory, isDirectory: true)
        let files = [
            (base.appendingPathComponent(Self.jsonFileName), try self.json()),
            (base.appendingPathComponent(Self.htmlFileName), Data(LabHTMLReport(self).render().utf8)),
        ]
        for (url, data) in files {
            do {
                try data.write(to: url, options: .atomic)
            } catch {
                throw .outputNotWritable(path: url.path, reason: "\(error.localizedDescription)")
            }
        }
        return files.map { $0.0.path }
    }
}
