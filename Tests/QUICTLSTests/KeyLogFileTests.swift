import Foundation
import QUICWire
import Testing

@testable import QUICTLS

@Suite("Key log file (SSLKEYLOGFILE)")
struct KeyLogFileTests {
    /// A fresh path in a fresh temporary directory.
    static func temporaryPath(_ name: String = "keys.log") throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("keylog-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    static func lines(of path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.isEmpty || text.hasSuffix("\n"), "the file ends with a whole line")
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Lower-case hex, written independently of `KeyLog.hex` so that the check is not circular.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { byte in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }

    /// The ClientHello.random of the client's first Initial flight (after the 4-byte handshake header and the
    /// 2-byte legacy_version, RFC 8446 §4.1.2).
    static func clientRandom(_ pair: HandshakePair) throws -> [UInt8] {
        let hello = try #require(pair.clientFlights.first { $0.level == .initial })
        try #require(hello.bytes.count >= 38 && hello.bytes[0] == 1)
        return Array(hello.bytes[6..<38])
    }

    /// The lines each side must log for the secrets it polled: label, client random, secret.
    static func expectedLines(_ pair: HandshakePair, client: Bool, random: [UInt8]) throws -> Set<String> {
        // The client writes with the client secrets; the server reads with them.
        let clientDirection: TLSSecretDirection = client ? .write : .read
        let serverDirection: TLSSecretDirection = client ? .read : .write
        let wanted: [(String, EncryptionLevel, TLSSecretDirection)] = [
            ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", .handshake, clientDirection),
            ("SERVER_HANDSHAKE_TRAFFIC_SECRET", .handshake, serverDirection),
            ("CLIENT_TRAFFIC_SECRET_0", .oneRTT, clientDirection),
            ("SERVER_TRAFFIC_SECRET_0", .oneRTT, serverDirection),
        ]
        var lines = Set<String>()
        for (label, level, direction) in wanted {
            let secret = try #require(pair.secret(client: client, level, direction), "\(label)")
            lines.insert(label + " " + Self.hex(random) + " " + Self.hex(secret.secret))
        }
        return lines
    }

    @Test("a full handshake logs, per side, lines whose secrets are the ones the handshake installed")
    func handshakeLines() throws {
        var pair = try HandshakePair(client: makeClientConfiguration(), server: makeServerConfiguration())
        #expect(pair.run() == nil)
        let clientPath = try Self.temporaryPath("client.log")
        let serverPath = try Self.temporaryPath("server.log")
        let clientFile = try KeyLogFile(path: clientPath)
        let serverFile = try KeyLogFile(path: serverPath)
        for line in pair.keyLog { try clientFile.append(line) }
        for line in pair.serverKeyLog { try serverFile.append(line) }

        let random = try Self.clientRandom(pair)
        for (isClient, path) in [(true, clientPath), (false, serverPath)] {
            let lines = try Self.lines(of: path)
            #expect(lines.count == 5, "four traffic secrets and the exporter secret")
            let traffic = Set(lines.filter { !$0.hasPrefix("EXPORTER_SECRET ") })
            #expect(traffic == (try Self.expectedLines(pair, client: isClient, random: random)))
            let exporter = lines.filter { $0.hasPrefix("EXPORTER_SECRET " + Self.hex(random) + " ") }
            #expect(exporter.count == 1)
            #expect(!lines.contains { $0.hasPrefix("CLIENT_EARLY_TRAFFIC_SECRET") })
            for line in lines {
                let fields = line.split(separator: " ")
                #expect(fields.count == 3 && fields[1].count == 64 && fields[2].count == 64, "\(line)")
            }
        }
        // Both sides derived the same secrets, so they log the same lines.
        #expect(Set(try Self.lines(of: clientPath)) == Set(try Self.lines(of: serverPath)))
    }

    @Test("0-RTT adds CLIENT_EARLY_TRAFFIC_SECRET with the 0-RTT secret on both sides")
    func earlyDataLine() throws {
        let ticket = try ResumptionTests.firstTicket(earlyData: true)
        var pair = try ResumptionTests.resumed(ticket, attemptEarlyData: true, serverEarlyData: true)
        let path = try Self.temporaryPath()
        let file = try KeyLogFile(path: path)
        // The early secret is logged as soon as the ClientHello is built, before anything is received.
        try file.appendLines(from: &pair.client)
        #expect(try Self.lines(of: path).count == 1)
        #expect(pair.run() == nil)
        #expect(pair.clientEvents.contains(.earlyDataAccepted))
        for line in pair.keyLog + pair.serverKeyLog { try file.append(line) }

        let random = try Self.clientRandom(pair)
        let write = try #require(pair.secret(client: true, .zeroRTT, .write))
        let read = try #require(pair.secret(client: false, .zeroRTT, .read))
        let expected = "CLIENT_EARLY_TRAFFIC_SECRET " + Self.hex(random) + " " + Self.hex(write.secret)
        let lines = try Self.lines(of: path)
        #expect(lines.count == 12, "six lines per side")
        #expect(lines.filter { $0 == expected }.count == 2)
        #expect(read.secret == write.secret)
        for isClient in [true, false] {
            #expect((try Self.expectedLines(pair, client: isClient, random: random)).isSubset(of: Set(lines)))
        }
    }

    @Test("the file is created with mode 0600 and appended to, never truncated")
    func appendModeAndPermissions() throws {
        let path = try Self.temporaryPath()
        do {
            let file = try KeyLogFile(path: path)
            try file.append("FIRST 00 11")
            try file.append("SECOND 22 33\n")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let permissions = try #require(attributes[.posixPermissions] as? NSNumber)
        #expect(permissions.intValue & 0o777 == 0o600)
        do {
            let file = try KeyLogFile(path: path)
            try file.append("THIRD 44 55")
        }
        #expect(try Self.lines(of: path) == ["FIRST 00 11", "SECOND 22 33", "THIRD 44 55"])
    }

    @Test("an unopenable path fails with a message that names it")
    func openFailure() throws {
        let missing = try Self.temporaryPath() + "/no/such/directory/keys.log"
        let error = #expect(throws: KeyLogFileError.self) { _ = try KeyLogFile(path: missing) }
        #expect(error?.path == missing)
        #expect(error?.errorNumber == ENOENT)
        #expect(error?.description.contains(missing) == true)
        #expect(error?.description.contains("key log") == true)
        #expect(throws: KeyLogFileError.self) { _ = try KeyLogFile(path: "") }
    }

    @Test("SSLKEYLOGFILE names the file; unset means no key log")
    func environment() throws {
        let path = try Self.temporaryPath()
        setenv(KeyLogFile.environmentVariable, path, 1)
        defer { unsetenv(KeyLogFile.environmentVariable) }
        let file = try #require(KeyLogFile.fromEnvironment())
        #expect(file.path == path)
        try file.append("LINE 01 02")
        #expect(try Self.lines(of: path) == ["LINE 01 02"])
        unsetenv(KeyLogFile.environmentVariable)
        #expect(KeyLogFile.fromEnvironment() == nil)
    }

    static func concurrentLine(_ task: Int, _ index: Int) -> String {
        "CLIENT_TRAFFIC_SECRET_0 " + String(repeating: String(task % 10), count: 64) + " \(index)"
    }

    @Test("concurrent appends from many tasks write whole lines")
    func concurrentAppends() async throws {
        let path = try Self.temporaryPath()
        let file = try KeyLogFile(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<200 { try file.append(Self.concurrentLine(task, index)) }
                }
            }
            try await group.waitForAll()
        }
        let lines = try Self.lines(of: path)
        #expect(lines.count == 1_600)
        var expected = Set<String>()
        for task in 0..<8 {
            for index in 0..<200 { expected.insert(Self.concurrentLine(task, index)) }
        }
        #expect(Set(lines) == expected)
    }
}
