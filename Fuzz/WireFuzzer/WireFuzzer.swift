import FuzzSupport
import QUICWire

/// libFuzzer entry point for the wire format: frames, frame sequences per encryption level, packet
/// headers and coalesced packets, and transport parameters. Besides "never crash", it checks that
/// whatever decodes re-encodes to something that decodes to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func wireFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    fuzzFrames(bytes)
    for level in EncryptionLevel.allCases {
        _ = try? FrameDecoder.decodeAll(bytes[...], level: level)
    }
    fuzzPackets(bytes)
    fuzzTransportParameters(bytes)
    return 0
}

private func fuzzFrames(_ bytes: [UInt8]) {
    var reader = ByteReader(bytes)
    while !reader.isAtEnd {
        guard let frame = try? Frame.decode(from: &reader) else { return }
        var writer = ByteWriter()
        frame.encode(to: &writer)
        precondition(writer.count == frame.encodedLength, "encodedLength disagrees with encode for \(frame)")
        var again = ByteReader(writer.bytes)
        guard let decoded = try? Frame.decode(from: &again) else {
            preconditionFailure("re-encoded frame does not decode: \(frame)")
        }
        // A PADDING run may merge with nothing else here, so the values must match exactly.
        precondition(decoded == frame, "frame round trip changed \(frame) into \(decoded)")
    }
}

private func fuzzPackets(_ bytes: [UInt8]) {
    for length in [0, 8, 20] {
        let parser = PacketParser(shortHeaderConnectionIDLength: length)
        _ = try? parser.parse(bytes[...])
        let (packets, _) = parser.split(bytes[...])
        var end = 0
        for packet in packets {
            precondition(packet.range.lowerBound == end && packet.range.upperBound <= bytes.count, "bad split")
            end = packet.range.upperBound
        }
    }
    _ = PacketParser.trailingResetToken(of: bytes[...])
}

private func fuzzTransportParameters(_ bytes: [UInt8]) {
    for sender in [EndpointRole.client, .server] {
        guard let parameters = try? TransportParameters.decode(bytes[...], sender: sender) else { continue }
        guard let again = try? TransportParameters.decode(parameters.encoded[...], sender: sender) else {
            preconditionFailure("re-encoded transport parameters do not decode")
        }
        precondition(again == parameters, "transport parameters changed in a round trip")
    }
}

@_cdecl("WireFuzzer_main")
public func wireFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    LibFuzzer.main(argc: argc, argv: argv, testOneInput: wireFuzzerTestOneInput)
}
