// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "swift-mpquic",
    products: [
        .library(name: "QUICWire", targets: ["QUICWire"]),
        .library(name: "QUICRecovery", targets: ["QUICRecovery"]),
        .executable(name: "mpquic", targets: ["mpquic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "QUICWire"),
        .target(name: "QUICRecovery", dependencies: ["QUICWire"]),
        .executableTarget(
            name: "mpquic",
            dependencies: [
                "QUICWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "QUICWireTests", dependencies: ["QUICWire"]),
        .testTarget(name: "QUICRecoveryTests", dependencies: ["QUICRecovery"]),
    ],
    swiftLanguageModes: [.v6]
)
