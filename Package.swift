// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swift-mpquic",
    products: [
        .library(name: "QUICWire", targets: ["QUICWire"]),
        .library(name: "QUICTLS", targets: ["QUICTLS"]),
        .executable(name: "mpquic", targets: ["mpquic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", exact: "1.7.4"),
    ],
    targets: [
        .target(name: "QUICWire"),
        .target(
            name: "QUICTLS",
            dependencies: [
                "QUICWire",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .executableTarget(
            name: "mpquic",
            dependencies: [
                "QUICWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "QUICWireTests", dependencies: ["QUICWire"]),
        .testTarget(
            name: "QUICTLSTests",
            dependencies: [
                "QUICTLS",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
