import Foundation
import NIOPosix
@testable import QUIC
import QUICTLS
import QUICTransport
import QUICWire
import Testing

extension RealSocketSuites {
    /// A server on several event loops (SO_REUSEPORT sockets on one port) with QUIC-LB connection IDs.
    @Suite("QUIC server on several event loops")
    struct MultiLoopServerTests {
        private static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

        private func serve(threads: Int) async throws -> (QUICEndpoint, CertificateIdentity, Task<Void, Never>) {
            let identity = try DevelopmentCertificate.generate(now: Date())
            var options = QUICServerOptions(identity: identity)
            options.threads = threads
            let server = try await QUICEndpoint.server(host: "127.0.0.1", port: 0, configuration: clientConfiguration(),
                                                       options: options, group: Self.group)
            let task = Task {
                await withDiscardingTaskGroup { group in
                    for await connection in server.incomingConnections {
                        group.addTask {
                            for await stream in connection.incomingStreams {
                                let request = (try? await stream.readAll(limit: 100)) ?? []
                                try? await stream.write(request.reversed())
                                try? await stream.finish()
                            }
                        }
                    }
                }
            }
            return (server, identity, task)
        }

        private func clientOptions(_ identity: CertificateIdentity) -> QUICClientOptions {
            var options = QUICClientOptions()
            options.serverName = "localhost"
            options.verification = .roots(TrustRoots(identity.chain.certificates))
            return options
        }

        private func roundTrip(_ connection: QUICConnection, _ bytes: [UInt8]) async throws -> [UInt8] {
            let stream = try await connection.openStream()
            try await stream.write(bytes)
            try await stream.finish()
            return try await stream.readAll()
        }

        @Test("clients from 24 ports reach both loops, and every round trip completes")
        func clientsSpreadOverLoops() async throws {
            let (server, identity, task) = try await self.serve(threads: 2)
            let port = Int(try #require(server.localAddress).port)
            try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let client = try await QUICEndpoint.client(configuration: clientConfiguration())
                        let connection = try await client.connect(host: "127.0.0.1", port: port,
                                                                  options: self.clientOptions(identity))
                        let answer = try await self.roundTrip(connection, [UInt8(index), 1, 2])
                        await client.close()
                        return answer
                    }
                }
                var answers = 0
                for try await answer in group {
                    #expect(answer.count == 3 && answer[0...1] == [2, 1])
                    answers += 1
                }
                #expect(answers == 24)
            }
            let perLoop = await server.loopStatistics()
            #expect(perLoop.count == 2)
            #expect(perLoop.map(\.connectionsAccepted).reduce(0, +) == 24)
            // The kernel hashes 24 random source ports over two sockets: all on one has a chance of 2^-23.
            #expect(perLoop.allSatisfy { $0.connectionsAccepted > 0 })
            await server.close()
            await task.value
        }

        @Test("a client that moves to new ports keeps its connection when the new 4-tuple reaches the other loop")
        func migrationAcrossLoops() async throws {
            let (server, identity, task) = try await self.serve(threads: 2)
            let port = Int(try #require(server.localAddress).port)
            let client = try await QUICEndpoint.client(configuration: clientConfiguration())
            let connection = try await client.connect(host: "127.0.0.1", port: port, options: self.clientOptions(identity))
            #expect(try await self.roundTrip(connection, [1, 2, 3]) == [3, 2, 1])
            func forwarded() async throws -> Int {
                var total = 0
                for driver in server.drivers { total += try await driver.loop.submit { driver.forwarded }.get() }
                return total
            }
            // Each new port is hashed afresh: half the time onto the other loop's socket. 20 moves all staying has a
            // chance of 2^-20.
            var moves = 0
            while try await forwarded() == 0, moves < 20 {
                try await connection.migrate()
                moves += 1
                #expect(try await self.roundTrip(connection, [UInt8(moves), 5]) == [5, UInt8(moves)])
            }
            #expect(try await forwarded() > 0)
            #expect(try await self.roundTrip(connection, [7, 8, 9]) == [9, 8, 7])
            let accepted = await server.statistics().connectionsAccepted
            #expect(accepted == 1)
            await client.close()
            await server.close()
            await task.value
        }

        @Test("settings that cannot work are refused with a reason")
        func invalidSettings() async throws {
            let identity = try DevelopmentCertificate.generate(now: Date())
            var options = QUICServerOptions(identity: identity)
            options.threads = 3
            await #expect(throws: QUICError.invalidConfiguration(
                "3 threads need an event loop group of at least 3 loops, not 2")) {
                _ = try await QUICEndpoint.server(host: "127.0.0.1", port: 0, configuration: clientConfiguration(),
                                                  options: options, group: Self.group)
            }
            options.threads = 2
            options.loadBalancing = try QUICLoadBalancing(
                configuration: QUICLBConfiguration(configRotation: 1, serverIDLength: 2, nonceLength: 6),
                serverIDs: [QUICLBServerID([0, 1])])
            await #expect(throws: QUICError.invalidConfiguration(
                "QUIC-LB needs one server ID per thread: 2 threads, 1 IDs")) {
                _ = try await QUICEndpoint.server(host: "127.0.0.1", port: 0, configuration: clientConfiguration(),
                                                  options: options, group: Self.group)
            }
            options.loadBalancing = nil
            options.statelessResetKey = [UInt8](repeating: 1, count: 16)
            await #expect(throws: QUICError.invalidConfiguration("statelessResetKey must be 32 bytes, not 16")) {
                _ = try await QUICEndpoint.server(host: "127.0.0.1", port: 0, configuration: clientConfiguration(),
                                                  options: options, group: Self.group)
            }
            #expect(throws: QUICLBError.duplicateServerID(try QUICLBServerID([0, 1]))) {
                _ = try QUICLoadBalancing(
                    configuration: QUICLBConfiguration(configRotation: 1, serverIDLength: 2, nonceLength: 6),
                    serverIDs: [QUICLBServerID([0, 1]), QUICLBServerID([0, 1])])
            }
        }

        @Test("Initial and 0-RTT packets stay on the loop that received them; others go to their server ID's loop")
        func owningLoop() throws {
            let balancing = try QUICLoadBalancing.loops(3)
            let loops: [QUICLBServerID: Int] = [balancing.serverIDs[0]: 0, balancing.serverIDs[1]: 1,
                                                balancing.serverIDs[2]: 2]
            var generator = try QUICLBConnectionIDGenerator(configuration: balancing.configuration,
                                                            serverID: balancing.serverIDs[2])
            var random = ConnectionRandom(seed: 7)
            let cid = generator.generate(using: &random)
            func long(_ firstOctet: UInt8, _ version: QUICVersion) -> [UInt8] {
                let raw = version.rawValue
                return [firstOctet, UInt8(raw >> 24), UInt8(raw >> 16 & 0xff), UInt8(raw >> 8 & 0xff), UInt8(raw & 0xff),
                        UInt8(cid.length)] + cid.bytes + [0, 0, 0, 0]
            }
            // v1: Initial 0b00, 0-RTT 0b01 stay; Handshake 0b10 follows its server ID.
            #expect(balancing.owner(ofDatagram: long(0xc0, .v1)[...], loops: loops) == nil)
            #expect(balancing.owner(ofDatagram: long(0xd0, .v1)[...], loops: loops) == nil)
            #expect(balancing.owner(ofDatagram: long(0xe0, .v1)[...], loops: loops) == 2)
            // v2: Initial 0b01, 0-RTT 0b10 stay; Handshake 0b11 follows.
            #expect(balancing.owner(ofDatagram: long(0xd0, .v2)[...], loops: loops) == nil)
            #expect(balancing.owner(ofDatagram: long(0xe0, .v2)[...], loops: loops) == nil)
            #expect(balancing.owner(ofDatagram: long(0xf0, .v2)[...], loops: loops) == 2)
            // Short header: the ID follows the first octet.
            #expect(balancing.owner(ofDatagram: ([0x40] + cid.bytes + [1, 2, 3])[...], loops: loops) == 2)
            // Unknown versions, truncated datagrams and IDs of another configuration are the receiver's.
            #expect(balancing.owner(ofDatagram: long(0xe0, QUICVersion(rawValue: 0x1a2a_3a4a))[...], loops: loops) == nil)
            #expect(balancing.owner(ofDatagram: [0xe0, 0, 0][...], loops: loops) == nil)
            #expect(balancing.owner(ofDatagram: [][...], loops: loops) == nil)
        }
    }
}
