// swift-tools-version:6.0
import PackageDescription

let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")

let package = Package(
    name: "swift-mpquic",
    products: [
        .library(name: "QUICWire", targets: ["QUICWire"]),
        .library(name: "QUICTLS", targets: ["QUICTLS"]),
        .library(name: "QUICTransport", targets: ["QUICTransport"]),
        .library(name: "QUICSimulator", targets: ["QUICSimulator"]),
        .library(name: "QUICRelay", targets: ["QUICRelay"]),
        .executable(name: "mpquic", targets: ["mpquic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .target(name: "QUICWire"),
        .target(name: "QUICTLS", dependencies: ["QUICWire", crypto]),
        .target(name: "QUICTransport", dependencies: ["QUICWire", crypto]),
        .target(name: "QUICSimulator"),
        .target(name: "QUICRelay"),
        .executableTarget(
            name: "mpquic",
            dependencies: [
                "QUICWire",
                "QUICRelay",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "QUICTestSupport", path: "Tests/QUICTestSupport"),
        .testTarget(name: "QUICWireTests", dependencies: ["QUICWire", "QUICTestSupport"]),
        .testTarget(name: "QUICTLSTests", dependencies: ["QUICTLS", "QUICWire", "QUICTestSupport", crypto]),
        .testTarget(name: "QUICTransportTests", dependencies: ["QUICTransport", "QUICTestSupport"]),
        .testTarget(name: "QUICSimulatorTests", dependencies: ["QUICSimulator"]),
        .testTarget(name: "QUICRelayTests", dependencies: ["QUICRelay"]),
    ],
    swiftLanguageModes: [.v6]
)
