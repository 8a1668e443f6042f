// swift-tools-version:6.1
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
        .library(name: "SMPPNIO", targets: ["SMPPNIO"]),
        .library(name: "RabbitMQ", targets: ["RabbitMQ"]),
        .library(name: "BridgeCore", targets: ["BridgeCore"]),
        .executable(name: "smpp-bridge", targets: ["smpp-bridge"]),
        .executable(name: "smpp-bench", targets: ["smpp-bench"]),
        .library(name: "SMSCSimulator", targets: ["SMSCSimulator"]),
        .executable(name: "smsc-sim", targets: ["smsc-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        // Already in the graph through swift-configuration's YAML trait; named here to list a file's keys.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.0"),
    ],
    targets: [
        // SMPP 3.4 codec, text encodings, segmenter, reassembler, receipts. NIOCore only.
        .target(
            name: "SMPP",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // Strict typed reads of configuration keys (errors name the full key), shared by every init(configReader:).
        .target(
            name: "ConfigKeys",
            dependencies: [.product(name: "Configuration", package: "swift-configuration")],
            swiftSettings: swiftSettings
        ),
        // SMPP client sessions: connect, TLS, bind, window, keep-alive, reconnect, throughput, inbound.
        .target(
            name: "SMPPNIO",
            dependencies: [
                "SMPP",
                "ConfigKeys",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
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
            dependencies: [
                "CRabbitMQ",
                "ConfigKeys",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: swiftSettings
        ),
        // The product: outbound and inbound pipelines, request validation, events, store, configuration, HTTP.
        .target(
            name: "BridgeCore",
            dependencies: [
                "SMPP",
                "SMPPNIO",
                "RabbitMQ",
                "ConfigKeys",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "smpp-bridge",
            dependencies: [
                "SMPP",
                "BridgeCore",
                "RabbitMQ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings,
            // jemalloc as the process's malloc: under load the bridge's many small, short-lived allocations across
            // threads cost glibc's allocator 10–15 % of the CPU (malloc_consolidate, unlink_chunk); measured with
            // jemalloc: 20–35 % less CPU per request on the outbound path (docs/benchmarks.md).
            linkerSettings: [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]
        ),
        .executableTarget(
            name: "smpp-bench",
            dependencies: [
                "SMPP",
                "BridgeCore",
                "SMPPNIO",
                "SMSCSimulator",
                "RabbitMQ",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // A real SMSC on a socket (accounts, DLRs, MO, fault injection); a library so tests and benchmarks embed it.
        .target(
            name: "SMSCSimulator",
            dependencies: [
                "SMPP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "smsc-sim",
            dependencies: [
                "SMSCSimulator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SMSCSimulatorTests",
            dependencies: [
                "SMSCSimulator",
                "SMPP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SMPPNIOTests",
            dependencies: [
                "SMPP",
                "SMPPNIO",
                "SMSCSimulator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: swiftSettings
        ),
        // The operator tools of the smpp-bridge executable (pdu decode), tested through @testable import.
        .testTarget(
            name: "SMPPBridgeToolTests",
            dependencies: ["smpp-bridge", "SMPP", "BridgeCore", "RabbitMQ"],
            swiftSettings: swiftSettings
        ),
        // Smoke tests of the benchmark commands (bounded tiny runs; they never assert speed); the e2e one runs an
        // in-process bridge and simulator against the private RabbitMQ.
        .testTarget(
            name: "SMPPBenchTests",
            dependencies: [
                "smpp-bench", "SMPP", "SMPPNIO", "BridgeCore", "RabbitMQ", "SMSCSimulator",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
            name: "BridgeCoreTests",
            dependencies: [
                "BridgeCore",
                "SMPP",
                "SMPPNIO",
                "RabbitMQ",
                "SMSCSimulator",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                // The SQLite store's tests hold locks and write foreign files through their own connection.
                .product(name: "GRDB", package: "GRDB.swift"),
                // The PostgreSQL store's tests make a schema per test and write foreign schema versions.
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RabbitMQTests",
            dependencies: [
                "RabbitMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
