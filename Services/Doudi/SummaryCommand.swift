import ArgumentParser
import DoudiDomain
import Envelope
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Kafka

/// `doudi summary`: the suite's current state, read from the topics (the public record) to the
/// end offsets captured when it starts (`TopicSnapshot`, as `doudi export` and `doudi ledger` read):
/// warnings open now, tasks by state (open, assigned, overdue, done, cancelled), referrals by
/// their final status, the people on each programme, this month's relief and payroll. Each entity
/// is folded to its latest event, so a warning opened, revised and resolved counts once, as resolved.
struct SummaryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Current state: open warnings, tasks open/overdue, referrals by final status, people per programme, this month's relief and payroll.")
    @OptionGroup var broker: BrokerOptions
    @Flag(help: "Wait until the pipeline has been quiet for a few seconds before summarising.") var wait = false
    @Option(help: "Seconds of quiet that count as settled.") var quiet = 8
    @Option(help: "The month for relief paid and the payroll, YYYY-MM (default: this month, China Standard Time).") var month: String?
    @Option(help: "The classifier's HTTP address, for households per category.") var classifier = "http://127.0.0.1:8083"
    @Flag(help: "Print the state as JSON.") var json = false
    @OptionGroup var credential: CredentialOptions

    /// `basic-living.payroll` (doudi-basic-living); read when the topic exists.
    static let payrollTopic = "basic-living.payroll"

    func validate() throws {
        if let month, CivilDate(iso: month + "-01") == nil || month.count != 7 { throw ValidationError("--month must be YYYY-MM") }
    }

    func run() async throws {
        if wait { try await waitUntilSettled() }
        let thisMonth = month ?? String(Timestamp.rfc3339(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) + 8 * 3_600_000).prefix(7))
        var state = CurrentState(month: thisMonth)
        let names = ContractTopic.allCases.filter { $0 != .intakeSubmissions && $0 != .deptRecords && $0 != .reliefApplications }
            .map(Topics.name) + [Topics.namespace + Self.payrollTopic]
        let snapshot = TopicSnapshot(configuration: broker.kafka)
        // One extent for every topic, captured before anything is read: a consistent cut of the record.
        let extent = try await snapshot.capture(names)
        let read = try await snapshot.read(extent) { m in
            let name = String(m.topic.dropFirst(Topics.namespace.count))
            state.add(topic: name, type: m.header("ce_type") ?? "", time: m.header("ce_time"), value: m.value)
        }
        state.eventsRead = read
        let stats = await classifierStats()
        state.classifierCategories = stats?["householdsByCategory"] as? [String: Int]
        state.counties = (stats?["byCounty"] as? [[String: Any]] ?? []).compactMap { c in
            guard let label = c["label"] as? String, let households = c["households"] as? Int else { return nil }
            return (label, households, c["openWarnings"] as? Int ?? 0)
        }
        if json { print(state.json()) } else { state.print() }
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

/// The current state folded from the topics: each entity's latest event.
struct CurrentState {
    let month: String
    var eventsRead = 0
    var intake: [String: String] = [:]                 // submission → accepted | rejected
    var households = Set<String>()
    var warnings: [String: (disposal: String, level: String, status: String, county: String)] = [:]
    var workTasks: [String: (kind: String, status: String)] = [:]
    var casework: [String: (kind: String, state: String, sequence: Int)] = [:]
    var referrals: [String: (domain: String, status: String)] = [:]
    var decisions: [String: String] = [:]              // referral → latest decision status
    var escalations: [String: Bool] = [:]              // referral → an escalation stands
    var holdings: [String: ProgramHoldings] = [:]      // household → programmes held
    var reliefPaid: [String: Int64] = [:]              // disbursement → fen (this month)
    var payroll: [String: (amountFen: Int64, payable: Bool, revision: Int)] = [:]
    var deadLetters = 0
    var classifierCategories: [String: Int]?
    var counties: [(label: String, households: Int, openWarnings: Int)] = []

    init(month: String) { self.month = month }

    static func object(_ bytes: [UInt8]) -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:] }

    mutating func add(topic: String, type: String, time: String?, value: [UInt8]) {
        if topic == ContractTopic.deadletter.name { deadLetters += 1; return }
        let o = Self.object(value)
        func s(_ k: String) -> String { o[k] as? String ?? "" }
        switch EventType(rawValue: type) {
        case .intakeAccepted?: intake[s("submissionId")] = "accepted"
        case .intakeRejected?: intake[s("submissionId")] = "rejected"
        case .registryHousehold?: households.insert(s("householdId"))
        case .monitoringWarning?:
            warnings[s("warningId")] = (s("disposal"), s("level"), s("status"), String(s("regionCode").prefix(6)))
        case .workTask?: workTasks[s("taskId")] = (s("kind"), s("status").isEmpty ? "open" : s("status"))
        case .caseworkTask?:
            let seq = o["sequence"] as? Int ?? 0
            if (casework[s("taskId")]?.sequence ?? -1) <= seq { casework[s("taskId")] = (s("kind"), s("state"), seq) }
        case .referral?: referrals[s("referralId")] = (s("domain"), s("status"))
        case .assistanceOutcome?:
            if let ref = o["referralId"] as? String { decisions[ref] = s("status") }
            if let outcome = try? JSONDecoder().decode(Outcome.self, from: Data(value)) {
                holdings[outcome.householdId, default: ProgramHoldings()].apply(outcome)
            }
        case .referralEscalated?: escalations[s("referralId")] = (o["retracted"] as? Bool) != true
        case .reliefDisbursement?:
            let paidAt = (o["paidAt"] as? String) ?? time ?? ""
            if Self.monthOf(paidAt) == month { reliefPaid[s("disbursementId")] = (o["amountFen"] as? NSNumber)?.int64Value ?? 0 }
        default:
            if type == "basic-living.payroll.v1", (o["month"] as? String) == month {
                let revision = o["revision"] as? Int ?? 0
                if (payroll[s("payrollId")]?.revision ?? -1) <= revision {
                    payroll[s("payrollId")] = ((o["amountFen"] as? NSNumber)?.int64Value ?? 0, s("status") != "cancelled", revision)
                }
            }
        }
    }

    /// The month (China Standard Time) of an RFC 3339 time.
    static func monthOf(_ time: String) -> String? {
        guard let ms = Timestamp.milliseconds(time) else { return nil }
        return String(Timestamp.rfc3339(milliseconds: ms + 8 * 3_600_000).prefix(7))
    }

    /// open warnings by disposal / level.
    var openWarnings: [String: Int] {
        var out: [String: Int] = [:]
        for w in warnings.values where w.status == "open" { out["\(w.disposal) / \(w.level)", default: 0] += 1 }
        return out
    }

    /// Each task's state now: the worklist's when it has published one, else the issuer's.
    var taskStates: [String: (kind: String, state: String)] {
        var out: [String: (kind: String, state: String)] = [:]
        for (id, t) in workTasks { out[id] = (t.kind, t.status == "cancelled" ? "cancelled" : "open") }
        for (id, t) in casework {
            // A task the classifier cancelled after the worklist last spoke of it is cancelled, unless done.
            if workTasks[id]?.status == "cancelled" && t.state != "done" { out[id] = (t.kind, "cancelled"); continue }
            out[id] = (t.kind, t.state)
        }
        return out
    }

    /// kind → state → count, and totals per state.
    var tasksByKind: [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for t in taskStates.values { out[t.kind, default: [:]][t.state, default: 0] += 1 }
        return out
    }

    /// A referral's final status: superseded; decided (granted, denied, closed); withdrawn;
    /// overdue (an escalation stands); accepted; pending.
    var referralStatus: [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for (id, r) in referrals {
            let decision = decisions[id]
            let status: String
            if r.status == "superseded" { status = "superseded" }
            else if let d = decision, ["granted", "denied", "closed"].contains(d) { status = d }
            else if r.status == "withdrawn" { status = "withdrawn" }
            else if escalations[id] == true { status = "overdue" }
            else if decision == "accepted" { status = "accepted" }
            else { status = "pending" }
            out[r.domain, default: [:]][status, default: 0] += 1
        }
        return out
    }

    /// domain/programme → (people, households).
    var programmes: [String: (people: Int, households: Int)] {
        var out: [String: (people: Int, households: Int)] = [:]
        for (_, h) in holdings {
            var seen = Set<String>()
            for key in h.keys {
                let name = "\(key.domain.rawValue)/\(key.program)"
                var entry = out[name] ?? (0, 0)
                entry.people += 1
                if seen.insert(name).inserted { entry.households += 1 }
                out[name] = entry
            }
        }
        return out
    }

    func json() -> String {
        var tasks: [String: Int] = [:]
        for t in taskStates.values { tasks[t.state, default: 0] += 1 }
        let payable = payroll.values.filter(\.payable)
        let doc: [String: Any] = [
            "eventsRead": eventsRead,
            "submissions": ["accepted": intake.values.filter { $0 == "accepted" }.count, "rejected": intake.values.filter { $0 == "rejected" }.count],
            "households": households.count,
            "openWarnings": openWarnings, "openWarningsTotal": openWarnings.values.reduce(0, +),
            "tasks": tasks, "tasksByKind": tasksByKind,
            "referrals": referralStatus,
            "programmes": programmes.mapValues { ["people": $0.people, "households": $0.households] },
            "month": month,
            "relief": ["paidFen": reliefPaid.values.reduce(0, +), "stages": reliefPaid.count],
            "payroll": ["lines": payable.count, "amountFen": payable.map(\.amountFen).reduce(0, +)],
            "deadLetters": deadLetters,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    func print() {
        func yuan(_ fen: Int64) -> String { String(format: "%.2f", Double(fen) / 100) }
        func section(_ title: String, _ rows: [String: Int]) {
            Swift.print("\n\(title)")
            if rows.isEmpty { Swift.print("  (none)") }
            for (k, v) in rows.sorted(by: { $0.key < $1.key }) { Swift.print("  \(k.padding(toLength: 40, withPad: " ", startingAt: 0)) \(v)") }
        }
        Swift.print("== Doudi summary: the state now (\(eventsRead) events read to the end offsets captured at start) ==")
        Swift.print("submissions accepted \(intake.values.filter { $0 == "accepted" }.count), rejected \(intake.values.filter { $0 == "rejected" }.count); "
                    + "households in the registry \(households.count)")
        if let all = classifierCategories { section("households by category (classifier)", all) }
        if !counties.isEmpty {
            Swift.print("\nhouseholds and open warnings by county (classifier)")
            for c in counties.prefix(40) {
                Swift.print("  \(c.label.padding(toLength: 34, withPad: " ", startingAt: 0)) \(c.households) households, \(c.openWarnings) open warnings")
            }
            if counties.count > 40 { Swift.print("  … and \(counties.count - 40) more counties (GET /v1/stats on the classifier lists all)") }
        }
        let open = openWarnings
        section("open warnings now, by disposal / level (\(open.values.reduce(0, +)) open)", open)
        var totals: [String: Int] = [:]
        for t in taskStates.values { totals[t.state, default: 0] += 1 }
        Swift.print("\ntasks: \(totals["open"] ?? 0) open, \(totals["assigned"] ?? 0) assigned, \(totals["overdue"] ?? 0) overdue, "
                    + "\(totals["done"] ?? 0) done, \(totals["cancelled"] ?? 0) cancelled")
        for (kind, states) in tasksByKind.sorted(by: { $0.key < $1.key }) {
            let line = ["open", "assigned", "overdue", "done", "cancelled"].compactMap { s in states[s].map { "\(s) \($0)" } }.joined(separator: ", ")
            Swift.print("  \(kind.padding(toLength: 40, withPad: " ", startingAt: 0)) \(line)")
        }
        Swift.print("\nreferrals by final status")
        if referrals.isEmpty { Swift.print("  (none)") }
        for (domain, states) in referralStatus.sorted(by: { $0.key < $1.key }) {
            let line = states.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            Swift.print("  \(domain.padding(toLength: 40, withPad: " ", startingAt: 0)) \(line)")
        }
        Swift.print("\npeople on each programme")
        if programmes.isEmpty { Swift.print("  (none)") }
        for (name, n) in programmes.sorted(by: { $0.key < $1.key }) {
            Swift.print("  \(name.padding(toLength: 40, withPad: " ", startingAt: 0)) \(n.people) (\(n.households) households)")
        }
        Swift.print("\n\(month): relief paid \(yuan(reliefPaid.values.reduce(0, +))) yuan in \(reliefPaid.count) stages")
        let payable = payroll.values.filter(\.payable)
        if payroll.isEmpty { Swift.print("\(month): no basic-living payroll on the topics") }
        else { Swift.print("\(month): basic-living payroll \(yuan(payable.map(\.amountFen).reduce(0, +))) yuan on \(payable.count) lines") }
        Swift.print("dead letters: \(deadLetters)")
    }
}
