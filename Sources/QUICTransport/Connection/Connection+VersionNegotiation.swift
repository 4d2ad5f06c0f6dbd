import QUICCrypto
import QUICRecovery
import QUICTLS
import QUICWire

/// Where a connection stands in version negotiation (RFC 9368, with RFC 9369 §4 for versions 1 and 2).
///
/// `Connection.version` is the version in use: the Negotiated Version once negotiation is over. This state keeps
/// what the rules need besides it.
struct VersionNegotiationState {
    /// The client's Chosen Version: the version of this connection's first flight (RFC 9368 §1.2). A server
    /// reads the client's Initial and 0-RTT packets in it; a client keeps sending 0-RTT packets in it.
    var firstFlightVersion: QUICVersion
    /// Client: the server's packets moved the connection to another, compatible version.
    var switchedVersion = false
    /// Server: the version of the connection is settled (the client's ClientHello was read).
    var serverDecided = false
    /// Server: Initial CRYPTO bytes held back from TLS until the ClientHello is complete.
    var heldClientHello: [UInt8] = []
    /// Server: the Initial read keys of `firstFlightVersion`, kept after moving to another version.
    var firstFlightInitialReadKeys: PacketProtection?
    /// The TLS settings the handshake started with, to start it again with other transport parameters.
    var clientTLS: TLSClientConfiguration?
    var serverTLS: TLSServerConfiguration?

    init(version: QUICVersion) {
        self.firstFlightVersion = version
    }
}

/// How a long header packet in some version is opened.
struct LongHeaderVersionRoute {
    /// Initial read keys other than the current ones.
    var initialReadKeys: PacketProtection?
    /// Client: the version the connection moves to once this packet authenticates, with its Initial write keys.
    var switchTo: (version: QUICVersion, writeKeys: PacketProtection)?
}

extension Connection {
    /// The version_information a client sends with a first flight in `chosen`.
    ///
    /// RFC 9368 §3: "When sent by a client, the Available Versions field lists all the versions that this first
    /// flight is compatible with, ordered by descending preference. Note that the version in the Chosen Version
    /// field MUST be included in this list to allow the client to communicate the Chosen Version's preference."
    static func clientVersionInformation(_ configuration: ConnectionConfiguration,
                                         chosen: QUICVersion) -> VersionInformation? {
        guard configuration.sendsVersionInformation else { return nil }
        var available: [QUICVersion] = []
        for version in configuration.supportedVersions
        where version.isCompatible(with: chosen) && !available.contains(version) {
            available.append(version)
        }
        if !available.contains(chosen) {
            available.insert(chosen, at: 0)
        }
        return VersionInformation(chosenVersion: chosen, availableVersions: available)
    }

    /// The version_information a server sends for a connection in `version`.
    ///
    /// RFC 9368 §3: "When sent by a server, the Available Versions field lists all the Fully Deployed Versions of
    /// this server deployment [...] Note that the version in the Chosen Version field is not necessarily
    /// included in this list".
    static func serverVersionInformation(_ configuration: ConnectionConfiguration,
                                         version: QUICVersion) -> VersionInformation {
        let available = configuration.serverSupportedVersions?.filter { !$0.isReserved } ?? [version]
        return VersionInformation(chosenVersion: version, availableVersions: available)
    }

    /// Initial packet protection of `version` for both directions, from the connection ID Initial keys derive from.
    func initialKeys(for version: QUICVersion) throws(TransportError) -> (read: PacketProtection,
                                                                           write: PacketProtection) {
        do {
            let secrets = try InitialSecrets(version: version, destinationConnectionID: self.initialKeysConnectionID)
            let client = try secrets.clientProtection()
            let server = try secrets.serverProtection()
            return self.role == .client ? (server, client) : (client, server)
        } catch {
            throw TransportError(.internalError, reason: "\(version) Initial keys: \(error)")
        }
    }

    /// The version field of the long header packets this endpoint sends at `level`.
    ///
    /// RFC 9369 §4.1: "The client MUST NOT send 0-RTT packets using the negotiated version, even after
    /// processing a packet of that version from the server."
    func longHeaderVersion(for level: EncryptionLevel) -> QUICVersion {
        level == .zeroRTT ? self.versionNegotiation.firstFlightVersion : self.version
    }

    // MARK: - Receiving packets of another version

    /// Whether a long header packet is for this connection in its version, and how to open it; nil drops it.
    func route(of header: LongHeader) -> LongHeaderVersionRoute? {
        let state = self.versionNegotiation
        if header.type == .zeroRTT {
            // RFC 9369 §4.1: "Servers can accept 0-RTT and then process 0-RTT packets from the original version."
            return header.version == state.firstFlightVersion ? LongHeaderVersionRoute() : nil
        }
        if header.version == self.version {
            return LongHeaderVersionRoute()
        }
        switch self.role {
        case .server:
            // RFC 9369 §4.1: "The server MUST NOT discard its original version Initial receive keys until it
            // successfully processes a packet with the negotiated version." They go with the other Initial keys.
            guard header.type == .initial, header.version == state.firstFlightVersion,
                  let keys = state.firstFlightInitialReadKeys else { return nil }
            return LongHeaderVersionRoute(initialReadKeys: keys)
        case .client:
            return self.clientRoute(ofOtherVersion: header)
        }
    }

    /// A client's first packets from the server may be in a compatible version it offered: RFC 9368 §2.3, "An
    /// example of such a mechanism is to have the client determine the server's Negotiated Version by examining
    /// the QUIC long header Version field", which RFC 9369 §4 uses for versions 1 and 2.
    ///
    /// The connection moves only once such an Initial authenticates with that version's keys, and only until
    /// the ServerHello was read (then the version is settled). A Handshake packet of that version waits with the
    /// other undecryptable ones until the Initial carrying the ServerHello arrives.
    private func clientRoute(ofOtherVersion header: LongHeader) -> LongHeaderVersionRoute? {
        let handshake = self.spaces[PacketNumberSpace.handshake.rawValue]
        guard !self.versionNegotiation.switchedVersion, handshake.readKeys == nil, !handshake.isDiscarded,
              let offered = self.localParameters.versionInformation?.availableVersions,
              offered.contains(header.version), header.version.isCompatible(with: self.version) else { return nil }
        switch header.type {
        case .handshake:
            return LongHeaderVersionRoute()
        case .initial:
            guard let keys = try? self.initialKeys(for: header.version) else { return nil }
            return LongHeaderVersionRoute(initialReadKeys: keys.read, switchTo: (header.version, keys.write))
        case .zeroRTT, .retry:
            return nil
        }
    }

    /// Client: an Initial of the server's Negotiated Version authenticated.
    ///
    /// RFC 9369 §4.1: "Once the client has processed a packet using the negotiated version, it SHOULD send
    /// subsequent Initial packets using that version." and "Both endpoints MUST send Handshake or 1-RTT packets
    /// using the negotiated version."
    func switchToNegotiatedVersion(_ version: QUICVersion, readKeys: PacketProtection, writeKeys: PacketProtection) {
        self.versionNegotiation.switchedVersion = true
        self.version = version
        let index = PacketNumberSpace.initial.rawValue
        self.spaces[index].readKeys = readKeys
        self.spaces[index].writeKeys = writeKeys
    }

    // MARK: - Server: choosing the version from the ClientHello

    /// Server: holds the client's Initial CRYPTO data until its ClientHello is complete, then settles the version
    /// and returns everything held for TLS; nil while the ClientHello is still incomplete.
    func holdClientHello(_ bytes: [UInt8], now: QUICInstant) throws(TransportError) -> [UInt8]? {
        self.versionNegotiation.heldClientHello.append(contentsOf: bytes)
        let held = self.versionNegotiation.heldClientHello
        guard held.count >= RawHandshakeMessage.headerLength else { return nil }
        let length = Int(held[1]) << 16 | Int(held[2]) << 8 | Int(held[3])
        let messageEnd = RawHandshakeMessage.headerLength + length
        // Not a ClientHello, or one larger than CRYPTO data may grow: TLS refuses it without any negotiation.
        let plausible = held[0] == 1 && UInt64(messageEnd) <= Connection.cryptoBufferLimit
        guard held.count >= messageEnd || !plausible else { return nil }
        self.versionNegotiation.heldClientHello = []
        self.versionNegotiation.serverDecided = true
        if plausible,
           let information = Connection.clientVersionInformation(inClientHello: Array(held[..<messageEnd])) {
            try self.negotiateVersion(offered: information, now: now)
        }
        return held
    }

    /// The version_information of a ClientHello; nil when the message, its transport parameters or the parameter
    /// is missing or malformed (TLS and the transport parameter checks then report what is wrong).
    private static func clientVersionInformation(inClientHello message: [UInt8]) -> VersionInformation? {
        guard case .clientHello(let hello)? = try? HandshakeMessage(decoding: message),
              case .quicTransportParameters(let bytes)? = hello.extensions.first(ofType: .quicTransportParameters),
              let parameters = try? TransportParameters.decode(bytes[...], sender: .client) else { return nil }
        return parameters.versionInformation
    }

    /// Server: picks the Negotiated Version and, when it differs from the first flight's, answers in it from now
    /// on: its Initial keys, its version_information, and a handshake whose transport parameters carry it.
    ///
    /// RFC 9368 §2.3: "In order to perform compatible version negotiation, the server MUST select one of these
    /// versions that it (1) supports and (2) knows the client's Chosen Version is compatible with. This selected
    /// version is now the Negotiated Version. After selecting it, the server attempts to convert the client's
    /// first flight into that version and replies to the client as if it had received the converted first
    /// flight." Its preference decides among them: "Note that this preference is only advisory; servers MAY
    /// choose to use their own preference instead" (§3).
    ///
    /// RFC 9369 §4.1: "The server SHOULD start sending its Initial packets using the negotiated version as soon
    /// as it decides to change."
    private func negotiateVersion(offered: VersionInformation, now: QUICInstant) throws(TransportError) {
        let firstFlight = self.versionNegotiation.firstFlightVersion
        // A Chosen Version other than the packets' is refused once the parameters are applied (RFC 9368 §4).
        guard offered.chosenVersion == firstFlight, let preference = self.configuration.serverSupportedVersions,
              let negotiated = preference.first(where: { version in
                  offered.availableVersions.contains(version) && firstFlight.isCompatible(with: version)
                      && version.isSupported
              }),
              negotiated != firstFlight, var tls = self.versionNegotiation.serverTLS else { return }
        let keys = try self.initialKeys(for: negotiated)
        let index = PacketNumberSpace.initial.rawValue
        self.versionNegotiation.firstFlightInitialReadKeys = self.spaces[index].readKeys
        self.spaces[index].readKeys = keys.read
        self.spaces[index].writeKeys = keys.write
        self.version = negotiated
        self.localParameters.versionInformation = Connection.serverVersionInformation(self.configuration,
                                                                                      version: negotiated)
        tls.common.transportParameters = self.localParameters.encoded
        self.tls = TLSServerHandshake(configuration: tls, nowMilliseconds: now.nanosecondsSinceOrigin / 1_000_000)
    }

    // MARK: - Client: incompatible version negotiation

    /// Client: starts the handshake again in `version` after a Version Negotiation packet.
    ///
    /// RFC 9368 §2.4: "the incompatible version negotiation mechanism, which leverages QUIC Version Negotiation
    /// packets [...], conceptually operates across two QUIC connections". The new first flight is a new
    /// ClientHello whose version_information names the new Chosen Version; the old attempt's Initial data is
    /// forgotten, and so is its 0-RTT data, which goes again in 1-RTT packets (RFC 9368 §6: "the second
    /// connection that is created in response to the received Version Negotiation packet MUST restart its
    /// application-layer protocol negotiation process without taking into account the Original Version").
    func restartFirstFlight(in version: QUICVersion, now: QUICInstant) throws(TransportError) {
        self.didVersionNegotiation = true
        self.version = version
        self.versionNegotiation.firstFlightVersion = version
        try self.installInitialKeys()
        let index = PacketNumberSpace.initial.rawValue
        var removed: [SentPacket<SentPacketContents>] = []
        self.path.recovery.discard(space: .initial, into: &removed)
        self.spaces[index].cryptoSend = StreamSendBuffer()
        if self.spaces[PacketNumberSpace.applicationData.rawValue].writeKeys != nil {
            self.onEarlyDataRejected(now: now)
            self.emit(.earlyData(accepted: false))
        }
        guard var tls = self.versionNegotiation.clientTLS else {
            throw TransportError(.internalError, reason: "no TLS settings to start again in \(version)")
        }
        self.localParameters.versionInformation = Connection.clientVersionInformation(self.configuration,
                                                                                      chosen: version)
        tls.common.transportParameters = self.localParameters.encoded
        // RFC 9368 §7.2 asks that session tickets be "tightly scoped to one version of QUIC".
        tls.sessionTicket = nil
        tls.attemptEarlyData = false
        do {
            self.tls = try TLSClientHandshake(configuration: tls,
                                              nowMilliseconds: now.nanosecondsSinceOrigin / 1_000_000)
        } catch {
            throw error.transportError
        }
        try self.driveTLS(now: now)
    }

    // MARK: - Checking the peer's version_information

    /// Checks the peer's version_information against the version in use and, on a client, against what the
    /// client offered and any Version Negotiation it followed (RFC 9368 §4). Failures are
    /// VERSION_NEGOTIATION_ERROR: "For QUIC version 1, version negotiation errors are signaled using a transport
    /// error of type VERSION_NEGOTIATION_ERROR".
    func validatePeerVersionInformation(_ information: VersionInformation?) throws(TransportError) {
        switch self.role {
        case .server:
            // RFC 9368 §4: "When the server then processes the client's Version Information, the server MUST
            // validate that the client's Chosen Version matches the version in use for the connection. If the
            // two differ, the server MUST close the connection with a version negotiation error." The version in
            // use is that of the long headers that carried the ClientHello. "Servers MAY complete the handshake
            // even if the Version Information is missing."
            let firstFlight = self.versionNegotiation.firstFlightVersion
            if let information, information.chosenVersion != firstFlight {
                throw TransportError(.versionNegotiationError, reason: "the client's Chosen Version "
                    + "\(information.chosenVersion) is not the version of its Initial packets, \(firstFlight)")
            }
        case .client:
            try self.validateServerVersionInformation(information)
        }
    }

    private func validateServerVersionInformation(_ information: VersionInformation?) throws(TransportError) {
        let reacted = self.didVersionNegotiation
        guard var information else {
            // RFC 9368 §8: "if a client is starting a QUIC version 1 connection in response to a received Version
            // Negotiation packet and the version_information transport parameter is missing from the server's
            // transport parameters, then the client SHALL proceed as if the server's transport parameters
            // contained a version_information transport parameter with a Chosen Version set to 0x00000001 and
            // an Available Version list containing exactly one version set to 0x00000001."
            if reacted, self.version == .v1 {
                try self.validateServerVersionInformation(VersionInformation(chosenVersion: .v1,
                                                                             availableVersions: [.v1]))
                return
            }
            // RFC 9368 §4: "If a client has reacted to a Version Negotiation packet and the server's Version
            // Information was missing, the client MUST close the connection with a version negotiation error."
            // RFC 9369 §4.1: "If the server's version_information transport parameter does not contain a Chosen
            // Version field equivalent to the version in the server's Handshake packet headers, the client MUST
            // terminate the connection with a VERSION_NEGOTIATION_ERROR."
            guard !reacted, !self.versionNegotiation.switchedVersion else {
                throw TransportError(.versionNegotiationError, reason: "the server sent no version_information")
            }
            return
        }
        information.availableVersions.removeAll { $0.isReserved }
        // RFC 9368 §4: "clients MUST validate that the server's Chosen Version is equal to the Negotiated Version;
        // if they do not match, the client MUST close the connection with a version negotiation error."
        guard information.chosenVersion == self.version else {
            throw TransportError(.versionNegotiationError, reason: "the server's Chosen Version "
                + "\(information.chosenVersion) is not the version of its packets, \(self.version)")
        }
        // RFC 9368 §4: "If a client receives Version Information where the server's Chosen Version was not sent by
        // the client as part of its Available Versions, the client MUST close the connection with a version
        // negotiation error."
        let firstFlight = self.versionNegotiation.firstFlightVersion
        let offered = self.localParameters.versionInformation?.availableVersions ?? [firstFlight]
        guard offered.contains(information.chosenVersion) else {
            throw TransportError(.versionNegotiationError, reason: "the server chose "
                + "\(information.chosenVersion), which this client did not offer")
        }
        guard reacted else { return }
        // RFC 9368 §4: "If the client received and acted on a Version Negotiation packet, the client MUST validate
        // the server's Available Versions field. [...] the client would have selected the same version if it
        // received a Version Negotiation packet that listed the versions in the server's Available Versions
        // field, plus the Negotiated Version. If the client would have selected a different version, the client
        // MUST close the connection with a version negotiation error. In particular, if the client reacted to a
        // Version Negotiation packet and the server's Available Versions field is empty, the client MUST close
        // the connection with a version negotiation error."
        let listed = information.availableVersions + [self.version]
        let attempted = self.versionNegotiation.firstFlightVersion
        guard !information.availableVersions.isEmpty,
              self.configuration.supportedVersions.first(where: listed.contains) == attempted else {
            throw TransportError(.versionNegotiationError, reason: "the server's Available Versions "
                + "\(information.availableVersions.map(\.description)) show the Version Negotiation packet that "
                + "moved this client to \(attempted) was not genuine")
        }
    }
}
