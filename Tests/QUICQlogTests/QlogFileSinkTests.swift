import Foundation
import Testing
@testable import QUICQlog

@Suite struct QlogFileSinkTests {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("qlog-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: [1, 256, 64 * 1024])
    func roundTripsThroughAFile(bufferCapacity: Int) throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("trace.sqlog").path
        let sink = try QlogFileSink(path: path, trace: QlogTraceTests.trace(), bufferCapacity: bufferCapacity)
        for event in QlogTraceTests.events {
            sink.log(event)
        }
        try sink.close()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes == QlogTraceTests.serializedTrace())
        let records = try JSONTestSupport.records(bytes)
        #expect(records.count == 1 + QlogTraceTests.events.count)
        for record in records {
            _ = try JSONTestSupport.parseObject(record)
        }
    }

    @Test func flushWritesWhatWasLoggedSoFar() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("partial.sqlog").path
        let sink = try QlogFileSink(path: path, trace: QlogTraceTests.trace())
        sink.log(QlogTraceTests.events[0])
        try sink.flush()
        let records = try JSONTestSupport.records(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(records.count == 2)
        try sink.close()
    }

    @Test func openingInAMissingDirectoryThrowsOpen() throws {
        let path = "/nonexistent-\(UUID().uuidString)/trace.sqlog"
        #expect(throws: QlogError.self) {
            _ = try QlogFileSink(path: path, trace: QlogTraceTests.trace())
        }
        do {
            _ = try QlogFileSink(path: path, trace: QlogTraceTests.trace())
        } catch {
            #expect(error.kind == .open)
            #expect(error.path == path)
        }
    }

    @Test func closingTwiceAndUsingAfterCloseReportClosed() throws {
        let directory = try self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = try QlogFileSink(path: directory.appendingPathComponent("closed.sqlog").path,
                                    trace: QlogTraceTests.trace())
        try sink.close()
        sink.log(QlogTraceTests.events[0])  // ignored, no trap
        do {
            try sink.close()
            Issue.record("second close succeeded")
        } catch {
            #expect(error.kind == .closed)
        }
        do {
            try sink.flush()
            Issue.record("flush after close succeeded")
        } catch {
            #expect(error.kind == .closed)
        }
    }
}
