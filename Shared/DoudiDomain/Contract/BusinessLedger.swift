// The suite's business state as the public record (the topics) tells it, in canonical form, so
// that two runs — or a run before and after a replay — can be compared key by key (the
// convergence property, docs/architecture.md "Convergence"). Each entry is its final state:
// the last event published for its id, with bookkeeping that does not decide anything (version
// numbers, processing times) left out. What a correction took back — warnings retracted,
// referrals superseded, tasks cancelled, escalations retracted — is intermediate: counted, not
// compared. Pure: the reader (Shared/Ledger) hands in payload bytes in offset order.

public struct BusinessLedger: Sendable, Equatable {
    /// Section → entry key → canonical JSON (sorted keys) of the entry's final state.
    public var sections: [String: [String: String]]
    /// Section → entries left out as intermediate (taken back by a correction).
    public var intermediate: [String: Int]

    public init(sections: [String: [String: String]] = [:], intermediate: [String: Int] = [:]) {
        self.sections = sections; self.intermediate = intermediate
    }

    /// Every section the fold fills, in print order.
    public static let sectionNames = ["intake", "households", "signals", "warnings", "tasks", "referrals", "outcomes",
                                      "programmes", "escalations", "disbursements", "funds", "deadletters"]

    /// The differences between two ledgers, section by section: keys only in one, and values that differ.
    public func differences(from other: BusinessLedger) -> [LedgerDifference] {
        var out: [LedgerDifference] = []
        for section in Set(sections.keys).union(other.sections.keys).sorted() {
            let mine = sections[section] ?? [:], theirs = other.sections[section] ?? [:]
            for key in Set(mine.keys).union(theirs.keys).sorted() where mine[key] != theirs[key] {
                out.append(LedgerDifference(section: section, key: key, this: mine[key], other: theirs[key]))
            }
        }
        return out
    }
}

public struct LedgerDifference: Sendable, Equatable, CustomStringConvertible {
    public var section: String
    public var key: String
    public var this: String?
    public var other: String?

    public init(section: String, key: String, this: String?, other: String?) {
        self.section = section; self.key = key; self.this = this; self.other = other
    }

    /// A difference names the path of a personal field (`PersonalFields`) and hides its values,
    /// so that `doudi ledger --diff` and `doudi topics repartition --verify` can be pasted into a
    /// ticket or a log.
    static let hidden = JSONValue.string("‹personal data hidden›")
    /// Ledger entries are the suite's own canonical JSON: large limits, one parse per entry.
    static let limits = JSONLimits(maxInputBytes: 8 << 20, maxDepth: 64, maxStringBytes: 1 << 20)

    /// The section, the key and each path where the two differ, with both values; personal fields
    /// (at any depth) are shown as hidden.
    public var description: String {
        func parse(_ s: String?) -> JSONValue? { s.flatMap { try? JSONParser.parse(Array($0.utf8), limits: Self.limits) } }
        guard let x = parse(this), let y = parse(other) else {
            func whole(_ s: String?) -> String {
                guard let s else { return "(absent)" }
                guard let v = parse(s) else { return "(not JSON, \(s.utf8.count) bytes, hidden)" }
                return Self.redacted(v).serialized
            }
            return "\(section) \(key)\n  this:  \(whole(this))\n  other: \(whole(other))"
        }
        var lines = ["\(section) \(key)"]
        Self.paths(x, y, at: "", into: &lines)
        return lines.joined(separator: "\n")
    }

    /// A value with every personal field's value hidden, at any depth.
    static func redacted(_ v: JSONValue) -> JSONValue {
        switch v {
        case .object(let o):
            return .object(Dictionary(uniqueKeysWithValues: o.map { k, v in (k, PersonalFields.names.contains(k) ? hidden : redacted(v)) }))
        case .array(let a): return .array(a.map(redacted))
        default: return v
        }
    }

    /// The paths where two JSON values differ, with both values (short ones only in full).
    static func paths(_ a: JSONValue?, _ b: JSONValue?, at path: String, into lines: inout [String]) {
        if a == b { return }
        if let x = a?.objectValue, let y = b?.objectValue {
            for k in Set(x.keys).union(y.keys).sorted() {
                if PersonalFields.names.contains(k) {
                    if x[k] != y[k] { lines.append("  \(path).\(k): differs (personal data hidden)") }
                } else {
                    paths(x[k], y[k], at: path + "." + k, into: &lines)
                }
            }
            return
        }
        if let x = a?.arrayValue, let y = b?.arrayValue, x.count == y.count {
            for i in x.indices { paths(x[i], y[i], at: path + "[\(i)]", into: &lines) }
            return
        }
        func show(_ v: JSONValue?) -> String { v.map { String(redacted($0).serialized.prefix(300)) } ?? "(absent)" }
        lines.append("  \(path.isEmpty ? "(value)" : path): this \(show(a)) | other \(show(b))")
    }
}

/// Folds the events of the business topics, in offset order per partition (every key stays on
/// one partition), into a `BusinessLedger`.
public struct LedgerFold: Sendable {
    private var entries: [String: [String: JSONValue]] = [:]
    private var taken: [String: Set<String>] = [:]
    private var holdings: [String: ProgramHoldings] = [:]
    private var disbursed: [String: (fund: String, fen: Int64)] = [:]
    private var profileVersions: [String: Int64] = [:]

    public init() {}

    /// Fields that are bookkeeping, not business state, per section.
    static let volatile: [String: Set<String>] = [
        "intake": ["acceptedAt", "rejectedAt"],
        "households": ["version", "updatedAt"],
        "escalations": ["escalatedAt"],
        // How many times a referral was amended depends on what the router saw before a correction.
        "referrals": ["revision"],
        "disbursements": ["paidAt"],
    ]

    /// One event. `deadLetter` gives a dead letter's original topic and `dlq_error` (its payload is not read).
    public mutating func add(topic: ContractTopic, type: String, payload: [UInt8], eventId: String = "",
                             deadLetter: (topic: String, error: String)? = nil) {
        if topic == .deadletter {
            let d = deadLetter ?? ("?", "?")
            put("deadletters", "\(d.topic)/\(eventId)", .object(["error": .string(d.error)]))
            return
        }
        guard let value = try? JSONParser.parse(payload, limits: JSONLimits(maxInputBytes: 8 << 20, maxDepth: 64,
                                                                            maxStringBytes: 1 << 20, maxNumberLength: 64)),
              let object = value.objectValue else { return }
        func string(_ key: String) -> String { object[key]?.stringValue ?? "" }
        switch EventType(rawValue: type) {
        case .intakeAccepted?:
            put("intake", string("submissionId"), .object(["status": .string("accepted")]))
        case .intakeRejected?:
            var codes = (object["errors"]?.arrayValue ?? []).compactMap { e -> String? in
                guard let f = e.objectValue else { return nil }
                return "\(f["field"]?.stringValue ?? ""):\(f["code"]?.stringValue ?? "")"
            }
            codes.sort()
            put("intake", string("submissionId"), .object(["status": .string("rejected"), "errors": .array(codes.map(JSONValue.string))]))
        case .registryHousehold?:
            let id = string("householdId")
            let version = object["version"].flatMap(Self.integer) ?? 0
            guard version >= profileVersions[id] ?? Int64.min else { return }
            profileVersions[id] = version
            var p = object
            for key in ["sourceSubmissions", "channels"] {
                if let list = p[key]?.arrayValue { p[key] = .array(list.sorted { $0.serialized < $1.serialized }) }
            }
            if let list = p["conflicts"]?.arrayValue { p["conflicts"] = .array(Array(Set(list)).sorted { $0.serialized < $1.serialized }) }
            put("households", id, .object(p))
        case .monitoringSignal?:
            put("signals", string("signalId"), value, takenBack: object["retracted"] == .bool(true))
        case .monitoringWarning?:
            put("warnings", string("warningId"), value, takenBack: string("status") == "retracted")
        case .workTask?:
            put("tasks", string("taskId"), value, takenBack: string("status") == "cancelled")
        case .referral?:
            put("referrals", string("referralId"), value, takenBack: string("status") == "superseded")
        case .assistanceOutcome?:
            // The decision that stands per referral (or case), programme and person: an amended
            // referral decided again replaces it; a withdrawn one leaves none.
            let key = [object["referralId"]?.stringValue ?? string("outcomeId"), string("program"), string("personKey")]
                .joined(separator: "|")
            switch string("status") {
            case "accepted": break
            case "withdrawn": put("outcomes", key, value, takenBack: true)
            default:
                var o = object
                o["outcomeId"] = nil
                o["reason"] = nil
                put("outcomes", key, .object(o))
            }
            hold(object)
        case .referralEscalated?:
            put("escalations", string("escalationId"), value, takenBack: object["retracted"] == .bool(true))
        case .reliefDisbursement?:
            put("disbursements", string("disbursementId"), value)
            disbursed[string("disbursementId")] = (string("fundedFrom"), object["amountFen"].flatMap(Self.integer) ?? 0)
        default:
            break  // inputs (submissions, records, applications) are not business state
        }
    }

    /// The programmes held, by the rule every service applies (ProgramHoldings).
    private mutating func hold(_ o: [String: JSONValue]) {
        func text(_ k: String) -> String? { o[k]?.stringValue }
        guard let domain = text("domain").flatMap(Domain.init(rawValue:)), let status = text("status").flatMap(OutcomeStatus.init(rawValue:)) else { return }
        let outcome = Outcome(outcomeId: text("outcomeId") ?? "", referralId: text("referralId"), warningId: text("warningId"),
                              householdId: text("householdId") ?? "", domain: domain, program: text("program") ?? "", status: status,
                              amountFen: o["amountFen"].flatMap(Self.integer), personKey: text("personKey"),
                              decidedAt: text("decidedAt") ?? "", reason: "")
        holdings[outcome.householdId, default: ProgramHoldings()].apply(outcome)
    }

    private mutating func put(_ section: String, _ key: String, _ value: JSONValue, takenBack: Bool = false) {
        var v = value
        if let drop = Self.volatile[section], var o = v.objectValue {
            for k in drop { o[k] = nil }
            v = .object(o)
        }
        entries[section, default: [:]][key] = v
        if takenBack { taken[section, default: []].insert(key) } else { taken[section]?.remove(key) }
    }

    static func integer(_ v: JSONValue) -> Int64? {
        guard case .number(let n) = v else { return nil }
        return Int64(n.lexeme)
    }

    public func ledger() -> BusinessLedger {
        var out = BusinessLedger()
        for name in BusinessLedger.sectionNames { out.sections[name] = [:] }
        for (section, values) in entries {
            let gone = taken[section] ?? []
            var kept: [String: String] = [:]
            for (key, value) in values where !gone.contains(key) { kept[key] = value.serialized }
            out.sections[section] = kept
            if !gone.isEmpty { out.intermediate[section] = gone.count }
        }
        var programmes: [String: String] = [:]
        for (household, held) in holdings {
            for p in held.programs {
                programmes[[household, p.domain.rawValue, p.program, p.personKey ?? ""].joined(separator: "|")] =
                    CanonicalEncoding.serialized(["amountFen": p.amountFen.map(String.init) ?? "", "since": p.since])
            }
        }
        out.sections["programmes"] = programmes
        var byFund: [String: Int64] = [:]
        for (_, d) in disbursed { byFund[d.fund, default: 0] += d.fen }
        out.sections["funds"] = byFund.mapValues { "{\"disbursedFen\":\($0)}" }
        return out
    }
}
