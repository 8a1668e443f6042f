// swift-tools-version:6.0
import PackageDescription

/// One settings list for every target (STYLE: Swift 6 language mode, no warnings).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "smpp-bridge",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SMPP", targets: ["SMPP"]),
        .library(name: "RabbitMQ", targets: ["RabbitMQ"]),
        .executable(name: "smpp-bridge", targets: ["smpp-bridge"]),
        .executable(name: "smpp-bench", targets: ["smpp-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
    ],
    targets: [
        // SMPP 3.4 codec, text encodings, segmenter, reassembler, receipts. NIOCore only.
        .target(
            name: "SMPP",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // librabbitmq 0.11 from the system (apt: librabbitmq-dev), with a shim for its variadic login functions.
        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        // Swift API over librabbitmq: one owner thread per connection; no C types in the public API.
        .target(
            name: "RabbitMQ",
            dependencies: ["CRabbitMQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "smpp-bridge",
            dependencies: [
                "SMPP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "smpp-bench",
            dependencies: [
                "SMPP",
                "RabbitMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SMPPTests",
            dependencies: ["SMPP", .product(name: "NIOCore", package: "swift-nio")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RabbitMQTests",
            dependencies: ["RabbitMQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
    ]
)
