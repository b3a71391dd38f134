import ArgumentParser
import Envelope
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Kafka

/// `doudi summary`: what the suite has done, read from the topics (the public record), at a glance.
struct SummaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "summary", abstract: "Households per category, warnings, referrals, outcomes, relief paid.")
    @OptionGroup var broker: BrokerOptions
    @Flag(help: "Wait until the pipeline has been quiet for a few seconds before summarising.") var wait = false
    @Option(help: "Seconds of quiet that count as settled.") var quiet = 8
    @Option(help: "The classifier's HTTP address, for households per category.") var classifier = "http://127.0.0.1:8083"
    @OptionGroup var credential: CredentialOptions

    func run() async throws {
        if wait { try await waitUntilSettled() }
        var s = Tally()
        try await readAll(broker.kafka, topic: Topics.intakeAccepted) { _ in s.accepted += 1 }
        try await readAll(broker.kafka, topic: Topics.intakeRejected) { _ in s.rejected += 1 }
        try await readAll(broker.kafka, topic: Topics.registryHouseholds) { m in s.households.insert(m.header("ce_subject") ?? "") }
        try await readAll(broker.kafka, topic: Topics.monitoringSignals) { m in s.count(m, field: "kind", into: \.signals) }
        try await readAll(broker.kafka, topic: Topics.monitoringWarnings) { m in s.warning(m) }
        try await readAll(broker.kafka, topic: Topics.workTasks) { m in s.count(m, field: "kind", into: \.tasks) }
        for d in Topics.referralDomains {
            try await readAll(broker.kafka, topic: Topics.referrals(d)) { m in s.count(m, field: "status", into: \.referrals, prefix: d + " ") }
        }
        try await readAll(broker.kafka, topic: Topics.assistanceOutcomes) { m in s.outcome(m) }
        try await readAll(broker.kafka, topic: Topics.reliefDisbursements) { m in s.disbursement(m) }
        try await readAll(broker.kafka, topic: Topics.deadletter) { _ in s.deadLetters += 1 }
        let stats = await classifierStats()
        s.classifierCategories = stats?["householdsByCategory"] as? [String: Int]
        s.counties = (stats?["byCounty"] as? [[String: Any]] ?? []).compactMap { c in
            guard let label = c["label"] as? String, let households = c["households"] as? Int else { return nil }
            return (label, households, c["openWarnings"] as? Int ?? 0)
        }
        s.print()
    }

    /// Every household's category and the counties, from the classifier (warnings only name
    /// households with a need).
    private func classifierStats() async -> [String: Any]? {
        guard let url = URL(string: classifier + "/v1/stats") else { return nil }
        var request = URLRequest(url: url)
        guard (try? credential.authorize(&request)) != nil,
              let (data, _) = try? await URLSession.shared.data(for: request),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return json
    }

    private func waitUntilSettled() async throws {
        let topics = [Topics.intakeAccepted, Topics.registryHouseholds, Topics.monitoringWarnings, Topics.assistanceOutcomes]
        var config = KafkaConsumerConfiguration(broker.kafka, groupID: "doudi-summary-\(EventID.random())", topics: topics)
        config.sessionTimeoutMs = 6000
        let consumer = try KafkaConsumer(configuration: config)
        var last = ContinuousClock.now, total = 0
        while ContinuousClock.now - last < .seconds(quiet) {
            let n = try await consumer.poll(maxCount: 10_000, timeoutMs: 500).count
            if n > 0 { total += n; last = .now; progress("summary: waiting for the pipeline to settle (\(total) events seen)") }
        }
        FileHandle.standardError.write(Data("\n".utf8))
        await consumer.close()
    }
}

/// Counts by field values of JSON payloads.
struct Tally {
    var accepted = 0, rejected = 0, deadLetters = 0
    var households = Set<String>()
    var signals: [String: Int] = [:], tasks: [String: Int] = [:], referrals: [String: Int] = [:]
    var categories: [String: String] = [:]
    var classifierCategories: [String: Int]?
    /// `140105 太原市小店区`, households, open warnings (from the classifier).
    var counties: [(label: String, households: Int, openWarnings: Int)] = []
    var warningsOpen: [String: Int] = [:], warningsResolved = 0
    var outcomes: [String: Int] = [:], outcomeFen: Int64 = 0
    var reliefPaidFen: Int64 = 0, reliefStages = 0

    func json(_ m: KafkaMessage) -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(m.value))) as? [String: Any] ?? [:] }

    mutating func count(_ m: KafkaMessage, field: String, into table: WritableKeyPath<Tally, [String: Int]>, prefix: String = "") {
        self[keyPath: table][prefix + ((json(m)[field] as? String) ?? "?"), default: 0] += 1
    }

    mutating func warning(_ m: KafkaMessage) {
        let w = json(m)
        if let hh = w["householdId"] as? String, let c = w["category"] as? String { categories[hh] = c }
        if (w["status"] as? String) == "resolved" { warningsResolved += 1; return }
        warningsOpen["\(w["disposal"] as? String ?? "?") / \(w["level"] as? String ?? "?")", default: 0] += 1
    }

    mutating func outcome(_ m: KafkaMessage) {
        let o = json(m)
        guard let status = o["status"] as? String else { outcomes[m.header("ce_type") ?? "?", default: 0] += 1; return }
        outcomes["\(o["domain"] as? String ?? "?") \(status)", default: 0] += 1
        if status == "granted" { outcomeFen += (o["amountFen"] as? NSNumber)?.int64Value ?? 0 }
    }

    mutating func disbursement(_ m: KafkaMessage) {
        reliefStages += 1
        reliefPaidFen += (json(m)["amountFen"] as? NSNumber)?.int64Value ?? 0
    }

    func print() {
        func yuan(_ fen: Int64) -> String { String(format: "%.2f", Double(fen) / 100) }
        func section(_ title: String, _ rows: [String: Int]) {
            Swift.print("\n\(title)")
            if rows.isEmpty { Swift.print("  (none)") }
            for (k, v) in rows.sorted(by: { $0.key < $1.key }) { Swift.print("  \(k.padding(toLength: 40, withPad: " ", startingAt: 0)) \(v)") }
        }
        Swift.print("== Doudi summary ==")
        Swift.print("submissions accepted \(accepted), rejected \(rejected); households in the registry \(households.count)")
        var byCategory: [String: Int] = [:]
        for (_, c) in categories { byCategory[c, default: 0] += 1 }
        if let all = classifierCategories { section("households by category (classifier)", all) }
        else { section("households with warnings, by category", byCategory) }
        if !counties.isEmpty {
            Swift.print("\nhouseholds and open warnings by county (classifier)")
            for c in counties.prefix(40) {
                Swift.print("  \(c.label.padding(toLength: 34, withPad: " ", startingAt: 0)) \(c.households) households, \(c.openWarnings) open warnings")
            }
            if counties.count > 40 { Swift.print("  … and \(counties.count - 40) more counties (GET /v1/stats on the classifier lists all)") }
        }
        section("open warnings by disposal / level (\(warningsResolved) resolved)", warningsOpen)
        section("signals from department data", signals)
        section("tasks", tasks)
        section("referrals by domain and status", referrals)
        section("outcomes by domain and status (granted \(yuan(outcomeFen)) yuan)", outcomes)
        Swift.print("\nrelief: \(reliefStages) stages paid, \(yuan(reliefPaidFen)) yuan")
        Swift.print("dead letters: \(deadLetters)")
    }
}
