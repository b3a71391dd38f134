import DoudiDomain
import Envelope
import Foundation
import Kafka
import Ledger
import ServiceKit

/// The whole suite as processes on a fresh topic namespace and data directory, for end-to-end
/// tests of the convergence property: seed a population, let it settle, read the ledger; kill,
/// restart and replay services on the way.
public final class SuiteRun: @unchecked Sendable {
    /// Every service of the suite (scripts/services.txt), in the order they are started by default.
    public static let services: [String] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = (try? String(contentsOf: root.appendingPathComponent("scripts/services.txt"), encoding: .utf8)) ?? ""
        // The console (issue 16) publishes nothing and decides nothing: the convergence runs leave it out.
        return text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }.filter { $0 != "doudi-console" }
    }()

    public let name: String
    public let namespace: String
    public let dataDir: String
    /// Consumer groups are `<groupPrefix><executable>`: a new prefix reads every topic from the start.
    public let groupPrefix: String
    public private(set) var processes: [String: ServiceProcess] = [:]
    /// Further replicas of services (docs/scaling.md), by `<executable>#<n>`: same group, same data directory.
    public private(set) var replicas: [String: ServiceProcess] = [:]
    let environment: [String: String]

    /// - Parameters:
    ///   - environment: extra settings for every service (e.g. the test-only chaos settings).
    public init(_ name: String, namespace: String? = nil, dataDir: String? = nil, groupPrefix: String? = nil,
                environment: [String: String] = [:]) async throws {
        self.name = name
        if let namespace { self.namespace = namespace } else { self.namespace = try await TestBroker.freshNamespace() }
        self.dataDir = dataDir ?? temporaryDirectory(name)
        self.groupPrefix = groupPrefix ?? self.namespace
        self.environment = environment
    }

    /// Starts services (all, in `order`); each joins its consumer group in the background.
    public func start(_ order: [String] = SuiteRun.services, environment extra: [String: String] = [:]) throws {
        for exe in order {
            processes[exe]?.terminate()
            processes[exe] = try ServiceProcess(exe, environment: settings(exe, extra), logName: "\(namespace)\(name).\(exe)")
        }
    }

    /// A service's settings in this run: its topics, data directory and group.
    private func settings(_ exe: String, _ extra: [String: String]) -> [String: String] {
        var env = environment.merging(extra) { $1 }
        env["DOUDI_TOPIC_NAMESPACE"] = namespace
        // A replica with a data directory of its own (checkpoints) names it; the others share the run's.
        env["DOUDI_DATA_DIR"] = extra["DOUDI_DATA_DIR"] ?? dataDir
        env["DOUDI_GROUP_ID"] = groupPrefix + exe
        env["DOUDI_RELIEF_TICK_MS"] = env["DOUDI_RELIEF_TICK_MS"] ?? "200"
        // Only event time moves the clocks: the same inputs, the same decisions (Convergence).
        env["DOUDI_RELIEF_WALLCLOCK"] = env["DOUDI_RELIEF_WALLCLOCK"] ?? "0"
        return env
    }

    public func kill9(_ exe: String) { processes[exe]?.kill9() }
    public func terminate(_ exe: String) { processes[exe]?.terminate() }
    public func stop() { for p in Array(processes.values) + Array(replicas.values) { p.terminate() } }

    /// Starts replica `n` (1, 2, …) of a service beside the one `start` started: the same consumer
    /// group and data directory, so the two share the partitions and the stores.
    public func startReplica(_ exe: String, _ n: Int, environment extra: [String: String] = [:]) throws {
        let key = "\(exe)#\(n)"
        replicas[key]?.terminate()
        replicas[key] = try ServiceProcess(exe, environment: settings(exe, extra), logName: "\(namespace)\(name).\(exe).\(n)")
    }

    public func kill9Replica(_ exe: String, _ n: Int) { replicas["\(exe)#\(n)"]?.kill9() }

    /// Tail of every service's log, for assertion messages.
    public var logs: String {
        processes.merging(replicas) { a, _ in a }.sorted { $0.key < $1.key }.map { "== \($0.key)\n\($0.value.log.suffix(1200))" }.joined(separator: "\n")
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

    /// Waits until the suite is idle: every consumer group stable with its members, every group
    /// caught up with the end of what it reads, and no topic grown for `quiet`. Returns false on
    /// timeout. (A quiet topic alone is not enough: after a SIGKILL or a broker pause a group may
    /// be rebalancing for longer than any quiet period.)
    @discardableResult
    public func waitUntilSettled(quiet: Duration = .seconds(3), timeout: Duration = .seconds(300)) async throws -> Bool {
        let admin = try KafkaAdmin(configuration: TestBroker.kafka)
        var partitions: [TopicPartition] = []
        for t in Topics.all(namespace: namespace) { partitions += try await admin.partitions(of: t) }
        let groups = processes.keys.sorted().map { groupPrefix + $0 }
        var last: [TopicPartition: Int64] = [:]
        var since = ContinuousClock.now
        let deadline = ContinuousClock.now + timeout
        var waitingFor = "topics still growing"
        let started = ContinuousClock.now
        while ContinuousClock.now < deadline {
            var now: [TopicPartition: Int64] = [:]
            for tp in partitions { now[tp] = try await admin.watermarks(tp).high }
            if now != last { last = now; since = .now; waitingFor = "topics still growing" }
            else if ContinuousClock.now - since >= quiet {
                guard let lagging = try await lagging(admin, groups: groups, ends: now) else {
                    print("SuiteRun \(name): settled after \(ContinuousClock.now - started) (the last growth \(since - started) in, then \(quiet) quiet)")
                    return true
                }
                waitingFor = lagging
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        print("SuiteRun \(name): not settled after \(timeout): \(waitingFor)")
        return false
    }

    /// The topics each service reads (docs/architecture.md).
    public static let inputs: [String: [ContractTopic]] = [
        "doudi-intake": [.intakeSubmissions],
        "doudi-matcher": [.intakeAccepted, .deptRecords, .assistanceOutcomes],
        "doudi-classifier": [.registryHouseholds, .monitoringSignals, .assistanceOutcomes, .clockTicks],
        "doudi-router": [.monitoringWarnings, .assistanceOutcomes, .registryHouseholds, .clockTicks],
        "doudi-relief": [.reliefApplications, .referrals(.emergency)],
        "doudi-medical": [.referrals(.medical)], "doudi-education": [.referrals(.education)],
        "doudi-housing": [.referrals(.housing)], "doudi-employment": [.referrals(.employment)],
        "doudi-disaster": [.referrals(.disaster)],
        "doudi-casework": [.workTasks, .referrals(.coordination), .assistanceOutcomes],
        "doudi-basic-living": [.referrals(.basicLiving), .registryHouseholds, .clockTicks],
    ]

    /// What is not caught up yet (nil: every service's group has committed the end of every
    /// non-empty partition it reads).
    private func lagging(_ admin: KafkaAdmin, groups: [String], ends: [TopicPartition: Int64]) async throws -> String? {
        for exe in processes.keys.sorted() {
            let group = groupPrefix + exe
            let topics = Set((Self.inputs[exe] ?? []).map { namespace + $0.name })
            let read = ends.filter { topics.contains($0.key.topic) && $0.value > 0 }
            guard !read.isEmpty else { continue }
            let committed = try await admin.groupOffsets(group, partitions: Array(read.keys))
            for (tp, end) in read where (committed[tp] ?? -1) < end {
                return "\(group) committed \(committed[tp] ?? -1) of \(end) on \(tp)"
            }
        }
        return nil
    }

    /// The business ledger of this run, read from its topics.
    /// `doudi clock tick --day day` for this run's topics: the day begun on every partition of
    /// `clock.ticks` (docs/scaling.md, "Event time is per task").
    public func tick(_ day: CivilDate) async throws {
        let topic = namespace + ContractTopic.clockTicks.name
        let partitions = try await KafkaAdmin(configuration: TestBroker.kafka).partitions(of: topic)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(TestBroker.kafka))
        try await producer.send(try ClockTicks.messages(day: day, topic: topic, partitions: partitions.map(\.partition)))
    }

    /// The day of the latest event time on the classifier's inputs (the registry, the outcomes, the
    /// signals): the day a single store's clock reached, which a tick of it gives every task. The
    /// router's escalations share the outcomes topic and are read here too; the classifier reads
    /// them past, but each is dated no later than the facts whose clock made it.
    public func latestDay() async throws -> CivilDate? {
        let topics: [ContractTopic] = [.registryHouseholds, .assistanceOutcomes, .monitoringSignals]
        let messages = try await TestBroker.readSettled(topics: topics.map { namespace + $0.name }, minimum: 1)
        return messages.compactMap { $0.header("ce_time").flatMap { CivilDate(iso: $0) } }.max()
    }

    public func ledger() async throws -> BusinessLedger {
        try await LedgerReader.read(TestBroker.kafka, namespace: namespace).ledger
    }
}

extension SuiteRun {
    /// The business topics: what the suite decided (registry versions, its intermediate steps, aside).
    public var businessTopics: [String] {
        ([.monitoringSignals, .monitoringWarnings, .workTasks, .assistanceOutcomes, .reliefDisbursements]
            + ContractTopic.referralTopics).map { namespace + $0.name }
    }

    /// Every event id published on the business topics so far (but those whose payload `excluding` names).
    public func businessEventIds(excluding: (String) -> Bool = { _ in false }) async throws -> Set<String> {
        var ids = Set<String>()
        try await TopicSnapshot(configuration: TestBroker.kafka).read(businessTopics) { m in
            if let id = m.header("ce_id"), !excluding(String(decoding: m.value, as: UTF8.self)) { ids.insert(id) }
        }
        return ids
    }

    /// Writes every event of the business topics and the registry, in topic order, as JSON lines
    /// (`topic`, `partition`, `offset`, `id`, `type`, `time`, `cause`, `payload`): what a convergence failure
    /// is diagnosed from. Reads to the end offsets captured at start.
    public static func dumpEvents(namespace: String, to file: URL) async throws {
        let topics = ([.registryHouseholds, .monitoringSignals, .monitoringWarnings, .workTasks, .assistanceOutcomes,
                       .reliefDisbursements] + ContractTopic.referralTopics).map { namespace + $0.name }
        var out = Data()
        try await TopicSnapshot(configuration: TestBroker.kafka).read(topics) { m in
            var line: [String: Any] = ["topic": String(m.topic.dropFirst(namespace.count)), "partition": Int(m.partition), "offset": Int(m.offset),
                                       "id": m.header("ce_id") ?? "", "type": m.header("ce_type") ?? "", "time": m.header("ce_time") ?? "",
                                       "cause": m.header("ce_causationid") ?? ""]
            line["payload"] = (try? JSONSerialization.jsonObject(with: Data(m.value))) ?? String(decoding: m.value, as: UTF8.self)
            out.append(try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]))
            out.append(0x0A)
        }
        try out.write(to: file)
    }
}
