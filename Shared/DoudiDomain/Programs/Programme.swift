// What the five department handlers share (§4.2): read the referral's needs, apply the
// region's rules, and answer with `assistance.outcome.v1` — first `accepted` for the referral,
// then one `granted`, `denied` or `closed` outcome per measure decided. Pure and deterministic:
// the same referral, history and date give the same outcomes with the same ids.

/// Year-to-date amounts a programme has already paid, per recipient: the person key, or the
/// household id for a household need. Amounts granted within one `decide` count as well.
public struct PaidToDate: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public private(set) var byRecipient: [String: Int64]

    public init(_ byRecipient: [String: Int64] = [:]) { self.byRecipient = byRecipient }
    public init(dictionaryLiteral elements: (String, Int64)...) {
        self.init(Dictionary(elements, uniquingKeysWith: +))
    }

    public func paid(_ recipient: String) -> Int64 { byRecipient[recipient] ?? 0 }

    /// Grants as much of `want` as the annual `cap` leaves (all of it when there is no cap) and
    /// records it; returns the amount granted, never negative.
    mutating func take(_ want: Int64, cap: Int64?, for recipient: String) -> Int64 {
        let room = cap.map { max(0, $0 - paid(recipient)) } ?? Int64.max
        let granted = max(0, min(want, room))
        if granted > 0 { byRecipient[recipient, default: 0] += granted }
        return granted
    }
}

extension PaidToDate {
    /// A cash measure under an annual cap: granted in full, reduced to what the cap leaves, or
    /// denied when nothing is left. `what` describes the entitlement; `clause` is the reference.
    mutating func cash(_ program: String, _ want: Int64, cap: Int64?, for recipient: String,
                       what: String, clause: String) -> ProgrammeDecision {
        guard want > 0 else { return .deny(program, "\(what): nothing payable (\(clause))") }
        let before = paid(recipient)
        let granted = take(want, cap: cap, for: recipient)
        let capText = cap.map { "annual cap \(FenMath.yuan($0)) (paid \(FenMath.yuan(before)) this year)" } ?? ""
        guard granted > 0 else { return .deny(program, "\(what): \(capText) reached (\(clause))") }
        return .grant(program, granted, what + (granted < want ? ", limited by the \(capText)" : "") + " (\(clause))")
    }
}

/// One measure decided for one need.
public struct ProgrammeDecision: Sendable, Equatable {
    public var program: String
    public var status: OutcomeStatus
    public var amountFen: Int64?
    public var reason: String

    public static func grant(_ program: String, _ amountFen: Int64?, _ reason: String) -> ProgrammeDecision {
        ProgrammeDecision(program: program, status: .granted, amountFen: amountFen, reason: reason)
    }
    public static func deny(_ program: String, _ reason: String) -> ProgrammeDecision {
        ProgrammeDecision(program: program, status: .denied, amountFen: nil, reason: reason)
    }
}

public protocol Programme: Sendable {
    associatedtype Rules: DefaultedRules
    /// The referral domain this handler answers.
    static var domain: Domain { get }
    /// The programme's general name, used for the `accepted` and `closed` outcomes.
    static var program: String { get }
    var rules: RegionalRules<Rules> { get }

    /// The measures for one need under the region's `rules`; `paid` is updated by what is granted.
    func assess(_ need: Need, in referral: Referral, rules: Rules, paid: inout PaidToDate, on date: CivilDate) -> [ProgrammeDecision]
}

extension Programme {
    public static func outcomeId(referralId: String, n: Int) -> String { "out-\(referralId)-\(n)" }

    /// Outcomes for a referral: `accepted`, then the decisions of every need in order. A
    /// referral that ends assistance (`no_longer_eligible`, §3.4) closes it instead. A referral
    /// for another domain gets no answer from this handler.
    public func decide(referral: Referral, history: PaidToDate, on date: CivilDate) -> [Outcome] {
        decision(referral: referral, history: history, on: date).outcomes
    }

    /// `decide`, plus the year-to-date amounts after it (what a handler persists, so that the
    /// next referral of the same recipient sees what this one paid under the programme's caps).
    public func decision(referral: Referral, history: PaidToDate, on date: CivilDate) -> (outcomes: [Outcome], paid: PaidToDate) {
        guard referral.domain == Self.domain else { return ([], history) }
        let rules = self.rules.rules(for: referral.regionCode)
        var paid = history
        var decided: [(Need?, ProgrammeDecision)] = [(nil, ProgrammeDecision(program: Self.program, status: .accepted, amountFen: nil,
                                                          reason: "referral received (\(referral.disposal.rawValue))"))]
        for need in referral.needs {
            let decisions = referral.disposal == .noLongerEligible
                ? [ProgrammeDecision(program: Self.program, status: .closed, amountFen: nil,
                            reason: "assistance ended: no longer eligible after verification (§3.4)")]
                : assess(need, in: referral, rules: rules, paid: &paid, on: date)
            decided += decisions.map { (need, $0) }
        }
        // Grants before denials: a referral granted in part is answered, and its denied parts,
        // published after, find the warning resolved instead of escalating it as if nothing had
        // been granted (§3.4) — whatever the order of the needs in the referral.
        func rank(_ s: OutcomeStatus) -> Int { s == .accepted ? 0 : s == .denied ? 2 : 1 }
        decided = decided.enumerated().sorted { (rank($0.element.1.status), $0.offset) < (rank($1.element.1.status), $1.offset) }
            .map(\.element)
        let outcomes = decided.enumerated().map { i, item in
            Outcome(outcomeId: Self.outcomeId(referralId: referral.referralId, n: i + 1), referralId: referral.referralId,
                    warningId: referral.warningId, householdId: referral.householdId, domain: Self.domain,
                    program: item.1.program, status: item.1.status, amountFen: item.1.amountFen,
                    personKey: item.0?.personKey, decidedAt: date.description, reason: item.1.reason)
        }
        return (outcomes, paid)
    }
}

extension Programme {
    public static func outcomeId(referralId: String, revision: Int, n: Int) -> String {
        revision == 0 ? outcomeId(referralId: referralId, n: n) : "out-\(referralId)-r\(revision)-\(n)"
    }

    /// The outcomes that take a case from what was decided before (`earlier`, its outcomes in the
    /// order published) to the decision on an amended referral (Convergence: decisions follow the
    /// facts they rest on). A measure decided again the same way keeps the date it was first
    /// decided — and is published again only to say which facts it now rests on (`basis`), so a
    /// referral amended and amended back ends where one never amended would; a changed amount is
    /// granted again; a measure no longer decided (granted or denied) is withdrawn as superseded;
    /// new grants and denials are published. Ids carry the revision, so the same amendment decided
    /// again is the same outcomes.
    public func redecision(referral: Referral, earlier: [Outcome], history: PaidToDate, on date: CivilDate)
        -> (outcomes: [Outcome], paid: PaidToDate) {
        let revision = referral.revision ?? 0
        let (fresh, paid) = decision(referral: referral, history: history, on: date)
        var last: [ProgramKey: Outcome] = [:]
        var standingGrant: [ProgramKey: Outcome] = [:]  // as `ProgramHoldings` folds this source
        for o in earlier where o.status != .accepted {
            let key = ProgramKey(o)
            last[key] = o
            switch o.status {
            case .granted: standingGrant[key] = o
            case .withdrawn, .closed: standingGrant[key] = nil
            default: break
            }
        }
        var out: [Outcome] = []
        var kept = Set<ProgramKey>()
        for o in fresh where o.status != .accepted {
            let key = ProgramKey(o)
            kept.insert(key)
            if let before = last[key], before.status == o.status, before.amountFen == o.amountFen {
                guard before.basis != referral.basis else { continue }
                var again = o
                again.decidedAt = before.decidedAt
                out.append(again)
                continue
            }
            // The same facts decided the same way before (the referral amended and amended back):
            // the decision is dated as it was then.
            var decided = o
            if let then = earlier.last(where: { $0.basis != nil && $0.basis == referral.basis && ProgramKey($0) == key
                                                 && $0.status == o.status && $0.amountFen == o.amountFen }) {
                decided.decidedAt = then.decidedAt
            }
            out.append(decided)
        }
        for (key, before) in last.sorted(by: { $0.key < $1.key })
        where (before.status == .granted || before.status == .denied) && !kept.contains(key) {
            out.append(withdrawal(of: before, referral: referral, revision: revision, on: date))
        }
        // A grant the new decision denies is withdrawn first: a denial takes nothing back by itself
        // (`ProgramHoldings`), so without it a grant made on a state of the warning a correction
        // took back would stand. Numbered apart (`-w<n>`), so the other outcomes keep their ids.
        let grantedAgain = Set(fresh.filter { $0.status == .granted }.map(ProgramKey.init))
        let deniedNow = Set(fresh.filter { $0.status == .denied }.map(ProgramKey.init))
        let takeBacks = standingGrant.sorted(by: { $0.key < $1.key })
            .filter { deniedNow.contains($0.key) && !grantedAgain.contains($0.key) }
            .enumerated().map { i, item in
                var o = withdrawal(of: item.value, referral: referral, revision: revision, on: date)
                o.outcomeId = "out-\(referral.referralId)-r\(revision)-w\(i + 1)"
                return o
            }
        let numbered = out.enumerated().map { i, o in
            var o = o
            o.outcomeId = Self.outcomeId(referralId: referral.referralId, revision: revision, n: i + 1)
            return o
        }
        return (takeBacks + numbered, paid)
    }

    /// `before` taken back by revision `revision` of the referral (numbered by the caller).
    private func withdrawal(of before: Outcome, referral: Referral, revision: Int, on date: CivilDate) -> Outcome {
        Outcome(outcomeId: "", referralId: referral.referralId, warningId: referral.warningId,
                householdId: referral.householdId, domain: Self.domain, program: before.program, status: .withdrawn,
                personKey: before.personKey, decidedAt: date.description,
                reason: "superseded by revision \(revision) of the referral: the facts it rests on changed")
    }

    /// Every decision of a case taken back, grants and denials: its warning never held (a
    /// correction, `superseded`), so the referral leaves no decision behind — whether the
    /// department decided it before the correction arrived or not (Convergence).
    public func superseded(referral: Referral, earlier: [Outcome], on date: CivilDate) -> [Outcome] {
        var last: [ProgramKey: Outcome] = [:]
        for o in earlier where o.status != .accepted { last[ProgramKey(o)] = o }
        let used = Set(earlier.map(\.outcomeId))
        return last.sorted(by: { $0.key < $1.key }).filter { $0.value.status == .granted || $0.value.status == .denied }.enumerated().map { i, item in
            // A referral superseded, sent again (an intermediate state of its warning) and decided
            // again is superseded again: that withdrawal names the decision it takes back, as the
            // first one's id already stands for another (and would be taken for a re-delivery).
            let first = "out-\(referral.referralId)-superseded-\(i + 1)"
            return Outcome(outcomeId: used.contains(first) ? "\(first)-of-\(item.value.outcomeId)" : first, referralId: referral.referralId,
                    warningId: referral.warningId, householdId: referral.householdId, domain: Self.domain, program: item.value.program,
                    status: .withdrawn, personKey: item.value.personKey, decidedAt: date.description,
                    reason: "superseded: a correction showed the warning behind this referral never held (§3.4)")
        }
    }
}

extension Referral {
    /// Everyone whose annual caps a decision on this referral counts against (keys `PaidToDate`).
    public var recipients: Set<String> { Set(needs.map { $0.recipient(in: self) }) }
}

extension Need {
    /// The person helped, or the household for a household need (keys `PaidToDate`).
    func recipient(in referral: Referral) -> String { personKey ?? referral.householdId }

    /// A fact as a non-negative integer (fen, years, counts); nil when absent or malformed.
    func integer(_ key: String) -> Int64? {
        guard let text = facts[key], let n = Int64(text), n >= 0 else { return nil }
        return n
    }

    /// A decimal fact in hundredths (e.g. `areaM2` "12.5" → 1250), exact without floating point.
    func hundredths(_ key: String) -> Int64? {
        guard let text = facts[key] else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0]), whole >= 0, !parts[0].hasPrefix("+") else { return nil }
        var part: Int64 = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy(\.isNumber), let f = Int64(parts[1]) else { return nil }
            part = parts[1].count == 1 ? f * 10 : f
        }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: 100)
        return overflow ? nil : scaled + part
    }
}
