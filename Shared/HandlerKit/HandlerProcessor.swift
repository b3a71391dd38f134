import DoudiDomain
import Envelope
import GRDB
import ServiceKit

/// A department handler (§4.2): each referral on `referrals.<domain>` becomes a case decided by
/// the programme's rules, and every decision is published as `assistance.outcome.v1`. A
/// withdrawn referral closes its case. A first decision is dated by the referral (`sentAt`), an
/// amendment by its event time, so a replay or another interleaving decides the same.
public struct HandlerProcessor<P: Programme>: EventProcessor {
    public let programme: P
    public init(programme: P) { self.programme = programme }

    public var name: String { P.domain.rawValue }
    public var inputTopics: [String] { [Topics.referrals(P.domain.rawValue)] }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        CaseStore.register(&migrator)
        CaseStore.registerV2(&migrator)
        CaseStore.registerV3(&migrator)
    }

    public func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        guard event.type == EventType.referral.rawValue else { return [] }
        let referral = try event.decode(Referral.self)
        guard referral.domain == P.domain else { throw PoisonMessage("referral for domain \(referral.domain.rawValue) on the \(P.domain.rawValue) topic") }
        guard let today = CivilDate(iso: context.eventTime) else { throw PoisonMessage("event time is not an RFC 3339 time") }
        switch referral.status {
        case .sent: return try receive(referral, on: today, cause: event, context)
        case .withdrawn: return try withdraw(referral, on: today, cause: event, context)
        case .superseded: return try supersede(referral, on: today, cause: event, context)
        case .escalated: return [] // the router's business: the deadline passed, the case goes on
        }
    }

    /// A new case, decided at once; an amended referral (a higher revision) is decided again and
    /// what changed is published (Convergence: decisions follow the facts). A referral seen before
    /// with the same revision (a re-sent referral) changes nothing.
    private func receive(_ referral: Referral, on day: CivilDate, cause: CloudEvent, _ context: ProcessingContext) throws -> [OutgoingEvent] {
        let db = context.db
        let revision = referral.revision ?? 0
        let existing = try CaseStore.find(db, referralId: referral.referralId)
        // Seen before with this revision: nothing to do — unless the case was closed by a withdrawal
        // and the referral comes again (its warning holds after all): then it is decided again.
        if let existing, existing.state != CaseState.closed.rawValue,
           try CaseStore.revision(db, referralId: referral.referralId) >= revision { return [] }
        let recipients = referral.recipients
        let first = existing == nil && revision == 0
        // A referral's first decision is dated by the referral (`sentAt`, its warning's opening), not by
        // when it was read: a referral first published late — its warning's earlier states were
        // skipped, its person was not known yet — is decided as of the day it stands for. Amendments
        // are decided on their own day (unchanged measures keep their first date).
        let decisionDay = first ? (CivilDate(iso: referral.sentAt).map { min($0, day) } ?? day) : day
        // Annual caps count the cases decided before this one (its first decision day, then its id),
        // never merely those read before it: the cap a person reaches does not depend on which
        // referral arrived first.
        let order = CaseStore.Order(decidedOn: try CaseStore.days(db, referralId: referral.referralId)?.decidedOn ?? decisionDay.description,
                                    referralId: referral.referralId)
        let others = try CaseStore.paid(db, year: decisionDay.year, recipients: recipients, before: order)
        let earlier = try CaseStore.outcomes(db, referralId: referral.referralId)
        let (outcomes, paid) = first
            ? programme.decision(referral: referral, history: others, on: decisionDay)
            : programme.redecision(referral: referral, earlier: earlier, history: others, on: decisionDay)
        try CaseStore.savePaid(db, year: decisionDay.year, order, paid, others: others)
        try CaseStore.save(db, referralId: referral.referralId, warningId: referral.warningId,
                           householdId: referral.householdId, domain: P.domain, state: .after(earlier + outcomes),
                           at: context.eventTime, referral: referral)
        try CaseStore.setRevision(db, referralId: referral.referralId, revision, referral: referral)
        try CaseStore.setOrder(db, order, redecidedOn: decisionDay.description, year: decisionDay.year, recipients: recipients)
        let published = try outcomes.map { var o = $0; o.basis = referral.basis; return try publish(o, cause: cause, context) }
        return published + (try cascade(after: order, year: decisionDay.year, recipients: recipients, cause: cause, context))
    }

    /// The cases after `order` that share a recipient and a year with it, decided again in their
    /// order with what the cases before each now pay (Convergence: a referral decided late —
    /// read after a later one — leaves the later ones as if it had been read first). Each is
    /// dated by its own last decision, so the outcome does not depend on when the cascade ran; a
    /// case whose decision does not change publishes nothing.
    private func cascade(after order: CaseStore.Order, year: Int, recipients: Set<String>, cause: CloudEvent,
                         _ context: ProcessingContext) throws -> [OutgoingEvent] {
        let db = context.db
        var pending = try CaseStore.later(db, year: year, recipients: recipients, after: order)
        var done = Set<String>(), out: [OutgoingEvent] = []
        while let next = pending.min() {
            pending.remove(next)
            guard done.insert(next.referralId).inserted, let c = try CaseStore.find(db, referralId: next.referralId),
                  let referral = try CaseStore.referral(db, referralId: next.referralId),
                  let days = try CaseStore.days(db, referralId: next.referralId), let day = CivilDate(iso: days.redecidedOn),
                  day.year == year else { continue }
            let mine = referral.recipients
            let history = try CaseStore.paid(db, year: year, recipients: mine, before: next)
            let earlier = try CaseStore.outcomes(db, referralId: next.referralId)
            let (outcomes, paid) = programme.redecision(referral: referral, earlier: earlier, history: history, on: day)
            try CaseStore.savePaid(db, year: year, next, paid, others: history)
            guard !outcomes.isEmpty else { continue }
            // A case closed by its warning's resolution stays closed; its decisions still follow the cap.
            let state: CaseState = c.state == CaseState.closed.rawValue ? .closed : .after(earlier + outcomes)
            try CaseStore.save(db, referralId: c.referralId, warningId: c.warningId, householdId: c.householdId,
                               domain: P.domain, state: state, at: context.eventTime, referral: nil)
            out += try outcomes.map { var o = $0; o.basis = referral.basis; return try publish(o, cause: cause, context) }
            pending.formUnion(try CaseStore.later(db, year: year, recipients: mine, after: next))
        }
        return out
    }

    /// The warning never held (a correction): every grant of the case is withdrawn as superseded.
    private func supersede(_ referral: Referral, on day: CivilDate, cause: CloudEvent, _ context: ProcessingContext) throws -> [OutgoingEvent] {
        let db = context.db
        guard let existing = try CaseStore.find(db, referralId: referral.referralId) else {
            try CaseStore.save(db, referralId: referral.referralId, warningId: referral.warningId, householdId: referral.householdId,
                               domain: P.domain, state: .closed, at: context.eventTime, referral: referral)
            return []
        }
        let earlier = try CaseStore.outcomes(db, referralId: referral.referralId)
        let withdrawn = programme.superseded(referral: referral, earlier: earlier, on: day)
            .filter { o in !earlier.contains { $0.outcomeId == o.outcomeId } }
        let counted = try CaseStore.removeFromCaps(db, referralId: referral.referralId)
        try CaseStore.save(db, referralId: existing.referralId, warningId: existing.warningId, householdId: existing.householdId,
                           domain: P.domain, state: .closed, at: context.eventTime, referral: nil)
        var out = try withdrawn.map { var o = $0; o.basis = referral.basis; return try publish(o, cause: cause, context) }
        // What it paid counts no more: the cases after it may be granted what its grants took.
        let order = CaseStore.Order(decidedOn: try CaseStore.days(db, referralId: referral.referralId)?.decidedOn ?? "", referralId: referral.referralId)
        for (year, recipients) in counted { out += try cascade(after: order, year: year, recipients: recipients, cause: cause, context) }
        return out
    }

    /// The warning was resolved: close the case; if it was still undecided, say so with a
    /// `closed` outcome. A decided case keeps its decision (already published).
    private func withdraw(_ referral: Referral, on day: CivilDate, cause: CloudEvent, _ context: ProcessingContext) throws -> [OutgoingEvent] {
        let existing = try CaseStore.find(context.db, referralId: referral.referralId)
        if existing?.state == CaseState.closed.rawValue { return [] }
        try CaseStore.save(context.db, referralId: referral.referralId, warningId: referral.warningId,
                           householdId: referral.householdId, domain: P.domain, state: .closed,
                           at: context.eventTime, referral: existing == nil ? referral : nil)
        guard let existing, CaseState(rawValue: existing.state)?.isOpen == true else { return [] }
        let n = try CaseStore.outcomes(context.db, referralId: referral.referralId).count + 1
        let closed = Outcome(outcomeId: P.outcomeId(referralId: referral.referralId, n: n), referralId: referral.referralId,
                             warningId: referral.warningId, householdId: referral.householdId, domain: P.domain,
                             program: P.program, status: .withdrawn, decidedAt: day.description,
                             reason: "referral withdrawn before a decision: the warning was resolved (§3.4)", basis: referral.basis)
        return [try publish(closed, cause: cause, context)]
    }

    /// The event id derives from the outcome id alone: the same decision is the same event. An id
    /// the case already used for another decision (a referral withdrawn and sent again under the
    /// same revision is decided again) takes a suffix from the decision's content, so that an id
    /// never stands for two decisions.
    private func publish(_ outcome: Outcome, cause: CloudEvent, _ context: ProcessingContext) throws -> OutgoingEvent {
        var outcome = outcome
        if let used = try CaseStore.outcome(context.db, outcomeId: outcome.outcomeId), used != outcome {
            outcome.outcomeId += "-" + String(CanonicalEncoding.fingerprint(outcome), radix: 16).prefix(8)
        }
        try CaseStore.insert(context.db, outcome)
        let event = try CloudEvent.make(id: EventID.derived(EventType.assistanceOutcome.rawValue, outcome.outcomeId), source: context.source,
                                        type: EventType.assistanceOutcome.rawValue, time: context.eventTime, subject: outcome.householdId,
                                        key: outcome.householdId, causationID: cause.id, payload: outcome)
        return OutgoingEvent(topic: Topics.assistanceOutcomes, event: event)
    }
}
