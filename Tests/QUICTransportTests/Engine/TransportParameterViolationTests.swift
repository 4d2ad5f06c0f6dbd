import QUICRecovery
import QUICTLS
@testable import QUICTransport
import QUICWire
import Testing

/// A client and a server connection joined directly (no endpoint, no simulator), where the test replaces one
/// side's TLS handshake before it says anything, so that it announces transport parameters the engine would
/// never produce.
final class TamperedHandshake {
    let client: Connection
    let server: Connection
    var clientEvents: [ConnectionEvent] = []
    var serverEvents: [ConnectionEvent] = []

    /// - Parameters:
    ///   - clientBytes: turns the client's encoded transport parameters into the ones it sends.
    ///   - serverBytes: the same for the server.
    init(clientBytes: (TransportParameters) -> [UInt8] = { $0.encoded },
         serverBytes: (TransportParameters) -> [UInt8] = { $0.encoded }) throws {
        let configuration = EngineFixtures.connectionConfiguration()
        let clientAddress = EngineFixtures.clientAddress.networkAddress
        let serverAddress = EngineFixtures.serverAddress.networkAddress
        let client = try Connection(
            clientConfiguration: configuration, tls: EngineFixtures.clientTLS(),
            fourTuple: FourTuple(local: clientAddress, remote: serverAddress), random: ConnectionRandom(seed: 11),
            now: .origin)
        // The ClientHello is only queued so far: start over with other parameters.
        var clientTLS = EngineFixtures.clientTLS()
        clientTLS.common.alpn = configuration.alpn
        clientTLS.common.transportParameters = clientBytes(client.localParameters)
        client.tls = try TLSClientHandshake(configuration: clientTLS)
        client.spaces[PacketNumberSpace.initial.rawValue].cryptoSend = StreamSendBuffer()
        try client.driveTLS(now: .origin)

        let clientSource = try #require(client.localCIDs.active.first).connectionID
        let server = try Connection(
            serverConfiguration: configuration, tls: EngineFixtures.serverTLS(), version: client.version,
            originalDestinationCID: client.originalDestinationConnectionID,
            initialDestinationCID: client.originalDestinationConnectionID, clientSourceCID: clientSource,
            retrySourceCID: nil, addressValidated: false, resetKey: nil,
            fourTuple: FourTuple(local: serverAddress, remote: clientAddress), random: ConnectionRandom(seed: 12),
            now: .origin)
        var serverTLS = EngineFixtures.serverTLS()
        serverTLS.common.alpn = configuration.alpn
        serverTLS.common.transportParameters = serverBytes(server.localParameters)
        server.tls = TLSServerHandshake(configuration: serverTLS)
        self.client = client
        self.server = server
    }

    /// Passes datagrams back and forth (1 ms apart) until both sides closed or nothing moves.
    func run() {
        var buffer: [UInt8] = []
        for step in 0..<50 {
            let now = QUICInstant(nanosecondsSinceOrigin: UInt64(step) * 1_000_000)
            var moved = false
            for (from, to) in [(self.client, self.server), (self.server, self.client)] {
                while let transmit = from.pollTransmit(now: now, into: &buffer) {
                    to.handle(datagram: buffer[..<transmit.length], from: to.fourTuple, now: now)
                    moved = true
                }
            }
            while let event = self.client.pollEvent() { self.clientEvents.append(event) }
            while let event = self.server.pollEvent() { self.serverEvents.append(event) }
            if !moved || (self.client.isClosed && self.server.isClosed) { return }
        }
    }

    /// Checks that `detector` closed with TRANSPORT_PARAMETER_ERROR and its peer heard so.
    func expectParameterError(detectedBy detector: EndpointRole,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        let detectorEvents = detector == .client ? self.clientEvents : self.serverEvents
        let peerEvents = detector == .client ? self.serverEvents : self.clientEvents
        let detected = detectorEvents.compactMap { event -> TransportErrorCode? in
            guard case .closed(.localTransport(let error)) = event else { return nil }
            return error.code
        }
        let heard = peerEvents.compactMap { event -> TransportErrorCode? in
            guard case .closed(.peerTransport(let code, _, _)) = event else { return nil }
            return code
        }
        #expect(detected == [.transportParameterError], "\(detectorEvents)", sourceLocation: sourceLocation)
        #expect(heard == [.transportParameterError], "\(peerEvents)", sourceLocation: sourceLocation)
    }
}

@Suite("Transport parameter violations")
struct TransportParameterViolationTests {
    static func tamper(_ change: @escaping (inout TransportParameters) -> Void) -> (TransportParameters) -> [UInt8] {
        { parameters in
            var parameters = parameters
            change(&parameters)
            return parameters.encoded
        }
    }

    @Test func untouchedParametersComplete() throws {
        let handshake = try TamperedHandshake()
        handshake.run()
        #expect(handshake.client.isHandshakeComplete && handshake.server.isHandshakeComplete)
        #expect(!handshake.client.isClosed && !handshake.server.isClosed)
    }

    @Test func serverWithoutInitialSourceConnectionID() throws {
        let handshake = try TamperedHandshake(serverBytes: Self.tamper { $0.initialSourceConnectionID = nil })
        handshake.run()
        handshake.expectParameterError(detectedBy: .client)
    }

    @Test func serverInitialSourceConnectionIDMismatch() throws {
        let handshake = try TamperedHandshake(serverBytes: Self.tamper {
            $0.initialSourceConnectionID = ConnectionID(literal: [1, 2, 3, 4])
        })
        handshake.run()
        handshake.expectParameterError(detectedBy: .client)
    }

    @Test func serverOriginalDestinationConnectionIDMismatch() throws {
        let handshake = try TamperedHandshake(serverBytes: Self.tamper {
            $0.originalDestinationConnectionID = ConnectionID(literal: [9, 9, 9, 9, 9, 9, 9, 9])
        })
        handshake.run()
        handshake.expectParameterError(detectedBy: .client)
    }

    @Test func serverWithoutOriginalDestinationConnectionID() throws {
        let handshake = try TamperedHandshake(serverBytes: Self.tamper { $0.originalDestinationConnectionID = nil })
        handshake.run()
        handshake.expectParameterError(detectedBy: .client)
    }

    @Test func serverRetrySourceConnectionIDWithoutRetry() throws {
        let handshake = try TamperedHandshake(serverBytes: Self.tamper {
            $0.retrySourceConnectionID = ConnectionID(literal: [5, 5, 5, 5])
        })
        handshake.run()
        handshake.expectParameterError(detectedBy: .client)
    }

    @Test func serverActiveConnectionIDLimitBelowTwo() throws {
        let handshake = try TamperedHandshake(serverBytes: Self.tamper { $0.activeConnectionIDLimit = 1 })
        handshake.run()
        handshake.expectParameterError(detectedBy: .client)
    }

    @Test func serverMaxUDPPayloadSizeBelow1200() throws {
        let handshake = try TamperedHandshake(serverBytes: Self.tamper { $0.maxUDPPayloadSize = 1_199 })
        handshake.run()
        handshake.expectParameterError(detectedBy: .client)
    }

    @Test func serverAckDelayExponentAbove20() throws {
        let handshake = try TamperedHandshake(serverBytes: Self.tamper { $0.ackDelayExponent = 21 })
        handshake.run()
        handshake.expectParameterError(detectedBy: .client)
    }

    @Test func serverRepeatsAParameter() throws {
        // initial_max_data (0x04) a second time.
        let handshake = try TamperedHandshake(serverBytes: { $0.encoded + [0x04, 0x01, 0x05] })
        handshake.run()
        handshake.expectParameterError(detectedBy: .client)
    }

    @Test func clientSendsAServerOnlyParameter() throws {
        let handshake = try TamperedHandshake(clientBytes: Self.tamper {
            $0.statelessResetToken = StatelessResetToken(high: 1, low: 2)
        })
        handshake.run()
        handshake.expectParameterError(detectedBy: .server)
    }

    @Test func clientSendsOriginalDestinationConnectionID() throws {
        let handshake = try TamperedHandshake(clientBytes: Self.tamper {
            $0.originalDestinationConnectionID = ConnectionID(literal: [1, 2, 3, 4, 5, 6, 7, 8])
        })
        handshake.run()
        handshake.expectParameterError(detectedBy: .server)
    }

    @Test func clientWithoutInitialSourceConnectionID() throws {
        let handshake = try TamperedHandshake(clientBytes: Self.tamper { $0.initialSourceConnectionID = nil })
        handshake.run()
        handshake.expectParameterError(detectedBy: .server)
    }
}
