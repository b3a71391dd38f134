// swift-tools-version:6.0
import PackageDescription
import Foundation

// librdkafka 2.2+ comes from pkg-config (scripts/env.sh points PKG_CONFIG_PATH at the
// project-local build when the system one is too old). When that local build exists,
// every binary gets an rpath to it so it runs without LD_LIBRARY_PATH.
let localRdKafka = Context.packageDirectory + "/.deps/librdkafka/lib"
let rdkafkaLinker: [LinkerSetting] = FileManager.default.fileExists(atPath: localRdKafka)
    ? [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", localRdKafka])]
    : []

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")

let package = Package(
    name: "doudi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "doudi", targets: ["DoudiCLI"]),
        .executable(name: "doudi-noop", targets: ["NoopService"]),
        .executable(name: "doudi-bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: Shared libraries
        .systemLibrary(name: "CRdKafka", path: "Shared/CRdKafka", pkgConfig: "rdkafka"),
        .target(name: "Kafka", dependencies: ["CRdKafka", log], path: "Shared/Kafka",
                linkerSettings: rdkafkaLinker),
        .target(name: "Envelope", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
                path: "Shared/Envelope"),
        .target(name: "Store", dependencies: ["Envelope", grdb, log], path: "Shared/Store"),
        .target(name: "DoudiDomain", path: "Shared/DoudiDomain"),
        .target(name: "ServiceKit", dependencies: [
            "Kafka", "Envelope", "Store", log, hummingbird,
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Shared/ServiceKit"),

        // MARK: Executables
        .executableTarget(name: "DoudiCLI", dependencies: ["Kafka", "Envelope", "ServiceKit", argumentParser],
                          path: "Services/Doudi"),
        .executableTarget(name: "NoopService", dependencies: ["ServiceKit"], path: "Services/Noop"),
        .executableTarget(name: "Bench", dependencies: ["ServiceKit", argumentParser], path: "Services/Bench"),

        // MARK: Tests
        .testTarget(name: "DomainTests", dependencies: ["DoudiDomain"], path: "Tests/DomainTests"),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka"], path: "Tests/KafkaTests"),
        .testTarget(name: "FoundationTests", dependencies: ["ServiceKit", "Kafka", "Envelope", "Store", grdb],
                    path: "Tests/FoundationTests"),
    ]
)
