import FuzzSupport
import QUICTLS

/// libFuzzer entry point: every TLS handshake message and extension decoder, and the reassembler.
@_cdecl("LLVMFuzzerTestOneInput")
public func tlsFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = TLSMessageFuzzing.decodeAll(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@_cdecl("TLSFuzzer_main")
public func tlsFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    LibFuzzer.main(argc: argc, argv: argv, testOneInput: tlsFuzzerTestOneInput)
}
