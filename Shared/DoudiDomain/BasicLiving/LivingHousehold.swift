// The basic-living cases of one household and how each input changes them (§4.1, §3.4): a
// referral (new, amended, withdrawn, superseded), an operator's review, the registry's facts. Each
// returns the `assistance.outcome.v1` to publish — `accepted` on receipt, then `granted` (a new or
// changed monthly amount), `denied`, `closed` (assistance ended) or `withdrawn` — with ids from the
// case, its revision, the programme and the person, so that the same input decided again is the
// same outcome. Pure: decisions depend on the inputs and their dates only.

/// The rules and standard that apply to a referral's region.
public struct LivingRules: Sendable {
    public var policies: RegionalRules<BasicLivingPolicy>
    public var standards: LocalStandards
    public init(policies: RegionalRules<BasicLivingPolicy> = .init(), standards: LocalStandards = .defaults) {
        self.policies = policies; self.standards = standards
    }
    public func policy(_ regionCode: String) -> BasicLivingPolicy { policies.rules(for: regionCode) }
    /// The dibao standard of the region and area (urban when the referral does not say).
    public func standard(_ regionCode: String, _ area: Area?) -> LivingStandard {
        let s = standards.lookup(regionCode: regionCode)
        return LivingStandard(dibaoMonthlyFen: s.values.dibaoStandardFen(area ?? .urban),
                              version: "\(s.version)\(s.prefix.isEmpty ? "" : "@\(s.prefix)")")
    }
}

/// Why an operator's review cannot be recorded (answered as 409 or 404; no personal data).
public enum ReviewError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownCase
    case notWaitingFor(ReviewStep, stage: CaseStage)
    public var description: String {
        switch self {
        case .unknownCase: "no such case"
        case .notWaitingFor(let step, let stage): "the case is \(stage.rawValue), not waiting for the \(step.rawValue) review"
        }
    }
}

public struct LivingHousehold: Sendable, Equatable {
    public var cases: [LivingCase]
    /// Cases changed by the last call (the caller saves them).
    public private(set) var touched: Set<String> = []

    public init(cases: [LivingCase]) { self.cases = cases.sorted { $0.caseId < $1.caseId } }

    // MARK: referrals

    public mutating func receive(_ referral: Referral, on day: CivilDate, at time: String, rules: LivingRules) -> [Outcome] {
        switch referral.status {
        case .sent: return recorded(sent(referral, on: day, at: time, rules: rules))
        case .withdrawn: return recorded(withdrawn(referral, on: day, at: time))
        case .superseded: return recorded(superseded(referral, on: day, at: time))
        case .escalated: return []
        }
    }

    private mutating func sent(_ referral: Referral, on day: CivilDate, at time: String, rules: LivingRules) -> [Outcome] {
        let revision = referral.revision ?? 0
        let policy = rules.policy(referral.regionCode), standard = rules.standard(referral.regionCode, referral.area)
        let kind: CaseKind = referral.disposal == .noLongerEligible ? .exit : .admission
        var out: [Outcome] = []
        var c: LivingCase
        if let i = index(referral.referralId) {
            c = cases[i]
            // A re-sent referral changes nothing; one sent again after a withdrawal (its warning holds
            // after all) or amended (a higher revision) is decided again.
            guard revision > c.revision || c.stage == .withdrawn else { return [] }
            c.referral = referral; c.revision = revision; c.updatedAt = time
        } else {
            c = LivingCase(caseId: referral.referralId, referral: referral, kind: kind, stage: .awaitingPreliminaryReview,
                           revision: revision, reviews: [], decisions: [], lines: [], outcomes: [], receivedAt: time, updatedAt: time)
            out.append(outcome(c, suffix: "accepted", program: "basic_living", personKey: nil, status: .accepted, day: day,
                               reason: "referral received (\(referral.disposal.rawValue)): township preliminary review (初审), then "
                                   + (policy.confirmedBy == .county ? "county confirmation (审核确认)" : "township confirmation (delegated)")))
        }
        c.decisions = referral.needs.map { need in
            kind == .exit ? LivingAssessment.exit(need, program: heldProgram(for: need), policy: policy, standard: standard)
                          : LivingAssessment.assess(need, policy: policy, standard: standard)
        }
        let auto = policy.autoReview == .whenEstablished && (kind == .admission || policy.autoExit)
            && !c.decisions.isEmpty && c.decisions.allSatisfy(\.established)
        if c.stage != .confirmed { c.stage = .awaitingPreliminaryReview; c.reviews = c.reviews.filter { $0.step != .confirmation } }
        if auto {
            let by = "rules \(policy.version)"
            let note = "the referral's facts establish it"
            if c.stage != .confirmed {
                c.reviews.append(ReviewRecord(step: .preliminary, passed: true, by: by, on: day.description, note: note, automatic: true))
                if policy.confirmedBy == .county {
                    c.reviews.append(ReviewRecord(step: .confirmation, passed: true, by: by, on: day.description, note: note, automatic: true))
                }
            }
            out += confirm(&c, on: day, at: time)
        } else if c.stage == .confirmed {
            // An amendment that the facts alone do not settle waits for the county; the lines keep paying.
            c.stage = .awaitingConfirmation
        }
        store(c)
        return out
    }

    /// The warning was resolved: an undecided case closes; a decided one stands.
    private mutating func withdrawn(_ referral: Referral, on day: CivilDate, at time: String) -> [Outcome] {
        guard let i = index(referral.referralId) else {
            store(LivingCase(caseId: referral.referralId, referral: referral, kind: .admission, stage: .withdrawn,
                             revision: referral.revision ?? 0, reviews: [], decisions: [], lines: [], outcomes: [], receivedAt: time, updatedAt: time))
            return []
        }
        var c = cases[i]
        guard c.stage.isOpen, c.lines.isEmpty else { return [] }
        c.stage = .withdrawn; c.updatedAt = time
        let o = outcome(c, suffix: "withdrawn", program: "basic_living", personKey: nil, status: .withdrawn, day: day,
                        reason: "referral withdrawn before a decision: the warning was resolved (§3.4)")
        store(c)
        return [o]
    }

    /// The warning never held: every grant of the case is taken back and its lines end this month.
    private mutating func superseded(_ referral: Referral, on day: CivilDate, at time: String) -> [Outcome] {
        guard let i = index(referral.referralId) else {
            store(LivingCase(caseId: referral.referralId, referral: referral, kind: .admission, stage: .superseded,
                             revision: referral.revision ?? 0, reviews: [], decisions: [], lines: [], outcomes: [], receivedAt: time, updatedAt: time))
            return []
        }
        var c = cases[i]
        guard c.stage != .superseded else { return [] }
        var out: [Outcome] = []
        let month = PayrollMonth(day)
        for j in c.lines.indices where c.lines[j].isOpen {
            c.lines[j].endMonth = max(c.lines[j].startMonth, month)
            out.append(outcome(c, suffix: "\(lineSuffix(c.lines[j].program, c.lines[j].personKey))-superseded", program: c.lines[j].program,
                               personKey: c.lines[j].personKey, status: .withdrawn, day: day,
                               reason: "superseded: a correction showed the warning behind this referral never held (§3.4); paid through \(c.lines[j].endMonth!)"))
        }
        // Grants without a line of their own (already paid under another case), and denials: a
        // referral that never held leaves no decision behind, whenever it was decided.
        var last: [String: Outcome] = [:]
        for o in c.outcomes where o.status != .accepted { last[lineSuffix(o.program, o.personKey)] = o }
        for (suffix, before) in last.sorted(by: { $0.key < $1.key })
        where (before.status == .granted || before.status == .denied) && !c.lines.contains(where: { lineSuffix($0.program, $0.personKey) == suffix }) {
            out.append(outcome(c, suffix: "\(suffix)-superseded", program: before.program, personKey: before.personKey, status: .withdrawn,
                               day: day, reason: "superseded: a correction showed the warning behind this referral never held (§3.4)"))
        }
        c.stage = .superseded; c.updatedAt = time
        store(c)
        return out
    }

    // MARK: reviews

    /// Records the township's preliminary review or the county's confirmation. A failed review
    /// denies the case; a passed preliminary review confirms it where the township confirms.
    public mutating func review(caseId: String, step: ReviewStep, passed: Bool, by: String, note: String?,
                                verified: VerifiedFacts?, on day: CivilDate, at time: String, rules: LivingRules) throws(ReviewError) -> [Outcome] {
        guard let i = index(caseId) else { throw .unknownCase }
        var c = cases[i]
        guard c.waitingFor == step else { throw .notWaitingFor(step, stage: c.stage) }
        let policy = rules.policy(c.regionCode), standard = rules.standard(c.regionCode, c.referral.area)
        c.reviews.append(ReviewRecord(step: step, passed: passed, by: by, on: day.description, note: note, automatic: false))
        c.updatedAt = time
        if let verified, c.kind == .admission {
            c.decisions = c.referral.needs.map { LivingAssessment.assess($0, policy: policy, standard: standard, verified: verified) }
        }
        var out: [Outcome] = []
        if !passed {
            out = deny(&c, on: day, by: by, step: step, note: note)
        } else if step == .preliminary && policy.confirmedBy == .county {
            c.stage = .awaitingConfirmation
        } else {
            out = confirm(&c, on: day, at: time)
        }
        store(c)
        return recorded(out)
    }

    private func deny(_ c: inout LivingCase, on day: CivilDate, by: String, step: ReviewStep, note: String?) -> [Outcome] {
        let wasConfirmed = !c.lines.isEmpty
        c.stage = wasConfirmed ? .confirmed : .denied
        let why = "\(step == .preliminary ? "township preliminary review" : "county confirmation") did not pass"
            + (note.map { ": \($0)" } ?? "")
        if wasConfirmed { return [] } // an amendment not confirmed: the lines stand as they were
        return c.decisions.map { d in
            outcome(c, suffix: "\(lineSuffix(d.program, d.personKey))-denied", program: d.program, personKey: d.personKey,
                    status: .denied, day: day, reason: "\(why) (\(d.clause)); \(d.reason)")
        }
    }

    /// Applies the case's decisions: an admission opens, changes or ends its own lines (grants
    /// first, then denials, §3.4); an exit ends the household's lines it names.
    private mutating func confirm(_ c: inout LivingCase, on day: CivilDate, at time: String) -> [Outcome] {
        c.stage = .confirmed
        let month = PayrollMonth(day)
        let rev = c.revision == 0 ? "" : "r\(c.revision)-"
        var grants: [Outcome] = [], others: [Outcome] = []
        switch c.kind {
        case .admission:
            // What each measure last said (Convergence, as the handlers' redecision): a measure decided
            // again the same way is published again only when the facts it rests on changed (`basis`),
            // keeping the date it was first decided; a measure no longer decided is withdrawn.
            var last: [String: Outcome] = [:]
            for o in c.outcomes where o.status != .accepted { last[lineSuffix(o.program, o.personKey)] = o }
            func same(_ status: OutcomeStatus, _ fen: Int64?, _ suffix: String) -> Bool {
                guard let before = last[suffix], before.status == status, before.amountFen == fen else { return false }
                if before.basis != c.referral.basis {
                    var again = outcome(c, suffix: "\(rev)\(suffix)-\(status.rawValue)", program: before.program, personKey: before.personKey,
                                        status: status, amountFen: fen, day: day, reason: before.reason)
                    again.decidedAt = before.decidedAt
                    (status == .granted ? { grants.append(again) } : { others.append(again) })()
                }
                return true
            }
            var kept = Set<String>(), decided = Set<String>()
            for d in c.decisions {
                let suffix = lineSuffix(d.program, d.personKey)
                let lineId = "\(c.caseId)-\(suffix)"
                guard d.granted, let fen = d.monthlyFen else {
                    if !c.lines.contains(where: { $0.lineId == lineId && $0.isOpen }) {
                        decided.insert(suffix)
                        if same(.denied, nil, suffix) { continue }
                        others.append(outcome(c, suffix: "\(rev)\(suffix)-denied", program: d.program, personKey: d.personKey,
                                              status: .denied, day: day, reason: d.reason))
                    }
                    continue
                }
                kept.insert(lineId)
                decided.insert(suffix)
                // Held already through another case (a later referral for a benefit that has landed,
                // e.g. `policy_not_implemented` after an escalation): never a second line for the same
                // programme and person; the grant names the line that pays.
                if !c.lines.contains(where: { $0.lineId == lineId }),
                   let other = cases.first(where: { $0.caseId != c.caseId && $0.lines.contains { $0.isOpen && $0.program == d.program && $0.personKey == d.personKey } }),
                   let paying = other.lines.first(where: { $0.isOpen && $0.program == d.program && $0.personKey == d.personKey }) {
                    kept.remove(lineId)
                    let current = paying.steps.last?.amountFen ?? 0
                    if same(.granted, current, suffix) { continue }
                    grants.append(outcome(c, suffix: "\(rev)\(suffix)-granted", program: d.program, personKey: d.personKey, status: .granted,
                                          amountFen: current, day: day,
                                          reason: "already paid under case \(other.caseId) (line \(paying.lineId)), \(FenMath.yuan(current)) a month; \(d.reason)"))
                    continue
                }
                if let j = c.lines.firstIndex(where: { $0.lineId == lineId && $0.isOpen }) {
                    let from = month.adding(1)
                    guard c.lines[j].amount(in: from) != fen else { _ = same(.granted, last[suffix]?.amountFen, suffix); continue }
                    _ = c.lines[j].set(fen, from: from, asOf: time, reason: d.reason)
                    grants.append(outcome(c, suffix: "\(rev)\(suffix)-granted", program: d.program, personKey: d.personKey, status: .granted,
                                          amountFen: fen, day: day, reason: "amount changed from \(from) by revision \(c.revision): \(d.reason)"))
                } else {
                    c.lines.removeAll { $0.lineId == lineId }
                    c.lines.append(PaymentLine(lineId: lineId, caseId: c.caseId, program: d.program, personKey: d.personKey,
                                               householdId: c.householdId, regionCode: c.regionCode, startMonth: month, endMonth: nil,
                                               steps: [AmountStep(from: month, amountFen: fen, asOf: time, reason: d.reason)],
                                               rule: d.rule, clause: d.clause, rulesVersion: d.rulesVersion, standardsVersion: d.standardsVersion))
                    grants.append(outcome(c, suffix: "\(rev)\(suffix)-granted", program: d.program, personKey: d.personKey, status: .granted,
                                          amountFen: fen, day: day, reason: "\(d.reason); paid from \(month)"))
                }
            }
            var withdrawn = Set<String>()
            for j in c.lines.indices where c.lines[j].isOpen && !kept.contains(c.lines[j].lineId) {
                c.lines[j].endMonth = max(c.lines[j].startMonth, month)
                let suffix = lineSuffix(c.lines[j].program, c.lines[j].personKey)
                withdrawn.insert(suffix)
                others.append(outcome(c, suffix: "\(rev)\(suffix)-withdrawn",
                                      program: c.lines[j].program, personKey: c.lines[j].personKey, status: .withdrawn, day: day,
                                      reason: "superseded by revision \(c.revision) of the referral: the facts it rests on changed; paid through \(month)"))
            }
            // Grants without a line of their own (already paid elsewhere) and denials no longer decided.
            for (suffix, before) in last.sorted(by: { $0.key < $1.key })
            where (before.status == .granted || before.status == .denied) && !decided.contains(suffix) && !withdrawn.contains(suffix) {
                others.append(outcome(c, suffix: "\(rev)\(suffix)-withdrawn", program: before.program, personKey: before.personKey,
                                      status: .withdrawn, day: day,
                                      reason: "superseded by revision \(c.revision) of the referral: the facts it rests on changed"))
            }
        case .exit:
            for d in c.decisions {
                var ended: [String] = []
                for k in cases.indices where cases[k].caseId != c.caseId {
                    for j in cases[k].lines.indices where cases[k].lines[j].isOpen && matches(cases[k].lines[j], d) {
                        cases[k].lines[j].endMonth = max(cases[k].lines[j].startMonth, month)
                        cases[k].updatedAt = time
                        touched.insert(cases[k].caseId)
                        ended.append(cases[k].lines[j].lineId)
                    }
                }
                others.append(outcome(c, suffix: "\(rev)\(lineSuffix(d.program, d.personKey))-closed", program: d.program, personKey: d.personKey,
                                      status: .closed, day: day,
                                      reason: "\(d.reason); last month paid \(month)" + (ended.isEmpty ? " (no payment line of this service)" : "")))
            }
        }
        return grants + others
    }

    private func matches(_ line: PaymentLine, _ d: LivingDecision) -> Bool {
        if LivingProgramme(rawValue: d.program) == nil { return d.personKey != nil && line.personKey == d.personKey }
        return line.program == d.program && line.personKey == d.personKey
    }

    /// The programme an exit need without one in its reason (`not_a_member`) ends: the open line of that person.
    private func heldProgram(for need: Need) -> String? {
        guard let key = need.personKey else { return nil }
        return cases.lazy.flatMap(\.lines).first { $0.isOpen && $0.personKey == key }?.program
    }

    // MARK: registry facts

    /// The household's facts as of `asOf` (the registry): a dibao line's amount follows the
    /// per-capita income, a single-person line the person's own income, from the month after the
    /// facts' month (per month the latest facts win, in whatever order they arrive); an amount of 0
    /// suspends the line until the exit is verified (no outcome: the programme is held until
    /// then). A line still open whose latest amount differs from the amount last granted is granted
    /// again with it, so the amount held is the latest whatever the order of the facts.
    public mutating func registry(perCapitaMonthlyFen perCapita: Int64, members: Int64, ownIncome: [String: Int64],
                                  asOf: CivilDate, at time: String, rules: LivingRules) -> [Outcome] {
        var out: [Outcome] = []
        let from = PayrollMonth(asOf).adding(1)
        for i in cases.indices where cases[i].kind == .admission && !cases[i].lines.isEmpty {
            var c = cases[i]
            let policy = rules.policy(c.regionCode), standard = rules.standard(c.regionCode, c.referral.area)
            var changed = false
            for j in c.lines.indices {
                let line = c.lines[j]
                let fen: Int64, detail: String
                switch LivingProgramme(rawValue: line.program) {
                case .dibao:
                    fen = LivingAssessment.dibaoAmount(perCapita: perCapita, members: members, standard: standard.dibaoMonthlyFen, policy: policy)
                    detail = "per-capita income \(FenMath.yuan(perCapita)) for \(members) against the standard \(FenMath.yuan(standard.dibaoMonthlyFen))"
                case .singlePersonDibao:
                    guard let key = line.personKey, let own = ownIncome[key] else { continue }
                    fen = LivingAssessment.dibaoAmount(perCapita: own, members: 1, standard: standard.dibaoMonthlyFen, policy: policy)
                    detail = "own income \(FenMath.yuan(own)) against the standard \(FenMath.yuan(standard.dibaoMonthlyFen))"
                case .tekun, nil: continue
                }
                let effective = max(from, line.startMonth)
                let reason = fen == 0
                    ? "suspended from \(effective): \(detail) (§3.4: verify and end the assistance); rules \(policy.version), standards \(standard.version)"
                    : "\(line.rule) (\(line.clause)): amount from \(effective): \(detail) = \(FenMath.yuan(fen)) a month; rules \(policy.version), standards \(standard.version)"
                if c.lines[j].set(fen, from: effective, asOf: time, reason: reason) { changed = true }
                guard c.lines[j].isOpen, let last = c.lines[j].steps.last, last.amountFen > 0 else { continue }
                let granted = c.outcomes.last { $0.status == .granted && $0.program == line.program && $0.personKey == line.personKey }
                guard granted?.amountFen != last.amountFen else { continue }
                changed = true
                out.append(outcome(c, suffix: "\(lineSuffix(line.program, line.personKey))-m\(last.from)-\(last.amountFen)", program: line.program,
                                   personKey: line.personKey, status: .granted, amountFen: last.amountFen, day: asOf, reason: last.reason))
                c.outcomes.append(out[out.count - 1])
            }
            if changed { c.updatedAt = time; store(c) }
        }
        return out
    }

    /// Every registry point known for the household, in any order (after a referral opened or
    /// changed lines, the facts that arrived before it apply as well).
    public mutating func registry(_ points: [RegistryPoint], rules: LivingRules) -> [Outcome] {
        points.sorted { AmountStep.earlier($0.asOf, than: $1.asOf) }.flatMap { p -> [Outcome] in
            guard let day = CivilDate(iso: p.asOf) else { return [] }
            return registry(perCapitaMonthlyFen: p.perCapitaMonthlyFen, members: p.members, ownIncome: p.ownIncome, asOf: day, at: p.asOf, rules: rules)
        }
    }

    // MARK: helpers

    private func index(_ caseId: String) -> Int? { cases.firstIndex { $0.caseId == caseId } }

    private mutating func store(_ c: LivingCase) {
        if let i = index(c.caseId) { cases[i] = c } else { cases.append(c); cases.sort { $0.caseId < $1.caseId } }
        touched.insert(c.caseId)
    }

    public mutating func clearTouched() { touched = [] }

    /// Keeps each outcome with the case it answers (`GET /v1/cases/{id}` shows them).
    private mutating func recorded(_ outcomes: [Outcome]) -> [Outcome] {
        for o in outcomes { if let i = index(o.referralId ?? "") { cases[i].outcomes.append(o); touched.insert(cases[i].caseId) } }
        return outcomes
    }

    private func lineSuffix(_ program: String, _ personKey: String?) -> String { personKey.map { "\(program)-\($0)" } ?? program }

    private func outcome(_ c: LivingCase, suffix: String, program: String, personKey: String?, status: OutcomeStatus,
                         amountFen: Int64? = nil, day: CivilDate, reason: String) -> Outcome {
        Outcome(outcomeId: "out-\(c.caseId)-\(suffix)", referralId: c.caseId, warningId: c.referral.warningId, householdId: c.householdId,
                domain: .basicLiving, program: program, status: status, amountFen: amountFen, personKey: personKey,
                decidedAt: day.description, reason: reason, basis: c.referral.basis)
    }
}

/// What the payroll reads of one registry point: the household's income as of its fact time.
public struct RegistryPoint: Codable, Sendable, Equatable {
    public var asOf: String
    public var perCapitaMonthlyFen: Int64
    public var members: Int64
    /// Members' own monthly incomes by person key (single-person dibao).
    public var ownIncome: [String: Int64]
    public init(asOf: String, perCapitaMonthlyFen: Int64, members: Int64, ownIncome: [String: Int64] = [:]) {
        self.asOf = asOf; self.perCapitaMonthlyFen = perCapitaMonthlyFen; self.members = members; self.ownIncome = ownIncome
    }

    public init?(_ p: HouseholdProfile) {
        let (perCapita, members) = LivingAssessment.perCapitaMonthlyFen(p)
        guard members > 0 else { return nil }
        var own: [String: Int64] = [:]
        for m in p.members { if let key = m.personKey, let fen = m.monthlyIncomeFen { own[key] = max(0, fen) } }
        self.init(asOf: p.asOf ?? p.collectedAt, perCapitaMonthlyFen: perCapita, members: members, ownIncome: own)
    }
}

extension LivingAssessment {
    /// Per-capita monthly income of a registry profile, as the classifier computes it (RULES.md
    /// "Income and assets"): the larger of the income block and the members' own incomes, plus
    /// supporters' payments, over 12 months and the members.
    public static func perCapitaMonthlyFen(_ p: HouseholdProfile) -> (perCapita: Int64, members: Int64) {
        let n = Int64(p.members.count)
        guard n > 0 else { return (0, 0) }
        let membersAnnual = p.members.reduce(Int64(0)) { $0 + max(0, $1.monthlyIncomeFen ?? 0) * 12 }
        let support = p.supporters.reduce(Int64(0)) { $0 + max(0, $1.annualSupportFen) }
        return ((max(p.income.totalFen, membersAnnual) + support) / (12 * n), n)
    }
}
