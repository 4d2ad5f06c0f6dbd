extension TransportParameters {
    /// Encodes the parameters that differ from their defaults, then `unknownParameters` (for example
    /// grease) in their order.
    public func encode(to writer: inout ByteWriter) {
        func integer(_ id: UInt64, _ value: UInt64, default defaultValue: UInt64) {
            guard value != defaultValue else { return }
            writer.writeVarInt(id)
            writer.writeVarInt(VarInt.encodedLength(value))
            writer.writeVarInt(value)
        }
        func connectionID(_ id: UInt64, _ value: ConnectionID?) {
            guard let value else { return }
            writer.writeVarInt(id)
            writer.writeVarInt(value.length)
            value.write(to: &writer)
        }
        func flag(_ id: UInt64, _ value: Bool) {
            guard value else { return }
            writer.writeVarInt(id)
            writer.writeVarInt(0)
        }
        typealias ID = TransportParameterID
        connectionID(ID.originalDestinationConnectionID, self.originalDestinationConnectionID)
        integer(ID.maxIdleTimeout, self.maxIdleTimeout, default: 0)
        if let token = self.statelessResetToken {
            writer.writeVarInt(ID.statelessResetToken)
            writer.writeVarInt(StatelessResetToken.length)
            token.write(to: &writer)
        }
        integer(ID.maxUDPPayloadSize, self.maxUDPPayloadSize, default: 65_527)
        integer(ID.initialMaxData, self.initialMaxData, default: 0)
        integer(ID.initialMaxStreamDataBidiLocal, self.initialMaxStreamDataBidiLocal, default: 0)
        integer(ID.initialMaxStreamDataBidiRemote, self.initialMaxStreamDataBidiRemote, default: 0)
        integer(ID.initialMaxStreamDataUni, self.initialMaxStreamDataUni, default: 0)
        integer(ID.initialMaxStreamsBidi, self.initialMaxStreamsBidi, default: 0)
        integer(ID.initialMaxStreamsUni, self.initialMaxStreamsUni, default: 0)
        integer(ID.ackDelayExponent, self.ackDelayExponent, default: 3)
        integer(ID.maxAckDelay, self.maxAckDelay, default: 25)
        flag(ID.disableActiveMigration, self.disableActiveMigration)
        if let address = self.preferredAddress {
            writer.writeVarInt(ID.preferredAddress)
            writer.writeVarInt(address.encodedLength)
            address.encode(to: &writer)
        }
        integer(ID.activeConnectionIDLimit, self.activeConnectionIDLimit, default: 2)
        connectionID(ID.initialSourceConnectionID, self.initialSourceConnectionID)
        connectionID(ID.retrySourceConnectionID, self.retrySourceConnectionID)
        if let information = self.versionInformation {
            writer.writeVarInt(ID.versionInformation)
            writer.writeVarInt(information.encodedLength)
            information.encode(to: &writer)
        }
        if let size = self.maxDatagramFrameSize {
            integer(ID.maxDatagramFrameSize, size, default: .max)
        }
        flag(ID.greaseQUICBit, self.greaseQUICBit)
        if let delay = self.minAckDelay {
            integer(ID.minAckDelay, delay, default: .max)
        }
        if let pathID = self.initialMaxPathID {
            integer(ID.initialMaxPathID, UInt64(pathID), default: .max)
        }
        for parameter in self.unknownParameters {
            writer.writeVarInt(parameter.id)
            writer.writeVarIntPrefixedBytes(parameter.value)
        }
    }

    /// The encoded bytes.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 128)
        self.encode(to: &writer)
        return writer.bytes
    }

    /// Decodes the parameters a peer sent, checking every rule that can be checked on the parameters
    /// alone; every failure is TRANSPORT_PARAMETER_ERROR (RFC 9000 §7.4: "An endpoint MUST treat receipt of
    /// a transport parameter with an invalid value as a connection error of type
    /// TRANSPORT_PARAMETER_ERROR").
    ///
    /// Left to the connection, which knows the handshake: matching the connection IDs against those of the
    /// packets (RFC 9000 §7.3), the required presence of initial_source_connection_id and, from a server,
    /// original_destination_connection_id, and multipath's requirement of non-zero-length connection IDs
    /// (draft-ietf-quic-multipath-21 §2.1, a PROTOCOL_VIOLATION).
    ///
    /// - Parameter sender: who sent the parameters; a client may not send server-only ones.
    public static func decode(_ bytes: ArraySlice<UInt8>, sender: EndpointRole) throws(WireError) -> TransportParameters {
        do {
            return try self.decodeUnchecked(bytes, sender: sender)
        } catch {
            throw error.withCode(.transportParameterError)
        }
    }

    private static func decodeUnchecked(_ bytes: ArraySlice<UInt8>,
                                        sender: EndpointRole) throws(WireError) -> TransportParameters {
        typealias ID = TransportParameterID
        var parameters = TransportParameters()
        var reader = ByteReader(bytes)
        var seen: UInt32 = 0
        var seenUnknown: [UInt64] = []
        while !reader.isAtEnd {
            let id = try reader.readVarInt()
            var value = try reader.readSubReader(try reader.readVarIntLength(limit: reader.remaining))
            // RFC 9000 §7.4: "An endpoint MUST NOT send a parameter more than once in a given transport
            // parameters extension. An endpoint SHOULD treat receipt of duplicate transport parameters as a
            // connection error of type TRANSPORT_PARAMETER_ERROR."
            if let bit = ID.bit(for: id) {
                guard seen & bit == 0 else {
                    throw WireError(.duplicate, reason: "transport parameter 0x\(String(id, radix: 16)) repeated")
                }
                seen |= bit
            } else {
                guard !seenUnknown.contains(id) else {
                    throw WireError(.duplicate, reason: "transport parameter 0x\(String(id, radix: 16)) repeated")
                }
                seenUnknown.append(id)
            }
            // RFC 9000 §18.2: "A client MUST NOT include any server-only transport parameter [...] A server
            // MUST treat receipt of any of these transport parameters as a connection error of type
            // TRANSPORT_PARAMETER_ERROR."
            if sender == .client, ID.isServerOnly(id) {
                throw WireError(.notPermitted, reason: "client sent server-only parameter 0x\(String(id, radix: 16))")
            }
            try parameters.apply(id: id, value: &value, sender: sender)
            guard value.isAtEnd else {
                throw WireError(.malformed, reason: "transport parameter 0x\(String(id, radix: 16)) has trailing bytes")
            }
        }
        try parameters.validate()
        return parameters
    }

    private mutating func apply(id: UInt64, value: inout ByteReader, sender: EndpointRole) throws(WireError) {
        typealias ID = TransportParameterID
        switch id {
        case ID.originalDestinationConnectionID:
            self.originalDestinationConnectionID = try ConnectionID(value.readRemainingBytes())
        case ID.maxIdleTimeout: self.maxIdleTimeout = try Self.integer(&value)
        case ID.statelessResetToken:
            self.statelessResetToken = try StatelessResetToken(value.readRemainingBytes())
        case ID.maxUDPPayloadSize: self.maxUDPPayloadSize = try Self.integer(&value)
        case ID.initialMaxData: self.initialMaxData = try Self.integer(&value)
        case ID.initialMaxStreamDataBidiLocal: self.initialMaxStreamDataBidiLocal = try Self.integer(&value)
        case ID.initialMaxStreamDataBidiRemote: self.initialMaxStreamDataBidiRemote = try Self.integer(&value)
        case ID.initialMaxStreamDataUni: self.initialMaxStreamDataUni = try Self.integer(&value)
        case ID.initialMaxStreamsBidi: self.initialMaxStreamsBidi = try Self.integer(&value)
        case ID.initialMaxStreamsUni: self.initialMaxStreamsUni = try Self.integer(&value)
        case ID.ackDelayExponent: self.ackDelayExponent = try Self.integer(&value)
        case ID.maxAckDelay: self.maxAckDelay = try Self.integer(&value)
        case ID.disableActiveMigration: self.disableActiveMigration = true
        case ID.preferredAddress: self.preferredAddress = try PreferredAddress.decode(from: &value)
        case ID.activeConnectionIDLimit: self.activeConnectionIDLimit = try Self.integer(&value)
        case ID.initialSourceConnectionID:
            self.initialSourceConnectionID = try ConnectionID(value.readRemainingBytes())
        case ID.retrySourceConnectionID:
            self.retrySourceConnectionID = try ConnectionID(value.readRemainingBytes())
        case ID.versionInformation:
            self.versionInformation = try VersionInformation.decode(from: &value, sender: sender)
        case ID.maxDatagramFrameSize: self.maxDatagramFrameSize = try Self.integer(&value)
        case ID.greaseQUICBit: self.greaseQUICBit = true
        case ID.minAckDelay: self.minAckDelay = try Self.integer(&value)
        case ID.initialMaxPathID:
            // draft-ietf-quic-multipath-21 §2.1: "If an initial_max_path_id transport parameter value higher
            // than 2^32-1 is received, the receiver MUST close the connection with an error of type
            // TRANSPORT_PARAMETER_ERROR."
            let pathID = try Self.integer(&value)
            guard pathID <= UInt64(UInt32.max) else {
                throw WireError(.outOfRange, reason: "initial_max_path_id \(pathID) exceeds 2^32-1")
            }
            self.initialMaxPathID = PathID(pathID)
        default:
            // RFC 9000 §7.4.2: "An endpoint MUST ignore transport parameters that it does not support."
            if !TransportParameterID.isGrease(id), self.unknownParameters.count < 16 {
                self.unknownParameters.append(UnknownTransportParameter(id: id, value: Array(value.readRemainingBytes())))
            } else {
                _ = value.readRemainingBytes()
            }
        }
    }

    /// A parameter holding one variable-length integer that fills it exactly.
    private static func integer(_ value: inout ByteReader) throws(WireError) -> UInt64 {
        let (number, length) = try value.readVarIntWithLength()
        guard value.isAtEnd else {
            throw WireError(.malformed, reason: "integer transport parameter with \(length + value.remaining) bytes")
        }
        return number
    }

    /// The value limits of RFC 9000 §18.2 and the extensions.
    private func validate() throws(WireError) {
        guard self.maxUDPPayloadSize >= 1_200 else {
            throw WireError(.outOfRange, reason: "max_udp_payload_size \(self.maxUDPPayloadSize) below 1200")
        }
        guard self.ackDelayExponent <= 20 else {
            throw WireError(.outOfRange, reason: "ack_delay_exponent \(self.ackDelayExponent) above 20")
        }
        guard self.maxAckDelay < 1 << 14 else {
            throw WireError(.outOfRange, reason: "max_ack_delay \(self.maxAckDelay) is 2^14 or more")
        }
        guard self.activeConnectionIDLimit >= 2 else {
            throw WireError(.outOfRange, reason: "active_connection_id_limit \(self.activeConnectionIDLimit) below 2")
        }
        // RFC 9000 §18.2: initial_max_streams_bidi / _uni: "If this parameter is received with a value greater
        // than 2^60 [...] the connection MUST be closed immediately with a connection error of type
        // TRANSPORT_PARAMETER_ERROR".
        guard self.initialMaxStreamsBidi <= Self.maximumStreamCount, self.initialMaxStreamsUni <= Self.maximumStreamCount
        else {
            throw WireError(.outOfRange, reason: "initial stream limit above 2^60")
        }
        // draft-ietf-quic-ack-frequency §3: "Endpoints that support this extension MUST treat receipt of a
        // min_ack_delay that is greater than the max_ack_delay as a connection error of type
        // TRANSPORT_PARAMETER_ERROR." (min_ack_delay is in microseconds, max_ack_delay in milliseconds.)
        if let minAckDelay = self.minAckDelay, minAckDelay > self.maxAckDelay * 1_000 {
            throw WireError(.outOfRange, reason: "min_ack_delay \(minAckDelay) µs exceeds max_ack_delay \(self.maxAckDelay) ms")
        }
    }
}
