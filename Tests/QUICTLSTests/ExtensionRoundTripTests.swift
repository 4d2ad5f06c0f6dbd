import QUICWire
import Testing

@testable import QUICTLS

@Suite("Extension round trips")
struct ExtensionRoundTripTests {
    /// Every typed extension, in a message that allows it, including the largest and smallest sizes the
    /// RFC's vector bounds allow.
    static let cases: [(TLSExtension, ExtensionContext)] = [
        (.serverName([ServerName(hostName: "a")]), .clientHello),
        (.serverName([ServerName(name: [UInt8](repeating: 0x61, count: 0xffff - 5))]), .clientHello),
        (.serverNameAcknowledged, .encryptedExtensions),
        (.supportedGroups([.x25519]), .clientHello),
        (.supportedGroups([.x25519MLKEM768, .secp256r1, .x25519]), .encryptedExtensions),
        (.signatureAlgorithms([.ed25519]), .clientHello),
        (.signatureAlgorithms([SignatureScheme](repeating: .ed25519, count: 32_766)), .certificateRequest),
        (.signatureAlgorithmsCert([.rsaPSSRSAESHA256, .ecdsaSecp256r1SHA256]), .clientHello),
        (.applicationLayerProtocolNegotiation([[UInt8](repeating: 0x68, count: 255), [0x68]]), .clientHello),
        (.applicationLayerProtocolNegotiation([Array("h3".utf8)]), .encryptedExtensions),
        (.supportedVersions([.tls13]), .clientHello),
        (.supportedVersions([TLSVersion](repeating: .tls13, count: 127)), .clientHello),
        (.selectedVersion(.tls13), .serverHello),
        (.selectedVersion(.tls13), .helloRetryRequest),
        (.keyShares([]), .clientHello),
        (.keyShares([KeyShareEntry(group: .x25519MLKEM768, keyExchange: [UInt8](repeating: 1, count: 1216))]),
         .clientHello),
        (.serverKeyShare(KeyShareEntry(group: .x25519, keyExchange: [9])), .serverHello),
        (.selectedGroup(.x25519MLKEM768), .helloRetryRequest),
        (.pskKeyExchangeModes([.pskDHE]), .clientHello),
        (.pskKeyExchangeModes([PSKKeyExchangeMode](repeating: .psk, count: 255)), .clientHello),
        (.preSharedKey(OfferedPSKs(identities: [PSKIdentity(identity: [1], obfuscatedTicketAge: 0)],
                                   binders: [[UInt8](repeating: 0, count: 32)])), .clientHello),
        (.preSharedKey(OfferedPSKs(identities: [PSKIdentity(identity: [1], obfuscatedTicketAge: .max)],
                                   binders: [[UInt8](repeating: 0, count: 255)])), .clientHello),
        (.selectedPreSharedKey(0), .serverHello),
        (.selectedPreSharedKey(.max), .serverHello),
        (.earlyData, .clientHello),
        (.earlyData, .encryptedExtensions),
        (.maxEarlyDataSize(TLSExtension.quicMaxEarlyDataSize), .newSessionTicket),
        (.maxEarlyDataSize(0), .newSessionTicket),
        (.cookie([0]), .helloRetryRequest),
        (.cookie([UInt8](repeating: 0xc0, count: 0xffff - 2)), .clientHello),
        (.quicTransportParameters([]), .clientHello),
        (.quicTransportParameters([0x04, 0x04, 0x80, 0x10, 0x00, 0x00]), .encryptedExtensions),
        (.certificateAuthorities([[0x30]]), .certificateRequest),
        (.certificateAuthorities([[0x30, 0x00], [0x31]]), .clientHello),
        (.other(type: .statusRequest, data: [1, 0, 0, 0, 0]), .certificate),
        (.other(type: ExtensionType(rawValue: 0xfafa), data: []), .clientHello),
    ]

    @Test func everyExtensionRoundTrips() throws {
        for (item, context) in Self.cases {
            var writer = ByteWriter()
            item.encode(to: &writer)
            let bytes = writer.bytes
            #expect(UInt16(bytes[0]) << 8 | UInt16(bytes[1]) == item.type.rawValue)
            #expect(Int(bytes[2]) << 8 | Int(bytes[3]) == bytes.count - 4)
            let decoded = try TLSExtension.decode(type: item.type, payload: bytes.dropFirst(4), context: context)
            #expect(decoded == item, "\(item.type) in \(context)")
            // And through an extension block, when it fits one.
            if bytes.count <= 0xffff {
                var block = TLSReader([UInt8(bytes.count >> 8), UInt8(bytes.count & 0xff)] + bytes)
                #expect(try TLSExtensionBlock.decode(from: &block, minLength: 0, context: context) == [item])
                #expect(block.isAtEnd)
            }
        }
    }

    @Test func truncatedPayloadsAreDecodeErrors() {
        for (item, context) in Self.cases {
            var writer = ByteWriter()
            item.encode(to: &writer)
            let payload = writer.bytes.dropFirst(4)
            let cuts = payload.count <= 300 ? Array(0..<payload.count) : [0, 1, 2, payload.count / 2, payload.count - 1]
            for cut in cuts {
                let short = payload.prefix(cut)
                if case .quicTransportParameters = item { continue }  // opaque: any length is fine here
                if case .other = item { continue }
                let alert = alertThrown {
                    _ = try TLSExtension.decode(type: item.type, payload: short, context: context)
                }
                #expect(alert?.code == .decodeError, "\(item.type) in \(context) cut at \(cut)")
            }
        }
    }

    @Test func publicBlockCodec() throws {
        let extensions = SampleMessages.encryptedExtensions.extensions
        var writer = ByteWriter()
        TLSExtensionBlock.encode(extensions, to: &writer)
        #expect(try TLSExtensionBlock.decode(writer.bytes[...], context: .encryptedExtensions) == extensions)
        let trailing = writer.bytes + [0]
        #expect(alertThrown { _ = try TLSExtensionBlock.decode(trailing[...], context: .encryptedExtensions) }?
            .code == .decodeError)
        #expect(alertThrown { _ = try TLSExtensionBlock.decode(writer.bytes[...], context: .clientHello) }?
            .code == .decodeError)  // serverNameAcknowledged's empty payload is not a ClientHello server_name
    }

    @Test func permittedMessagesFollowTheRFCTable() {
        #expect(ExtensionType.serverName.permittedMessages == [.clientHello, .encryptedExtensions])
        #expect(ExtensionType.keyShare.permittedMessages == [.clientHello, .serverHello, .helloRetryRequest])
        #expect(ExtensionType.preSharedKey.permittedMessages == [.clientHello, .serverHello])
        #expect(ExtensionType.earlyData.permittedMessages == [.clientHello, .encryptedExtensions, .newSessionTicket])
        #expect(ExtensionType.cookie.permittedMessages == [.clientHello, .helloRetryRequest])
        #expect(ExtensionType.statusRequest.permittedMessages == [.clientHello, .certificateRequest, .certificate])
        #expect(ExtensionType.oidFilters.permittedMessages == [.certificateRequest])
        #expect(ExtensionType.quicTransportParameters.permittedMessages == [.clientHello, .encryptedExtensions])
        #expect(ExtensionType(rawValue: 0x1234).permittedMessages == nil)
    }
}
