// One household's decisions as a function of its inputs (RULES.md "Convergence", §3.4): the
// registry's history (a profile per point in fact time) and the departments' outcomes, folded in
// fact-time order, with the due checks of each day the event clock has passed. Inputs that arrive
// out of order are folded in their place, so the warnings, their revisions and the tasks are the
// same whatever order the topics were read in; what a late input shows never held is left out of
// the result, and the service takes it back (retracted warnings, cancelled tasks).
//
// At each point in time: the due checks of the days before it, then the profile of that point is
// evaluated (Classifier.evaluate) and the warning ledger reconciled, then the outcomes of that
// point are applied (a department's answer follows the warning that caused it, at the same
// instant), re-evaluating when they change the ledger.

/// An input of a household's history at the classifier.
public struct ClassifierInput: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A registry version: the household as of its point (`asOf`).
        case profile(HouseholdProfile)
        /// A department's answer (or relief's), at the time it was decided.
        case outcome(Outcome)
    }
    public var kind: Kind
    public var time: FactTime

    public init(_ kind: Kind, time: FactTime) { self.kind = kind; self.time = time }

    /// Profiles before outcomes at the same instant; then by id.
    var order: (FactTime, Int, String) {
        switch kind {
        case .profile(let p): (time, 0, String(p.version + 1_000_000_000))
        case .outcome(let o): (time, 1, o.outcomeId)
        }
    }

    public var id: String {
        switch kind {
        case .profile(let p): "profile/\(p.asOf ?? time.text)"
        case .outcome(let o): "outcome/\(o.outcomeId)"
        }
    }
}

/// What the replay carries from one point to the next, and its result.
public struct HouseholdHistory: Sendable, Equatable, Codable {
    public var householdId: String
    /// The last point applied.
    public var point: FactTime?
    /// The latest time applied: the last point or the last due check, whichever is later. An input
    /// at or before it cannot be applied in place; the household is replayed.
    public var horizon: FactTime?
    /// not_covered warnings whose due date was checked (§3.4), by id.
    public var dueChecked: Set<String> = []
    public var profile: HouseholdProfile?
    public var ledger = WarningLedger()
    /// What outcomes said of each programme (the classifier's only source of programmes held).
    public var holdings = ProgramHoldings()
    /// Every warning opened, in its latest state (open, revised or resolved), by id.
    public var warnings: [String: Warning] = [:]
    /// Every task issued, by id.
    public var tasks: [String: WorkTask] = [:]
    /// When each warning reached its latest state, and when each task was issued (the time of
    /// the point, or the start of the day of a due check): the events' canonical times.
    public var changedAt: [String: FactTime] = [:]
    public var notLowIncomeSince: CivilDate?
    /// Times the authorisation gate began holding referrals back (request_authorization episodes).
    public var authorizationEpisodes = 0
    public var authorizationHeld = false
    /// Outcomes whose warning has not been opened (yet) in this history.
    public var waiting: [Outcome] = []
    /// Every state (`Warning.bases`) each warning had in this history: a decision on another state
    /// answers a referral made from a state a correction showed never held, and is left out.
    public var bases: [String: Set<String>] = [:]
    /// The latest decision's category and reasons (for statistics and explanations).
    public var category: Category?
    public var reasons: [Reason] = []
    public var standardsVersion: String?

    public init(householdId: String) { self.householdId = householdId }

    /// Programmes held now, from the outcomes.
    public var programs: [Program] { holdings.programs }
    public var openWarnings: [Warning] { ledger.openWarnings(householdId: householdId) }
}

/// A household's history and, when known, the state just before its last point's inputs were
/// applied (with that point's due checks run): what `HouseholdReplay.fold` folds a late input of
/// the last point from.
public struct HouseholdFold: Sendable, Equatable {
    public var history: HouseholdHistory
    public var beforeLast: HouseholdHistory?

    public init(history: HouseholdHistory, beforeLast: HouseholdHistory? = nil) {
        self.history = history; self.beforeLast = beforeLast
    }
}

public enum HouseholdReplay {
    /// The household's history from its inputs, up to the event clock's day (due checks of days
    /// after its last input run up to `clockDay`).
    public static func replay(_ householdId: String, inputs: [ClassifierInput], standards: LocalStandards,
                              clockDay: CivilDate?) -> HouseholdHistory {
        var h = HouseholdHistory(householdId: householdId)
        advance(&h, with: inputs, standards: standards, clockDay: clockDay)
        return h
    }

    /// True when `inputs` can be applied after `h` without replaying: each is after everything
    /// applied, and on or after the day of the last due check run. A replay runs an input's due
    /// checks up to the day its time is written in; a check moves the horizon to midnight of its
    /// day in China, so an input written in another offset ("2026-10-16T20:00:00Z", the 17th at
    /// 04:00 in China) can be after that midnight and still on the day before the check: a replay
    /// applies it before the check, and so must the classifier.
    public static func canAdvance(_ h: HouseholdHistory, with inputs: [ClassifierInput]) -> Bool {
        guard let horizon = h.horizon else { return true }
        let checkedDay = horizon.date
        return inputs.allSatisfy { input in
            guard input.time > horizon else { return false }
            guard let checkedDay else { return true }
            return input.time.date.map { $0 >= checkedDay } ?? false
        }
    }

    /// Applies inputs (all after `h.point`) in order, then the due checks up to `clockDay`.
    public static func advance(_ h: inout HouseholdHistory, with inputs: [ClassifierInput], standards: LocalStandards,
                               clockDay: CivilDate?) {
        var unused: HouseholdHistory? = nil
        advance(&h, with: inputs, standards: standards, clockDay: clockDay, beforeLast: &unused)
    }

    /// `advance`, keeping in `beforeLast` the state just before the last point's inputs were
    /// applied (that point's due checks run); untouched when there are no inputs.
    static func advance(_ h: inout HouseholdHistory, with inputs: [ClassifierInput], standards: LocalStandards,
                        clockDay: CivilDate?, beforeLast: inout HouseholdHistory?) {
        let sorted = inputs.sorted { $0.order < $1.order }
        var i = 0
        while i < sorted.count {
            let t = sorted[i].time
            var group: [ClassifierInput] = []
            while i < sorted.count, sorted[i].time == t { group.append(sorted[i]); i += 1 }
            if let day = t.date { dueChecks(&h, before: day.adding(days: 1)) }
            if i == sorted.count { beforeLast = h }
            apply(group, at: t, to: &h, standards: standards)
        }
        if let clockDay { dueChecks(&h, before: clockDay.adding(days: 1)) }
    }

    /// How `fold` brought a history up to date.
    public enum FoldPath: Sendable, Hashable {
        /// The new inputs came after everything applied: applied in place.
        case advanced
        /// They were of the last point: that point's inputs folded again from the state before it.
        case lastPointAgain
        /// Every input folded again from the start.
        case replayed
    }

    /// Brings a household's history up to date with `added`, given every input stored now
    /// (`stored`, `added` among them; read only when needed) — the same history as
    /// `replay(stored)`, at the least cost:
    /// - inputs after everything applied are applied in place (`canAdvance`);
    /// - inputs of the last point (a department's answer comes at the time of the warning that
    ///   asked, which is that point's time) fold that point's inputs again from the state just
    ///   before it (`HouseholdFold.beforeLast`, kept only when a replay made it). A replay folds
    ///   the same groups in the same order from the same state, and a point's due checks, already
    ///   run, find nothing more to check;
    /// - anything else replays every input.
    public static func fold(_ previous: HouseholdFold?, added: [ClassifierInput], stored: () throws -> [ClassifierInput],
                            householdId: String, standards: LocalStandards, clockDay: CivilDate?) rethrows -> (HouseholdFold, FoldPath) {
        if let previous, canAdvance(previous.history, with: added) {
            // The state before the last point is kept only where it is a replay's own: an advance
            // in place is not always one (a due check moves the horizon to midnight in China, an
            // input written in another offset may fall before it in a replay), and a snapshot
            // that only the memory holds must never make a decision a replay would not — after an
            // eviction, a restart or a takeover the same inputs are replayed. From nothing, an
            // advance is a replay; with no input (the due checks of a later day) the last point
            // and the state before it stay what they were.
            var h = previous.history, captured: HouseholdHistory? = nil
            advance(&h, with: added, standards: standards, clockDay: clockDay, beforeLast: &captured)
            let before = added.isEmpty ? previous.beforeLast : (previous.history.horizon == nil ? captured : nil)
            return (HouseholdFold(history: h, beforeLast: before), .advanced)
        }
        if let previous, var h = previous.beforeLast, let point = previous.history.point, !added.isEmpty,
           added.allSatisfy({ $0.time == point }) {
            var before: HouseholdHistory? = nil
            advance(&h, with: try stored().filter { $0.time == point }, standards: standards, clockDay: clockDay, beforeLast: &before)
            return (HouseholdFold(history: h, beforeLast: before), .lastPointAgain)
        }
        var h = HouseholdHistory(householdId: householdId), before: HouseholdHistory? = nil
        advance(&h, with: try stored(), standards: standards, clockDay: clockDay, beforeLast: &before)
        return (HouseholdFold(history: h, beforeLast: before), .replayed)
    }

    /// The due checks (§3.4, policy_not_implemented) of the days before `day`: an open
    /// not_covered warning with no programme of its domain by its `dueBy` gets one on the day
    /// after `dueBy` — the warning's day, not the day the event clock happened to move. Each
    /// warning is checked once.
    static func dueChecks(_ h: inout HouseholdHistory, before day: CivilDate) {
        let now = day.adding(days: -1)
        while true {
            // WarningLedger.dueChecks' rule, not checked yet, read in place: this runs before every
            // point and nearly always finds nothing.
            var overdue: [(CivilDate, Warning)] = []
            for w in h.ledger.open.values where w.status == .open && w.disposal == .notCovered && w.householdId == h.householdId {
                guard let dueBy = w.dueBy, let due = CivilDate(iso: dueBy), now > due, !h.dueChecked.contains(w.warningId) else { continue }
                overdue.append((due.adding(days: 1), w))
            }
            guard let first = overdue.map(\.0).min() else { return }
            overdue.sort { $0.1.key < $1.1.key }
            if let t = FactTime(first.description), h.horizon.map({ $0 < t }) ?? true { h.horizon = t }
            for (when, w) in overdue where when == first {
                h.dueChecked.insert(w.warningId)
                record(h.ledger.escalate(warningId: w.warningId, at: first,
                                         detail: "no granted outcome for \(w.warningId) by \(w.dueBy ?? "?")"), in: &h,
                       at: FactTime(first.description) ?? h.point)
            }
        }
    }

    /// One point: its profile evaluated, then its outcomes (and any waiting for a warning now open).
    static func apply(_ group: [ClassifierInput], at t: FactTime, to h: inout HouseholdHistory, standards: LocalStandards) {
        h.point = t
        if h.horizon.map({ $0 < t }) ?? true { h.horizon = t }
        var evaluate = false
        for input in group {
            if case .profile(let p) = input.kind { h.profile = p; evaluate = true }
        }
        let asOf = t.date ?? CivilDate(year: 1970, month: 1, day: 1)!
        if evaluate { evaluateNow(&h, standards: standards, asOf: asOf, at: t) }
        var pending = h.waiting + group.compactMap { input -> Outcome? in
            if case .outcome(let o) = input.kind { return o }
            return nil
        }
        h.waiting = []
        var progress = true
        while progress {
            progress = false
            var still: [Outcome] = []
            for o in pending {
                if let id = o.warningId, h.warnings[id] == nil { still.append(o); continue }
                if applyOutcome(o, to: &h, asOf: asOf, at: t) { evaluateNow(&h, standards: standards, asOf: asOf, at: t) }
                progress = true
            }
            pending = still
        }
        h.waiting = pending
    }

    /// Applies an outcome; true when the ledger opened something (the household is evaluated again).
    static func applyOutcome(_ o: Outcome, to h: inout HouseholdHistory, asOf: CivilDate, at t: FactTime) -> Bool {
        if let basis = o.basis, let id = o.warningId, h.bases[id]?.contains(basis) == false { return false }
        h.holdings.apply(o)
        if o.status == .accepted { return false }
        let held = h.holdings.keys
        let changes = h.ledger.record(o, at: asOf, held: held)
        record(changes, in: &h, at: t)
        return !changes.opened.isEmpty
    }

    /// Evaluates the current profile as of `asOf` and reconciles the ledger; derives the tasks.
    public static func evaluateNow(_ h: inout HouseholdHistory, standards: LocalStandards, asOf: CivilDate, at t: FactTime) {
        guard var profile = h.profile else { return }
        profile.programs = h.programs
        var context = ClassificationContext(signals: (profile.departmentFacts ?? []).filter {
            (CivilDate(iso: $0.occurredOn) ?? asOf) <= asOf
        })
        context.notLowIncomeSince = h.notLowIncomeSince
        context.deniedReferralDomains = h.ledger.deniedReferralDomains(householdId: h.householdId)
        let decision = Classifier.evaluate(profile: profile, context: context, standards: standards, asOf: asOf)
        let changes = h.ledger.reconcile(decision, at: asOf)
        record(changes, in: &h, at: t)
        h.notLowIncomeSince = decision.category == .notLowIncome ? (h.notLowIncomeSince ?? asOf) : nil
        h.category = decision.category
        h.reasons = decision.record.reasons
        h.standardsVersion = decision.record.standardsVersion
        issueTasks(decision, unverified: profile.unverifiedClaims ?? [], to: &h, at: t)
    }

    static func record(_ changes: LedgerChanges, in h: inout HouseholdHistory, at t: FactTime?) {
        for w in changes.opened + changes.revised + changes.resolved {
            // A warning's bases depend on its disposal, level and needs alone; when the state
            // recorded before has the same three, its bases are in the set already (a fingerprint
            // per department was a twentieth of the classifier's CPU, docs/benchmarks.md).
            let before = h.warnings.updateValue(w, forKey: w.warningId)
            let sameBases = before.map { $0.disposal == w.disposal && $0.level == w.level && $0.needs == w.needs } ?? false
            if !sameBases || h.bases[w.warningId] == nil { h.bases[w.warningId, default: []].formUnion(w.bases.values) }
            if let t { h.changedAt[w.warningId] = t }
        }
    }

    /// Tasks with ids from the facts they follow: the authorisation episode, the household (one
    /// staff-relative review), the exit or special-hardship warning they serve, the claim to verify.
    static func issueTasks(_ d: Classifier.Decision, unverified: [UnverifiedClaim], to h: inout HouseholdHistory, at time: FactTime) {
        let hh = h.householdId
        let gate = d.tasks.first { $0.kind == .requestAuthorization }
        if gate != nil, !h.authorizationHeld { h.authorizationEpisodes += 1 }
        h.authorizationHeld = gate != nil
        func issue(_ t: WorkTask, id: String) {
            guard h.tasks[id] == nil else { return }
            var task = t
            task.taskId = id
            h.tasks[id] = task
            h.changedAt[id] = time
        }
        for t in d.tasks {
            switch t.kind {
            case .requestAuthorization: issue(t, id: "t-\(hh)-request_authorization-\(h.authorizationEpisodes)")
            case .staffRelativeReview: issue(t, id: "t-\(hh)-staff_relative_review")
            case .verifyExit:
                for w in h.openWarnings where w.disposal == .noLongerEligible { issue(t, id: "t-\(w.warningId)-verify_exit") }
            case .caseConference:
                for w in h.openWarnings where w.disposal == .specialHardship { issue(t, id: "t-\(w.warningId)-case_conference") }
            default: issue(t, id: t.taskId)
            }
        }
        for claim in unverified {
            let t = WorkTask(taskId: "", householdId: hh, regionCode: d.regionCode, kind: .homeVisit,
                             reason: "verify an unverified \(claim.channel.rawValue) collection (\(claim.source)) that differs on "
                                 + "\(claim.fieldGroups.joined(separator: ",")) (§2.2.2: declared information is verified before use)",
                             dueBy: d.asOf.adding(days: 15).description)
            issue(t, id: "t-\(hh)-home_visit-claim-\(claim.source)")
        }
    }
}
