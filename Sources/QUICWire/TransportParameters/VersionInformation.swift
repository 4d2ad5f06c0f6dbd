/// The version_information transport parameter (RFC 9368 §3): the version the sender chose for this
/// connection and the versions it would have accepted, for compatible version negotiation and downgrade
/// detection.
///
/// ```
/// Version Information {
///   Chosen Version (32),
///   Available Versions (32) ...,
/// }
/// ```
public struct VersionInformation: Hashable, Sendable {
    /// RFC 9368 §3: "The version that the sender has chosen to use for this connection."
    public var chosenVersion: QUICVersion
    /// From a client, "all the versions that this first flight is compatible with, ordered by descending
    /// preference"; from a server, "all the Fully Deployed Versions of this server deployment" (RFC 9368 §3).
    public var availableVersions: [QUICVersion]

    public init(chosenVersion: QUICVersion, availableVersions: [QUICVersion]) {
        self.chosenVersion = chosenVersion
        self.availableVersions = availableVersions
    }

    /// Decodes the parameter's value, which fills `reader`.
    ///
    /// RFC 9368 §4: "If that leads to a parsing failure (for example, if it is too short or if its length is not
    /// divisible by four), then the endpoint MUST close the connection; if the connection was using QUIC version
    /// 1, that connection closure MUST use a transport error of type TRANSPORT_PARAMETER_ERROR. If an endpoint
    /// receives a Chosen Version equal to zero, or any Available Version equal to zero, it MUST treat it as a
    /// parsing failure. If a server receives Version Information where the Chosen Version is not included in
    /// Available Versions, it MUST treat it as a parsing failure."
    ///
    /// - Parameter sender: who sent it; only a client's list must contain its Chosen Version.
    static func decode(from reader: inout ByteReader, sender: EndpointRole) throws(WireError) -> VersionInformation {
        guard reader.remaining >= 4, reader.remaining % 4 == 0 else {
            throw WireError(.malformed, code: .transportParameterError,
                            reason: "version_information of \(reader.remaining) bytes is not a list of 4-byte versions")
        }
        let chosen = QUICVersion(rawValue: try reader.readUInt32())
        guard chosen != .negotiation else {
            throw WireError(.outOfRange, code: .transportParameterError, reason: "version_information chose version 0")
        }
        var available: [QUICVersion] = []
        available.reserveCapacity(min(reader.remaining / 4, 64))
        while !reader.isAtEnd {
            let version = QUICVersion(rawValue: try reader.readUInt32())
            guard version != .negotiation else {
                throw WireError(.outOfRange, code: .transportParameterError,
                                reason: "version_information lists version 0 as available")
            }
            available.append(version)
        }
        if sender == .client, !available.contains(chosen) {
            throw WireError(.notPermitted, code: .transportParameterError,
                            reason: "the client's version_information does not list its Chosen Version \(chosen)")
        }
        return VersionInformation(chosenVersion: chosen, availableVersions: available)
    }

    func encode(to writer: inout ByteWriter) {
        writer.writeUInt32(self.chosenVersion.rawValue)
        for version in self.availableVersions {
            writer.writeUInt32(version.rawValue)
        }
    }

    var encodedLength: Int { 4 * (1 + self.availableVersions.count) }
}

extension QUICVersion {
    /// Whether a first flight of this version can be converted into one of `other` (RFC 9368 §2.2), which
    /// makes compatible version negotiation between them possible.
    ///
    /// RFC 9368 §2.2: "Implementations MUST NOT assume compatibility between versions unless explicitly
    /// specified." RFC 9369 §4.1 specifies it for QUIC versions 1 and 2: "Compatible version negotiation
    /// between versions 1 and 2 follow the same requirements in either direction."
    public func isCompatible(with other: QUICVersion) -> Bool {
        self == other || (self == .v1 && other == .v2) || (self == .v2 && other == .v1)
    }
}
