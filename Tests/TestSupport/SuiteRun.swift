import DoudiDomain
import Envelope
import Foundation
import Kafka
import Ledger

/// The whole suite as processes on a fresh topic namespace and data directory, for end-to-end
/// tests of the convergence property: seed a population, let it settle, read the ledger; kill,
/// restart and replay services on the way.
public final class SuiteRun: @unchecked Sendable {
    /// Every service of the suite (scripts/services.txt), in the order they are started by default.
    public static let services: [String] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = (try? String(contentsOf: root.appendingPathComponent("scripts/services.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }()

    public let name: String
    public let namespace: String
    public let dataDir: String
    public private(set) var processes: [String: ServiceProcess] = [:]
    let environment: [String: String]

    /// - Parameters:
    ///   - environment: extra settings for every service (e.g. the test-only chaos settings).
    public init(_ name: String, namespace: String? = nil, dataDir: String? = nil, environment: [String: String] = [:]) async throws {
        self.name = name
        if let namespace { self.namespace = namespace } else { self.namespace = try await TestBroker.freshNamespace() }
        self.dataDir = dataDir ?? temporaryDirectory(name)
        self.environment = environment
    }

    /// Starts services (all, in `order`); each joins its consumer group in the background.
    public func start(_ order: [String] = SuiteRun.services, environment extra: [String: String] = [:]) throws {
        for exe in order {
            var env = environment.merging(extra) { $1 }
            env["DOUDI_TOPIC_NAMESPACE"] = namespace
            env["DOUDI_DATA_DIR"] = dataDir
            env["DOUDI_GROUP_ID"] = namespace + exe
            env["DOUDI_RELIEF_TICK_MS"] = env["DOUDI_RELIEF_TICK_MS"] ?? "200"
            processes[exe]?.terminate()
            processes[exe] = try ServiceProcess(exe, environment: env, logName: "\(namespace)\(exe)")
        }
    }

    public func kill9(_ exe: String) { processes[exe]?.kill9() }
    public func terminate(_ exe: String) { processes[exe]?.terminate() }
    public func stop() { for p in processes.values { p.terminate() } }

    /// Tail of every service's log, for assertion messages.
    public var logs: String {
        processes.sorted { $0.key < $1.key }.map { "== \($0.key)\n\($0.value.log.suffix(1200))" }.joined(separator: "\n")
    }

    /// Publishes the seeded population's submissions, department records and relief
    /// applications at once, in the order given (`.records` first puts department data ahead).
    public func seed(households: Int, seed: UInt64, recordsFirst: Bool = false,
                     secret: String = "doudi-development-secret-change-me") async throws {
        let events = try SeedEvents(generator: PopulationGenerator(seed: seed), keyer: PersonKeyer(secret: secret))
            .events(0..<households)
        let ordered = recordsFirst ? [(ContractTopic.deptRecords, events.records), (.intakeSubmissions, events.submissions), (.reliefApplications, events.relief)]
            : [(ContractTopic.intakeSubmissions, events.submissions), (.deptRecords, events.records), (.reliefApplications, events.relief)]
        for (topic, list) in ordered { try await TestBroker.produce(list, to: namespace + topic.name) }
    }

    /// Waits until no business topic has grown for `quiet` (every service idle), or `timeout`.
    /// Returns false on timeout.
    @discardableResult
    public func waitUntilSettled(quiet: Duration = .seconds(6), timeout: Duration = .seconds(300)) async throws -> Bool {
        let admin = try KafkaAdmin(configuration: TestBroker.kafka)
        let topics = Topics.all(namespace: namespace)
        var partitions: [TopicPartition] = []
        for t in topics { partitions += try await admin.partitions(of: t) }
        var last: [TopicPartition: Int64] = [:]
        var since = ContinuousClock.now
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var now: [TopicPartition: Int64] = [:]
            for tp in partitions { now[tp] = try await admin.watermarks(tp).high }
            if now != last { last = now; since = .now }
            else if ContinuousClock.now - since >= quiet { return true }
            try await Task.sleep(for: .milliseconds(500))
        }
        return false
    }

    /// The business ledger of this run, read from its topics.
    public func ledger() async throws -> BusinessLedger {
        try await LedgerReader.read(TestBroker.kafka, namespace: namespace).ledger
    }
}
