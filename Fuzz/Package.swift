// swift-tools-version:6.0
import PackageDescription

// The libFuzzer targets: a package of their own, so the root package's `swift build` and `swift test` never see
// them. `Fuzz/run` and `Scripts/fuzz.sh` build them with the sanitizers on every Swift module (ours and the
// dependencies'), from the repository's root:
//   swift build -c release --package-path Fuzz --scratch-path .build-fuzz-spm \
//       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing
// Each target defines `LLVMFuzzerTestOneInput` and the entry point SwiftPM links an executable with, which hands
// over to libFuzzer's driver (`FuzzSupport/LibFuzzer.swift`).
let package = Package(
    name: "swift-mpquic-fuzz",
    dependencies: [
        .package(name: "swift-mpquic", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(name: "CLibFuzzer", path: "CLibFuzzer"),
        .target(
            name: "FuzzSupport",
            dependencies: [
                "CLibFuzzer",
                .product(name: "QUICTransport", package: "swift-mpquic"),
                .product(name: "QUICTLS", package: "swift-mpquic"),
                .product(name: "QUICRecovery", package: "swift-mpquic"),
                .product(name: "QUICWire", package: "swift-mpquic"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "FuzzSupport"
        ),
        .executableTarget(
            name: "WireFuzzer",
            dependencies: ["FuzzSupport", .product(name: "QUICWire", package: "swift-mpquic")],
            path: "WireFuzzer"
        ),
        .executableTarget(
            name: "TLSFuzzer",
            dependencies: ["FuzzSupport", .product(name: "QUICTLS", package: "swift-mpquic")],
            path: "TLSFuzzer"
        ),
        .executableTarget(
            name: "EndpointFuzzer",
            dependencies: [
                "FuzzSupport",
                .product(name: "QUICTransport", package: "swift-mpquic"),
                .product(name: "QUICRecovery", package: "swift-mpquic"),
                .product(name: "QUICWire", package: "swift-mpquic"),
            ],
            path: "EndpointFuzzer"
        ),
        .executableTarget(
            name: "ConnectionFuzzer",
            dependencies: [
                "FuzzSupport",
                .product(name: "QUICTransport", package: "swift-mpquic"),
                .product(name: "QUICRecovery", package: "swift-mpquic"),
                .product(name: "QUICWire", package: "swift-mpquic"),
            ],
            path: "ConnectionFuzzer"
        ),
    ],
    swiftLanguageModes: [.v6]
)
