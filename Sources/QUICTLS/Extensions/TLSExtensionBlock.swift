import QUICWire

/// Decodes and encodes a message's `Extension extensions<..>` block, enforcing the rules of RFC 8446 §4.2
/// that hold whatever the handshake state.
public enum TLSExtensionBlock {
    /// Reads an extension block whose length is a 2-byte prefix in `minLength...maxLength`.
    ///
    /// - Throws: decode_error for bad lengths; illegal_parameter for a duplicate type ("There MUST NOT
    ///   be more than one extension of the same type in a given extension block"), for a known extension
    ///   in a message the §4.2 table does not list it for ("If an implementation receives an extension
    ///   which it recognizes and which is not specified for the message in which it appears, it MUST
    ///   abort the handshake with an illegal_parameter alert"), and for a ClientHello pre_shared_key
    ///   that is not last (§4.2.11: it "MUST be the last extension in the ClientHello ... Servers MUST
    ///   check that it is the last extension and otherwise fail the handshake with an
    ///   illegal_parameter alert"); unsupported_extension for an unknown type in a message that carries
    ///   responses (see ``ExtensionContext/ignoresUnknownExtensions``).
    static func decode(
        from reader: inout TLSReader, minLength: Int, maxLength: Int = 0xffff, context: ExtensionContext
    ) throws(TLSAlert) -> [TLSExtension] {
        var block = try reader.readSubReader(lengthBytes: 2, min: minLength, max: maxLength, "extensions")
        var extensions: [TLSExtension] = []
        var seen = Set<UInt16>()
        while !block.isAtEnd {
            let type = ExtensionType(rawValue: try block.readUInt16("extension_type"))
            let payload = try block.readVector(lengthBytes: 2, min: 0, max: 0xffff, "extension_data")
            guard seen.insert(type.rawValue).inserted else {
                throw TLSAlert.illegalParameter("duplicate \(type) extension")
            }
            if let permitted = type.permittedMessages {
                guard permitted.contains(context) else {
                    throw TLSAlert.illegalParameter("\(type) extension not allowed in \(context)")
                }
            } else if !context.ignoresUnknownExtensions {
                throw TLSAlert(.unsupportedExtension, reason: "unsolicited \(type) in \(context)")
            }
            if type == .preSharedKey, context == .clientHello, !block.isAtEnd {
                throw TLSAlert.illegalParameter("pre_shared_key is not the last ClientHello extension")
            }
            extensions.append(try TLSExtension.decode(type: type, payload: payload, context: context))
        }
        return extensions
    }

    /// Decodes `bytes`, which must be exactly one extension block (2-byte length, then the extensions),
    /// as found in a message of kind `context`; for example the Certificate entry extensions a later
    /// step re-reads. Throws as ``decode(from:minLength:maxLength:context:)`` does.
    public static func decode(
        _ bytes: ArraySlice<UInt8>, context: ExtensionContext
    ) throws(TLSAlert) -> [TLSExtension] {
        var reader = TLSReader(bytes)
        let extensions = try self.decode(from: &reader, minLength: 0, context: context)
        try reader.expectEnd("extensions")
        return extensions
    }

    /// Writes `extensions` with their 2-byte block length.
    public static func encode(_ extensions: [TLSExtension], to writer: inout ByteWriter) {
        writer.writeTLSVector(lengthBytes: 2) { block in
            for item in extensions {
                item.encode(to: &block)
            }
        }
    }
}

extension Array where Element == TLSExtension {
    /// The first extension of `type`, if present.
    public func first(ofType type: ExtensionType) -> TLSExtension? {
        self.first { $0.type == type }
    }
}
