// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swift-mpquic",
    products: [
        .library(name: "QUICWire", targets: ["QUICWire"]),
        .library(name: "QUICTLS", targets: ["QUICTLS"]),
        .library(name: "QUICTransport", targets: ["QUICTransport"]),
        .library(name: "QUICQlog", targets: ["QUICQlog"]),
        .executable(name: "mpquic", targets: ["mpquic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .target(name: "QUICWire"),
        .target(name: "QUICTLS", dependencies: ["QUICWire"]),
        .target(name: "QUICQlog", dependencies: ["QUICWire"]),
        .target(
            name: "QUICTransport",
            dependencies: ["QUICWire", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "mpquic",
            dependencies: [
                "QUICWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "QUICWireTests", dependencies: ["QUICWire"]),
        .testTarget(name: "QUICTLSTests", dependencies: ["QUICTLS", "QUICWire"]),
        .testTarget(name: "QUICTransportTests", dependencies: ["QUICTransport"]),
        .testTarget(name: "QUICQlogTests", dependencies: ["QUICQlog", "QUICWire"]),
    ],
    swiftLanguageModes: [.v6]
)
