import QUICWire

/// libFuzzer entry point: decodes the input as variable-length integers and ACK ranges.
@_cdecl("LLVMFuzzerTestOneInput")
public func wireFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var reader = ByteReader(bytes)
    while !reader.isAtEnd {
        guard let value = try? reader.readVarInt() else { break }
        var writer = ByteWriter()
        writer.writeVarInt(value)
        var check = ByteReader(writer.bytes)
        precondition((try? check.readVarInt()) == value, "varint round trip failed")
    }
    return 0
}
