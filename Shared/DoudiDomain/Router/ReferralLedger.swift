// The router's memory of what it sent and what came back, so that re-deliveries plan nothing
// twice and a referral nobody answered by its deadline is escalated exactly once (§3.4: an
// entitled benefit that has not landed is "policy not implemented").
//
//   sent ──► accepted ──► decided
//     │          │   ▲
//     └──────────┴──►overdue (escalated once)
//   sent / accepted / overdue ──► withdrawn (the warning was resolved)
//
// Transitions that do not apply (replays, late duplicates) are no-ops returning false.

public enum ReferralState: String, Codable, Sendable, CaseIterable {
    case sent, accepted, decided, overdue, withdrawn

    /// Still waiting for the department's decision.
    public var isOpen: Bool { self == .sent || self == .accepted || self == .overdue }
}

/// A referral past its deadline with no decision, to be escalated (once).
public struct Escalation: Sendable, Equatable, Codable {
    public var escalationId: String
    /// The referral, status `escalated`.
    public var referral: Referral
    public var daysOverdue: Int
}

public struct ReferralLedger: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public var referral: Referral
        public var state: ReferralState
        public init(referral: Referral, state: ReferralState) { self.referral = referral; self.state = state }
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

    /// Open referrals of one warning, ordered by id.
    public func openReferrals(warningId: String) -> [Referral] {
        entries.values.filter { $0.referral.warningId == warningId && $0.state.isOpen }
            .map(\.referral).sorted { $0.referralId < $1.referralId }
    }

    /// Records a sent referral; false when its id is already known (re-delivery).
    @discardableResult
    public mutating func record(_ referral: Referral) -> Bool {
        guard entries[referral.referralId] == nil else { return false }
        entries[referral.referralId] = Entry(referral: referral, state: .sent)
        return true
    }

    public mutating func apply(_ plan: RoutingPlan) {
        for r in plan.send { record(r) }
        for r in plan.withdraw { withdraw(r.referralId) }
    }

    @discardableResult public mutating func accept(_ referralId: String) -> Bool { move(referralId, to: .accepted, from: [.sent]) }
    @discardableResult public mutating func decide(_ referralId: String) -> Bool { move(referralId, to: .decided, from: [.sent, .accepted, .overdue]) }
    @discardableResult public mutating func withdraw(_ referralId: String) -> Bool { move(referralId, to: .withdrawn, from: [.sent, .accepted, .overdue]) }

    /// Folds a department's outcome into the ledger: `accepted` accepts, `granted`, `denied`
    /// and `closed` decide, `withdrawn` withdraws. Outcomes for unknown referrals are ignored.
    @discardableResult
    public mutating func apply(_ outcome: Outcome) -> Bool {
        guard let id = outcome.referralId else { return false }
        switch outcome.status {
        case .accepted: return accept(id)
        case .granted, .denied, .closed: return decide(id)
        case .withdrawn: return withdraw(id)
        }
    }

    /// Referrals whose `dueBy` is before `now` (the due day itself is still in time), with no
    /// decision and not escalated yet; ordered by id.
    public func overdue(now: CivilDate) -> [Escalation] {
        entries.values.compactMap { entry -> Escalation? in
            guard entry.state == .sent || entry.state == .accepted,
                  let due = CivilDate(iso: entry.referral.dueBy), now > due else { return nil }
            var referral = entry.referral
            referral.status = .escalated
            return Escalation(escalationId: Self.escalationId(referralId: referral.referralId),
                              referral: referral, daysOverdue: now.dayNumber - due.dayNumber)
        }.sorted { $0.escalationId < $1.escalationId }
    }

    /// `overdue(now:)`, marking each as `overdue` so that it is never escalated again.
    public mutating func escalate(now: CivilDate) -> [Escalation] {
        let found = overdue(now: now)
        for e in found { entries[e.referral.referralId]?.state = .overdue }
        return found
    }

    private mutating func move(_ id: String, to state: ReferralState, from allowed: Set<ReferralState>) -> Bool {
        guard let current = entries[id]?.state, allowed.contains(current) else { return false }
        entries[id]?.state = state
        return true
    }
}
