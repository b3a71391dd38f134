// The warnings state machine (§3.2, §3.4): one open warning per (household, domain, disposal),
// opened when a decision raises it and resolved when the condition is gone or a granted outcome
// lands. Pure: every transition takes an event time and returns what to publish, so replaying
// the same events yields the same warning ids.

public struct WarningKey: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var householdId: String
    public var domain: Domain
    public var disposal: Disposal
    public init(householdId: String, domain: Domain, disposal: Disposal) {
        self.householdId = householdId; self.domain = domain; self.disposal = disposal
    }
    public var description: String { "\(householdId)-\(domain.rawValue)-\(disposal.rawValue)" }
    public static func < (a: Self, b: Self) -> Bool {
        (a.householdId, a.domain.order, a.disposal.rawValue) < (b.householdId, b.domain.order, b.disposal.rawValue)
    }
}

extension Warning {
    /// Warnings group needs of one domain; a warning without needs counts as coordination.
    public var domain: Domain { needs.first?.domain ?? .coordination }
    public var key: WarningKey { WarningKey(householdId: householdId, domain: domain, disposal: disposal) }
}

/// What a transition asks the service to publish (`monitoring.warning.v1`, status open or resolved).
public struct LedgerChanges: Sendable, Equatable {
    public var opened: [Warning] = []
    public var resolved: [Warning] = []
    /// Open warnings whose needs or level changed with the facts (a new `revision`).
    public var revised: [Warning] = []
    public init(opened: [Warning] = [], resolved: [Warning] = [], revised: [Warning] = []) {
        self.opened = opened; self.resolved = resolved; self.revised = revised
    }
    public var isEmpty: Bool { opened.isEmpty && resolved.isEmpty && revised.isEmpty }
    public mutating func add(_ other: LedgerChanges) {
        opened += other.opened; resolved += other.resolved; revised += other.revised
    }
}

public struct WarningLedger: Sendable, Equatable, Codable {
    public private(set) var open: [WarningKey: Warning] = [:]
    /// How many warnings were ever opened per key; the next id ends with this number.
    public private(set) var openings: [WarningKey: Int] = [:]
    /// Referral warnings (not_covered, policy_not_implemented) whose referral was denied.
    public private(set) var denied: Set<WarningKey> = []
    /// The referral whose denial put a key in `denied`: a warning the reclassification resolves
    /// because of that denial (special hardship takes over) names it as `resolvedBy`, so the
    /// router keeps that decided referral instead of withdrawing it, whichever it reads first.
    public private(set) var deniedBy: [WarningKey: String] = [:]
    /// policy_not_implemented warnings the ledger opened itself (a due check): a decision cannot
    /// see them, so they stay open while the decision still raises the not_covered warning of their
    /// domain (the entitled benefit has still not landed). Those a decision raises stay only while
    /// it raises them.
    public private(set) var escalatedByLedger: Set<WarningKey> = []

    /// Restores a ledger from stored open warnings; an opening count missing for a key is taken
    /// from the open warning's id (`…-<n>` means n + 1 openings).
    public init(open warnings: [Warning] = [], openings: [WarningKey: Int] = [:], denied: Set<WarningKey> = []) {
        self.openings = openings
        self.denied = denied
        for w in warnings where w.status == .open {
            open[w.key] = w
            let n = w.warningId.split(separator: "-").last.flatMap { Int($0) }.map { $0 + 1 } ?? 1
            self.openings[w.key] = max(self.openings[w.key] ?? 0, n)
        }
    }

    public static func warningId(_ key: WarningKey, n: Int) -> String {
        "w-\(key.householdId)-\(key.domain.rawValue)-\(key.disposal.rawValue)-\(n)"
    }

    public func openWarnings(householdId: String) -> [Warning] {
        open.values.filter { $0.householdId == householdId }.sorted { $0.key < $1.key }
    }

    /// Applies a new decision: opens the warnings it raises that are not open yet and resolves
    /// open warnings of the household whose condition is gone.
    public mutating func reconcile(_ decision: Classifier.Decision, at time: CivilDate) -> LedgerChanges {
        var changes = LedgerChanges()
        let hh = decision.householdId
        let raised = Set(decision.warnings.map { WarningKey(householdId: hh, domain: $0.domain, disposal: $0.disposal) })
        let needDomains = Set(decision.needs.map(\.domain))
        // A denial stays on record while the hardship of its domain remains.
        denied = denied.filter { $0.householdId != hh || needDomains.contains($0.domain) }

        for key in open.keys.sorted() where key.householdId == hh {
            let present: Bool = switch key.disposal {
            case .notCovered, .noLongerEligible: raised.contains(key)
            // Escalations the decision cannot see (a due check): kept while the decision still
            // raises the referral whose benefit has not landed (not_covered of that domain).
            case .policyNotImplemented:
                raised.contains(key) || (escalatedByLedger.contains(key)
                    && raised.contains(WarningKey(householdId: hh, domain: key.domain, disposal: .notCovered)))
            case .specialHardship: raised.contains(key) || needDomains.contains(key.domain)
            }
            if !present { changes.resolved.append(resolve(key, at: time, by: denied.contains(key) ? deniedBy[key] : nil)) }
        }
        for w in decision.warnings {
            let key = WarningKey(householdId: hh, domain: w.domain, disposal: w.disposal)
            guard var current = open[key] else {
                changes.opened.append(openWarning(key, decision: decision, raised: w, at: time))
                continue
            }
            // The same condition with other facts (a school stage, an income): the warning follows
            // the facts it rests on, as a new revision, so that its referral can be amended.
            guard current.needs != w.needs || current.level != w.level else { continue }
            if w.level < current.level, let opened = CivilDate(iso: current.openedAt),
               let due = current.dueBy.flatMap({ CivilDate(iso: $0) }) {
                current.dueBy = min(due, opened.adding(days: w.deadlineDays)).description
            }
            current.needs = w.needs
            current.level = w.level
            current.reasons = w.reasons
            current.category = decision.category
            current.standardsVersion = decision.record.standardsVersion
            current.revision = (current.revision ?? 0) + 1
            open[key] = current
            changes.revised.append(current)
        }
        return changes
    }

    /// Applies `assistance.outcome.v1`: granted resolves the domain's referral warnings (and
    /// special hardship); closed resolves its exit review; denied is recorded, and when every
    /// referral of the household is denied the case becomes special hardship (§3.4).
    ///
    /// `held` lists the programmes held after the outcome (HeldPrograms): a warning whose needs name
    /// several people resolves once each of them holds a programme of its domain, so a grant for
    /// the first person does not leave the others to a new warning and a second referral.
    public mutating func record(_ outcome: Outcome, at time: CivilDate, held: [ProgramKey]? = nil) -> LedgerChanges {
        var changes = LedgerChanges()
        let hh = outcome.householdId
        let keys = open.keys.filter { $0.householdId == hh && $0.domain == outcome.domain }.sorted()
        switch outcome.status {
        case .granted:
            let held = held ?? [ProgramKey(outcome)]
            for key in keys where key.disposal != .noLongerEligible {
                guard let w = open[key], w.needs.allSatisfy({ Self.isCovered($0, by: held) }) else { continue }
                denied.remove(key)
                changes.resolved.append(resolve(key, at: time, by: outcome.referralId ?? outcome.outcomeId))
            }
            // Departments answer in any order: a grant that leaves only denied referrals open
            // escalates as the last denial would have, so the result does not depend on the order.
            if !changes.resolved.isEmpty, everyReferralDenied(householdId: hh) { changes.opened += escalate(hh, at: time) }
        case .closed:
            for key in keys where key.disposal == .noLongerEligible {
                changes.resolved.append(resolve(key, at: time, by: outcome.referralId ?? outcome.outcomeId))
            }
        case .denied:
            let targets = keys.filter { Self.isReferral($0.disposal) && (outcome.warningId == nil || open[$0]?.warningId == outcome.warningId) }
            denied.formUnion(targets)
            for key in targets { deniedBy[key] = outcome.referralId ?? outcome.outcomeId }
            if everyReferralDenied(householdId: hh) { changes.opened += escalate(hh, at: time) }
        case .accepted, .withdrawn:
            break
        }
        return changes
    }

    /// A need is covered by a programme of its domain held by its person, or by the household
    /// (a programme or a need that names nobody).
    static func isCovered(_ need: Need, by held: [ProgramKey]) -> Bool {
        held.contains { $0.domain == need.domain && ($0.personKey == nil || need.personKey == nil || $0.personKey == need.personKey) }
    }

    /// True when the household has denied referrals and none of its open referrals is still pending.
    public func everyReferralDenied(householdId hh: String) -> Bool {
        let referrals = open.keys.filter { $0.householdId == hh && Self.isReferral($0.disposal) }
        return denied.contains { $0.householdId == hh } && referrals.allSatisfy(denied.contains)
    }

    /// The domains to pass as `ClassificationContext.deniedReferralDomains`: all denied domains once
    /// every referral was denied, and afterwards those already escalated to special hardship (so a
    /// later referral elsewhere does not send an escalated case back to its department).
    public func deniedReferralDomains(householdId hh: String) -> Set<Domain> {
        let mine = denied.filter { $0.householdId == hh }
        if everyReferralDenied(householdId: hh) { return Set(mine.map(\.domain)) }
        return Set(mine.filter { open[WarningKey(householdId: hh, domain: $0.domain, disposal: .specialHardship)] != nil }
            .map(\.domain))
    }

    /// Open not_covered warnings with no granted outcome by their due date (`now` after `dueBy`):
    /// the entitled benefit has not landed. Driven by event time only, so replay is deterministic.
    public static func dueChecks(openWarnings: [Warning], now: CivilDate) -> [Warning] {
        openWarnings.filter { w in
            guard w.status == .open, w.disposal == .notCovered, let due = w.dueBy.flatMap({ CivilDate(iso: $0) }) else { return false }
            return now > due
        }.sorted { $0.key < $1.key }
    }

    /// Opens a policy_not_implemented warning (§3.4: find the cause and implement the policy) for
    /// every overdue referral that has none open yet.
    public mutating func checkDue(now: CivilDate) -> LedgerChanges {
        var changes = LedgerChanges()
        for overdue in Self.dueChecks(openWarnings: Array(open.values), now: now) {
            if let w = implementPolicy(overdue, at: now, detail: "no granted outcome for \(overdue.warningId) by \(overdue.dueBy ?? "?")") {
                changes.opened.append(w)
            }
        }
        return changes
    }

    /// The router escalated the referral of `warningId` (its deadline passed with no outcome):
    /// opens policy_not_implemented for that household and domain while the warning is still open.
    public mutating func escalate(warningId: String, at time: CivilDate, detail: String) -> LedgerChanges {
        guard let source = open.values.first(where: { $0.warningId == warningId }) else { return LedgerChanges() }
        return LedgerChanges(opened: implementPolicy(source, at: time, detail: detail).map { [$0] } ?? [])
    }

    /// policy_not_implemented for the domain of `source`, unless one is open already.
    private mutating func implementPolicy(_ source: Warning, at time: CivilDate, detail: String) -> Warning? {
        let key = WarningKey(householdId: source.householdId, domain: source.domain, disposal: .policyNotImplemented)
        guard open[key] == nil else { return nil }
        var w = source
        w.disposal = .policyNotImplemented
        w.reasons.append(ClassifierRule.policyNotImplemented.reason(detail))
        escalatedByLedger.insert(key)
        return store(key, w, at: time, days: source.deadlineDays)
    }

    static func isReferral(_ d: Disposal) -> Bool { d == .notCovered || d == .policyNotImplemented }

    private mutating func escalate(_ hh: String, at time: CivilDate) -> [Warning] {
        var opened: [Warning] = []
        for key in denied.filter({ $0.householdId == hh }).sorted() {
            let special = WarningKey(householdId: hh, domain: key.domain, disposal: .specialHardship)
            guard open[special] == nil, let source = open[key] else { continue }
            var w = source
            w.disposal = .specialHardship
            w.level = min(source.level, .orange)
            w.needs = source.needs.map { var n = $0; n.facts["deniedDomains"] = key.domain.rawValue; return n }
            w.reasons.append(ClassifierRule.specialHardship.reason("every referral denied, hardship remains: \(key.domain.rawValue)"))
            opened.append(store(special, w, at: time, days: source.deadlineDays))
        }
        return opened
    }

    private mutating func openWarning(_ key: WarningKey, decision: Classifier.Decision, raised: Classifier.RaisedWarning,
                                      at time: CivilDate) -> Warning {
        let w = Warning(warningId: "", householdId: key.householdId, regionCode: decision.regionCode, area: decision.area,
                        disposal: key.disposal, level: raised.level, category: decision.category, needs: raised.needs,
                        reasons: raised.reasons, status: .open, openedAt: "",
                        standardsVersion: decision.record.standardsVersion)
        return store(key, w, at: time, days: raised.deadlineDays)
    }

    private mutating func store(_ key: WarningKey, _ template: Warning, at time: CivilDate, days: Int) -> Warning {
        let n = openings[key] ?? 0
        var w = template
        w.warningId = Self.warningId(key, n: n)
        w.status = .open
        w.openedAt = time.description
        w.resolvedAt = nil
        w.dueBy = time.adding(days: days).description
        openings[key] = n + 1
        open[key] = w
        return w
    }

    private mutating func resolve(_ key: WarningKey, at time: CivilDate, by decision: String? = nil) -> Warning {
        var w = open.removeValue(forKey: key)!
        escalatedByLedger.remove(key)
        w.status = .resolved
        w.resolvedAt = time.description
        w.resolvedBy = decision
        return w
    }
}

extension Warning {
    /// The warning as published: needs name people by person key only (§ privacy: the router adds
    /// the name and identity number of the person to help, for that department alone).
    public var withoutIdentities: Warning {
        var w = self
        w.needs = needs.map { var n = $0; n.name = nil; n.idNumber = nil; return n }
        return w
    }

    /// Per department a referral of this warning goes to, a fingerprint of what it is made from
    /// (disposal, level, the needs it carries without names): the state of the warning a
    /// department's decision answers (`Referral.basis`, echoed in `Outcome.basis`).
    public var bases: [Domain: String] {
        var groups: [Domain: [Need]] = [:]
        for var need in needs {
            need.name = nil; need.idNumber = nil  // as `withoutIdentities`, without copying the rest of the warning
            groups[ReferralPlanner.target(of: need, disposal: disposal), default: []].append(need)
        }
        return groups.mapValues { Warning.basis(disposal: disposal, level: level, needs: $0) }  // ReferralBasis.swift
    }

    /// Days between opening and due date (the level's deadline when it was opened).
    var deadlineDays: Int {
        guard let opened = CivilDate(iso: openedAt), let due = dueBy.flatMap({ CivilDate(iso: $0) }) else {
            return level.deadlineDays
        }
        return due.dayNumber - opened.dayNumber
    }
}
