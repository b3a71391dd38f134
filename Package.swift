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
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
/// What a service executable (and its tests) may use.
let service: [Target.Dependency] = ["ServiceKit", "Kafka", "Envelope", "Store", "DoudiDomain", grdb, log, hummingbird, crypto]

let package = Package(
    name: "doudi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "doudi", targets: ["DoudiCLI"]),
        .executable(name: "doudi-noop", targets: ["NoopService"]),
        .executable(name: "doudi-bench", targets: ["Bench"]),
        .executable(name: "doudi-intake", targets: ["IntakeService"]),
        .executable(name: "doudi-matcher", targets: ["MatcherService"]),
        .executable(name: "doudi-classifier", targets: ["ClassifierService"]),
        .executable(name: "doudi-router", targets: ["RouterService"]),
        .executable(name: "doudi-medical", targets: ["MedicalHandler"]),
        .executable(name: "doudi-education", targets: ["EducationHandler"]),
        .executable(name: "doudi-housing", targets: ["HousingHandler"]),
        .executable(name: "doudi-employment", targets: ["EmploymentHandler"]),
        .executable(name: "doudi-disaster", targets: ["DisasterHandler"]),
        .executable(name: "doudi-relief", targets: ["ReliefService"]),
        .executable(name: "doudi-casework", targets: ["CaseworkService"]),
        .executable(name: "doudi-basic-living", targets: ["BasicLivingService"]),
        .executable(name: "doudi-console", targets: ["ConsoleService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // MARK: Shared libraries
        .systemLibrary(name: "CRdKafka", path: "Shared/CRdKafka", pkgConfig: "rdkafka"),
        .target(name: "Kafka", dependencies: ["CRdKafka", log], path: "Shared/Kafka",
                linkerSettings: rdkafkaLinker),
        .target(name: "Envelope", dependencies: ["DoudiDomain", .product(name: "Crypto", package: "swift-crypto")],
                path: "Shared/Envelope"),
        .target(name: "Store", dependencies: ["Envelope", grdb, log, .product(name: "Crypto", package: "swift-crypto")], path: "Shared/Store"),
        .target(name: "DoudiDomain", path: "Shared/DoudiDomain"),
        .target(name: "ServiceKit", dependencies: [
            "Kafka", "Envelope", "Store", "DoudiDomain", log, hummingbird,
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Shared/ServiceKit"),

        // The business ledger read from the topics: `doudi ledger digest` and the convergence tests.
        .target(name: "Ledger", dependencies: ["DoudiDomain", "Envelope", "Kafka", .product(name: "Crypto", package: "swift-crypto")],
                path: "Shared/Ledger"),
        // The AsyncAPI document (emitted with Yams) and the additive-change check of the schemas.
        .target(name: "Contracts", dependencies: ["DoudiDomain", .product(name: "Yams", package: "Yams")], path: "Shared/Contracts"),

        // Streaming bulk import (JSON Lines / CSV, progress, error report, resume) for intake and matcher.
        .target(name: "BulkImport", dependencies: ["Kafka", "Envelope", "DoudiDomain", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                path: "Shared/BulkImport"),
        // What every department handler shares: case store, referral intake, outcome publishing.
        .target(name: "HandlerKit", dependencies: service, path: "Shared/HandlerKit"),

        // MARK: Executables
        .executableTarget(name: "DoudiCLI", dependencies: service + ["BulkImport", "Ledger", "Contracts", argumentParser,
                                                                    .product(name: "Crypto", package: "swift-crypto")],
                          path: "Services/Doudi"),
        .executableTarget(name: "NoopService", dependencies: ["ServiceKit"], path: "Services/Noop"),
        .executableTarget(name: "Bench", dependencies: service + [argumentParser], path: "Services/Bench"),
        .executableTarget(name: "IntakeService", dependencies: service, path: "Services/Intake",
                          exclude: ["README.md"], resources: [.copy("Public")]),
        .executableTarget(name: "MatcherService", dependencies: service, path: "Services/Matcher"),
        .executableTarget(name: "ClassifierService", dependencies: service, path: "Services/Classifier"),
        .executableTarget(name: "RouterService", dependencies: service, path: "Services/Router"),
        .executableTarget(name: "MedicalHandler", dependencies: service + ["HandlerKit"], path: "Services/Handlers/Medical"),
        .executableTarget(name: "EducationHandler", dependencies: service + ["HandlerKit"], path: "Services/Handlers/Education"),
        .executableTarget(name: "HousingHandler", dependencies: service + ["HandlerKit"], path: "Services/Handlers/Housing"),
        .executableTarget(name: "EmploymentHandler", dependencies: service + ["HandlerKit"], path: "Services/Handlers/Employment"),
        .executableTarget(name: "DisasterHandler", dependencies: service + ["HandlerKit"], path: "Services/Handlers/Disaster"),
        .executableTarget(name: "ReliefService", dependencies: service, path: "Services/Relief"),
        .executableTarget(name: "CaseworkService", dependencies: service, path: "Services/Casework"),
        // The bureau's own basic-living work (issue 15): cases, reviews, monthly payroll.
        .executableTarget(name: "BasicLivingService", dependencies: service + ["HandlerKit"], path: "Services/BasicLiving"),
        // The operators' web console (issue 16): a read model of the topics, pages, actions through the owning services.
        .executableTarget(name: "ConsoleService", dependencies: service + [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
                          path: "Services/Console"),

        // MARK: Tests
        .target(name: "TestSupport", dependencies: ["Kafka", "Envelope", "Store", "Ledger", "DoudiDomain", "ServiceKit", grdb], path: "Tests/TestSupport"),
        .testTarget(name: "DomainTests", dependencies: ["DoudiDomain"], path: "Tests/DomainTests"),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka"], path: "Tests/KafkaTests"),
        .testTarget(name: "FoundationTests", dependencies: service + ["TestSupport"], path: "Tests/FoundationTests"),
        .testTarget(name: "IntakeTests", dependencies: service + ["TestSupport", "BulkImport"], path: "Tests/IntakeTests"),
        .testTarget(name: "MatcherTests", dependencies: service + ["TestSupport", "BulkImport", "MatcherService"], path: "Tests/MatcherTests"),
        .testTarget(name: "ClassifierTests", dependencies: service + ["TestSupport", "ClassifierService"], path: "Tests/ClassifierTests"),
        .testTarget(name: "RouterTests", dependencies: service + ["TestSupport", "HandlerKit", "RouterService"], path: "Tests/RouterTests"),
        .testTarget(name: "CaseworkTests", dependencies: service + ["TestSupport"], path: "Tests/CaseworkTests"),
        .testTarget(name: "ReliefTests", dependencies: service + ["TestSupport"], path: "Tests/ReliefTests"),
        .testTarget(name: "BasicLivingTests", dependencies: service + ["TestSupport", "HandlerKit"], path: "Tests/BasicLivingTests"),
        .testTarget(name: "ConsoleTests", dependencies: service + ["TestSupport", "ConsoleService", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
                    path: "Tests/ConsoleTests"),
        .testTarget(name: "ConvergenceTests", dependencies: service + ["TestSupport", "Ledger"], path: "Tests/ConvergenceTests"),
        .testTarget(name: "SuiteTests", dependencies: service + ["TestSupport", "Contracts", .product(name: "Yams", package: "Yams")],
                    path: "Tests/SuiteTests"),
    ]
)
