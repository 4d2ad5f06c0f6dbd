// swift-tools-version:6.0
import PackageDescription

let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let cryptoExtras: Target.Dependency = .product(name: "_CryptoExtras", package: "swift-crypto")
let x509: Target.Dependency = .product(name: "X509", package: "swift-certificates")
let asn1: Target.Dependency = .product(name: "SwiftASN1", package: "swift-asn1")
let deque: Target.Dependency = .product(name: "DequeModule", package: "swift-collections")
let heap: Target.Dependency = .product(name: "HeapModule", package: "swift-collections")

let package = Package(
    name: "swift-mpquic",
    products: [
        .library(name: "QUICWire", targets: ["QUICWire"]),
        .library(name: "QUICCrypto", targets: ["QUICCrypto"]),
        .library(name: "QUICRecovery", targets: ["QUICRecovery"]),
        .library(name: "QUICQlog", targets: ["QUICQlog"]),
        .library(name: "QUICTLS", targets: ["QUICTLS"]),
        .library(name: "QUICTransport", targets: ["QUICTransport"]),
        .library(name: "QUICSimulator", targets: ["QUICSimulator"]),
        .library(name: "QUICLab", targets: ["QUICLab"]),
        .library(name: "QUICRelay", targets: ["QUICRelay"]),
        .library(name: "QUIC", targets: ["QUIC"]),
        .library(name: "QUICLabRelay", targets: ["QUICLabRelay"]),
        .executable(name: "mpquic", targets: ["mpquic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", exact: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .target(name: "QUICWire"),
        .target(name: "QUICRecovery", dependencies: ["QUICWire"]),
        .target(name: "QUICQlog", dependencies: ["QUICWire"]),
        .target(name: "QUICCrypto", dependencies: ["QUICWire", crypto, cryptoExtras]),
        .target(name: "QUICTLS", dependencies: ["QUICWire", "QUICCrypto", crypto, cryptoExtras, x509, asn1]),
        .target(
            name: "QUICTransport",
            dependencies: ["QUICWire", "QUICCrypto", "QUICTLS", "QUICRecovery", "QUICQlog", crypto, deque, heap]
        ),
        .target(
            name: "QUIC",
            dependencies: [
                "QUICWire", "QUICTLS", "QUICTransport", "QUICRecovery", "QUICQlog",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(name: "QUICSimulator"),
        .target(
            name: "QUICLab",
            dependencies: ["QUICTransport", "QUICSimulator", "QUICTLS", "QUICRecovery", "QUICWire"]
        ),
        .target(name: "QUICRelay"),
        .target(
            name: "QUICLabRelay",
            dependencies: ["QUICLab", "QUICRelay", "QUIC", "QUICSimulator", "QUICTransport", "QUICTLS", "QUICWire"]
        ),
        .target(name: "QUICInterop", dependencies: ["QUICWire"]),
        .target(
            name: "QUICBench",
            dependencies: [
                "QUICTransport", "QUICTLS", "QUICWire", "QUICRecovery",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "mpquic",
            dependencies: [
                "QUICWire",
                "QUICRelay",
                "QUICTLS",
                "QUICTransport",
                "QUICSimulator",
                "QUICLab",
                "QUICLabRelay",
                "QUICRecovery",
                "QUIC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "QUICInterop", "QUICBench", crypto, .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(name: "QUICTestSupport", path: "Tests/QUICTestSupport"),
        .testTarget(name: "QUICWireTests", dependencies: ["QUICWire", "QUICTestSupport"]),
        .testTarget(name: "QUICQlogTests", dependencies: ["QUICQlog", "QUICWire", "QUICTestSupport"]),
        .testTarget(name: "QUICRecoveryTests", dependencies: ["QUICRecovery", "QUICWire", "QUICTestSupport"]),
        .testTarget(name: "QUICCryptoTests", dependencies: ["QUICCrypto", "QUICWire", "QUICTestSupport"]),
        .testTarget(
            name: "QUICTLSTests",
            dependencies: ["QUICTLS", "QUICWire", "QUICTestSupport", crypto, cryptoExtras, x509, asn1]
        ),
        .testTarget(
            name: "QUICTransportTests",
            dependencies: [
                "QUICTransport", "QUICWire", "QUICCrypto", "QUICTLS", "QUICRecovery", "QUICQlog", "QUICSimulator",
                "QUICTestSupport", crypto,
            ]
        ),
        .testTarget(name: "QUICSimulatorTests", dependencies: ["QUICSimulator"]),
        .testTarget(name: "QUICLabTests", dependencies: ["QUICLab", "QUICSimulator", "QUICTransport"]),
        .testTarget(name: "QUICRelayTests", dependencies: ["QUICRelay"]),
        .testTarget(
            name: "QUICLabRelayTests",
            dependencies: ["QUICLabRelay", "QUICLab", "QUICRelay", "QUICSimulator", "QUICTransport"]
        ),
        .testTarget(name: "QUICInteropTests", dependencies: ["QUICInterop", "QUICTestSupport"]),
        .testTarget(
            name: "QUICBenchTests",
            dependencies: ["QUICBench", "QUICTransport", "QUICWire", "QUICCrypto", "QUICRecovery"]
        ),
        .testTarget(
            name: "QUICTests",
            dependencies: [
                "QUIC", "QUICTransport", "QUICTLS", "QUICWire", "QUICTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
