// The router's memory of what it sent and what came back, so that re-deliveries plan nothing
// twice, a referral follows its warning's revisions, and a referral nobody decided by its
// deadline is escalated exactly once (§3.4: an entitled benefit that has not landed is "policy
// not implemented") — and only if it really was overdue: a decision or withdrawal dated on or
// before the deadline that arrives after the escalation takes the escalation back; one dated
// after it makes the escalation even when it arrives before the clock passed the deadline.
//
//   sent ──► accepted ──► decided
//     │          │   ▲
//     └──────────┴──►overdue
//   sent / accepted / overdue ──► withdrawn (the warning was resolved)
//   any ──► superseded (the warning was retracted: it never held)
//
// Transitions that do not apply (replays, late duplicates) are no-ops returning false.

public enum ReferralState: String, Codable, Sendable, CaseIterable {
    case sent, accepted, decided, overdue, withdrawn, superseded

    /// Still waiting for the department's decision.
    public var isOpen: Bool { self == .sent || self == .accepted || self == .overdue }
}

/// A referral past its deadline with no decision, to be escalated (once).
public struct Escalation: Sendable, Equatable, Codable {
    public var escalationId: String
    /// The referral, status `escalated`.
    public var referral: Referral
    public var daysOverdue: Int
    /// A correction: the referral was decided (or withdrawn) by its deadline after all.
    public var retracted: Bool
    public init(escalationId: String, referral: Referral, daysOverdue: Int, retracted: Bool = false) {
        self.escalationId = escalationId; self.referral = referral; self.daysOverdue = daysOverdue; self.retracted = retracted
    }
}

public struct ReferralLedger: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        /// The referral as last published: its `status` is `withdrawn` while a withdrawal stands.
        public var referral: Referral
        public var state: ReferralState
        /// An escalation stands for it (published and not taken back).
        public var escalated: Bool
        /// The earliest decision the department dated (granted, denied or closed).
        public var decidedOn: CivilDate?
        /// The resolution date of the warning that withdrew it, while the withdrawal stands.
        public var withdrawnOn: CivilDate?
        /// The deadline the standing escalation was made for: its take-back names the escalation
        /// published, even if an amendment moved the referral's deadline since.
        public var escalatedDue: CivilDate?
        public init(referral: Referral, state: ReferralState, escalated: Bool = false,
                    decidedOn: CivilDate? = nil, withdrawnOn: CivilDate? = nil, escalatedDue: CivilDate? = nil) {
            self.referral = referral; self.state = state; self.escalated = escalated
            self.decidedOn = decidedOn; self.withdrawnOn = withdrawnOn; self.escalatedDue = escalatedDue
        }

        /// The day the referral stopped waiting for its department: its first decision or its
        /// withdrawal, whichever is earlier; nil while it waits.
        public var settledOn: CivilDate? {
            switch (decidedOn, withdrawnOn) {
            case let (d?, w?): return min(d, w)
            case let (d?, nil): return d
            case let (nil, w?): return w
            case (nil, nil): return nil
            }
        }

        /// Whether its last publication withdrew it.
        public var publishedWithdrawn: Bool { referral.status == .withdrawn }
    }

    public private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// A ledger holding the given entries as they were persisted (a service loads only the
    /// entries one decision needs, e.g. one warning's referrals, rather than the whole ledger).
    public init(restoring entries: [Entry]) {
        for e in entries { self.entries[e.referral.referralId] = e }
    }

    public static func escalationId(referralId: String) -> String { "esc-\(referralId)" }

    public func contains(_ referralId: String) -> Bool { entries[referralId] != nil }
    public func state(of referralId: String) -> ReferralState? { entries[referralId]?.state }
    public func entry(_ referralId: String) -> Entry? { entries[referralId] }

    /// Open referrals of one warning, ordered by id.
    public func openReferrals(warningId: String) -> [Referral] {
        entries.values.filter { $0.referral.warningId == warningId && $0.state.isOpen }
            .map(\.referral).sorted { $0.referralId < $1.referralId }
    }

    /// Referrals of one warning not superseded, ordered by id.
    public func referrals(warningId: String) -> [Entry] {
        entries.values.filter { $0.referral.warningId == warningId && $0.state != .superseded }
            .sorted { $0.referral.referralId < $1.referral.referralId }
    }

    /// Records a sent referral (or an amended one: the new content, back to `sent` if it had been
    /// withdrawn); false when the same content was recorded before.
    @discardableResult
    public mutating func record(_ referral: Referral) -> Bool {
        if var e = entries[referral.referralId] {
            let reopen = e.state == .withdrawn || e.state == .superseded
            guard reopen || e.referral != referral else { return false }
            e.referral = referral
            if reopen { e.state = e.decidedOn == nil ? .sent : .decided; e.escalated = false; e.escalatedDue = nil; e.withdrawnOn = nil }
            entries[referral.referralId] = e
            return true
        }
        entries[referral.referralId] = Entry(referral: referral, state: .sent)
        return true
    }

    /// `resolvedOn`: the resolution date of the warning whose plan this is (withdrawals are dated by it).
    public mutating func apply(_ plan: RoutingPlan, resolvedOn: CivilDate? = nil) {
        for r in plan.send { record(r) }
        for r in plan.withdraw {
            if let day = resolvedOn { withdraw(r.referralId, on: day, as: r) } else { withdraw(r.referralId) }
        }
        for r in plan.supersede { supersede(r.referralId) }
    }

    /// The warning was resolved on `day` while this referral had no decision dated by then: it is
    /// withdrawn (a decision dated later does not count against a resolution that came first).
    @discardableResult
    public mutating func withdraw(_ id: String, on day: CivilDate, as published: Referral) -> Bool {
        guard var e = entries[id], e.state != .superseded, !e.publishedWithdrawn else { return false }
        if let d = e.decidedOn, d <= day { return false }
        e.state = .withdrawn
        e.withdrawnOn = day
        e.referral = published
        entries[id] = e
        return true
    }

    /// A withdrawal that the facts no longer support — the warning turned out to be resolved by
    /// this referral's own decision (`resolvedBy`), or a decision dated on or before the withdrawal
    /// has arrived — is taken back: the referral as it stands, status `sent`, to publish again.
    /// A superseded referral (its warning never held) stays superseded whatever decision comes.
    public mutating func reinstate(_ id: String, resolvedBy: String? = nil) -> Referral? {
        guard var e = entries[id], e.state != .superseded, e.publishedWithdrawn, let withdrawn = e.withdrawnOn else { return nil }
        let ownResolution = resolvedBy == id
        let decidedInTime = e.decidedOn.map { $0 <= withdrawn } ?? false
        guard ownResolution || decidedInTime else { return nil }
        e.referral.status = .sent
        e.withdrawnOn = nil
        e.state = e.decidedOn == nil ? .sent : .decided
        entries[id] = e
        return e.referral
    }

    @discardableResult public mutating func accept(_ referralId: String) -> Bool { move(referralId, to: .accepted, from: [.sent]) }
    @discardableResult public mutating func decide(_ referralId: String) -> Bool { move(referralId, to: .decided, from: [.sent, .accepted, .overdue]) }
    @discardableResult public mutating func withdraw(_ referralId: String) -> Bool { move(referralId, to: .withdrawn, from: [.sent, .accepted, .overdue]) }
    @discardableResult public mutating func supersede(_ referralId: String) -> Bool {
        move(referralId, to: .superseded, from: [.sent, .accepted, .overdue, .decided, .withdrawn])
    }

    /// Folds a department's outcome into the ledger: `accepted` accepts, `granted`, `denied`
    /// and `closed` decide; `withdrawn` (one measure taken back) leaves the referral as it is.
    /// Outcomes for unknown referrals are ignored.
    @discardableResult
    public mutating func apply(_ outcome: Outcome) -> Bool {
        guard let id = outcome.referralId else { return false }
        switch outcome.status {
        case .accepted: return accept(id)
        case .granted, .denied, .closed:
            // The earliest decision date is kept whatever order decisions arrive in.
            if let day = CivilDate(iso: outcome.decidedAt), entries[id] != nil {
                let before = entries[id]!.decidedOn
                entries[id]!.decidedOn = before.map { min($0, day) } ?? day
            }
            return decide(id)
        case .withdrawn:
            // A department takes back one measure (a decision superseded by an amended referral, or
            // the echo of our own withdrawal): the referral itself moves only with its warning.
            return false
        }
    }

    /// Referrals whose `dueBy` is before `now` (the due day itself is still in time), with no
    /// decision and not escalated yet; ordered by id.
    public func overdue(now: CivilDate) -> [Escalation] {
        entries.values.compactMap { entry -> Escalation? in
            guard entry.state == .sent || entry.state == .accepted, !entry.escalated,
                  let due = CivilDate(iso: entry.referral.dueBy), now > due else { return nil }
            return Self.escalation(entry.referral, now: due.adding(days: 1))
        }.sorted { $0.escalationId < $1.escalationId }
    }

    static func escalation(_ r: Referral, now: CivilDate, retracted: Bool = false) -> Escalation {
        var referral = r
        referral.status = .escalated
        let due = CivilDate(iso: r.dueBy) ?? now
        return Escalation(escalationId: escalationId(referralId: r.referralId), referral: referral,
                          daysOverdue: max(0, now.dayNumber - due.dayNumber), retracted: retracted)
    }

    /// `overdue(now:)`, marking each as `overdue` so that it is never escalated again.
    public mutating func escalate(now: CivilDate) -> [Escalation] {
        let found = overdue(now: now)
        for e in found {
            entries[e.referral.referralId]?.state = .overdue
            entries[e.referral.referralId]?.escalated = true
            entries[e.referral.referralId]?.escalatedDue = CivilDate(iso: e.referral.dueBy)
        }
        return found
    }

    /// After a referral was decided, withdrawn or superseded on `day`: the escalation to take back
    /// (the referral was settled by its deadline, or never held), or the one to make after all (it
    /// was settled after its deadline and was never escalated). Escalations are dated the first day
    /// overdue, so `daysOverdue` is 1 whatever the clock (an escalation is a fact of the dates).
    public mutating func settle(_ referralId: String, on day: CivilDate) -> Escalation? {
        guard var e = entries[referralId], let due = CivilDate(iso: e.referral.dueBy) else { return nil }
        // The earliest day it was settled counts (its first decision or its standing withdrawal),
        // whatever order they were read in.
        let settled = e.settledOn.map { min($0, day) } ?? day
        let inTime = settled <= due || e.state == .superseded
        if e.escalated && inTime {
            // The escalation published is taken back — the same id and date, even if an amendment
            // moved the deadline since (a take-back dated by the new deadline would be an event of a
            // day the clocks have not reached, and would move them there).
            let published = e.escalatedDue ?? due
            var referral = e.referral
            referral.dueBy = published.description
            e.escalated = false
            e.escalatedDue = nil
            entries[referralId] = e
            return Self.escalation(referral, now: published.adding(days: 1), retracted: true)
        }
        // Settled after its deadline: it was overdue, whatever the clock had reached when this arrived.
        if !e.escalated && !inTime {
            e.escalated = true
            e.escalatedDue = due
            entries[referralId] = e
            return Self.escalation(e.referral, now: due.adding(days: 1))
        }
        return nil
    }

    /// An amendment may have moved the referral's deadline (a revision of its warning with another
    /// level): an escalation made for another deadline is taken back (under the id and date it was
    /// published with), and a settled referral is judged again against the new deadline (`settle`:
    /// escalated at once if it was settled after it, taken back if in time); an open one is
    /// escalated for it when the clock passes it (`escalate(now:)`). So the escalation that stands
    /// is the one of the referral's last deadline, whatever deadline was read first (Convergence).
    public mutating func deadlineMoved(_ referralId: String) -> [Escalation] {
        guard var e = entries[referralId], let due = CivilDate(iso: e.referral.dueBy) else { return [] }
        var out: [Escalation] = []
        if e.escalated, let published = e.escalatedDue, published != due {
            var referral = e.referral
            referral.dueBy = published.description
            e.escalated = false
            e.escalatedDue = nil
            if e.state == .overdue { e.state = .sent }  // open again: the clock judges the new deadline
            entries[referralId] = e
            out.append(Self.escalation(referral, now: published.adding(days: 1), retracted: true))
        }
        if let settled = e.settledOn, let judged = settle(referralId, on: settled) { out.append(judged) }
        return out
    }

    private mutating func move(_ id: String, to state: ReferralState, from allowed: Set<ReferralState>) -> Bool {
        guard let current = entries[id]?.state, allowed.contains(current) else { return false }
        entries[id]?.state = state
        return true
    }
}
