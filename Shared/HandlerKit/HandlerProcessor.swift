import DoudiDomain
import Envelope
import GRDB
import ServiceKit

/// A department handler (§4.2): each referral on `referrals.<domain>` becomes a case decided by
/// the programme's rules, and every decision is published as `assistance.outcome.v1`. A
/// withdrawn referral closes its case. Decisions use the referral's event time, so a replay
/// decides the same.
public struct HandlerProcessor<P: Programme>: EventProcessor {
    public let programme: P
    public init(programme: P) { self.programme = programme }

    public var name: String { P.domain.rawValue }
    public var inputTopics: [String] { [Topics.referrals(P.domain.rawValue)] }

    public func registerMigrations(_ migrator: inout DatabaseMigrator) { CaseStore.register(&migrator) }

    public func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        guard event.type == EventType.referral.rawValue else { return [] }
        let referral = try event.decode(Referral.self)
        guard referral.domain == P.domain else { throw PoisonMessage("referral for domain \(referral.domain.rawValue) on the \(P.domain.rawValue) topic") }
        guard let today = CivilDate(iso: context.eventTime) else { throw PoisonMessage("event time is not an RFC 3339 time") }
        switch referral.status {
        case .sent: return try receive(referral, on: today, cause: event, context)
        case .withdrawn: return try withdraw(referral, on: today, cause: event, context)
        case .escalated: return [] // the router's business: the deadline passed, the case goes on
        }
    }

    /// A new case, decided at once. A referral id seen before (a re-sent referral) changes nothing.
    private func receive(_ referral: Referral, on day: CivilDate, cause: CloudEvent, _ context: ProcessingContext) throws -> [OutgoingEvent] {
        guard try CaseStore.find(context.db, referralId: referral.referralId) == nil else { return [] }
        let recipients = Set(referral.needs.map { $0.personKey ?? referral.householdId })
        let history = try CaseStore.paid(context.db, year: day.year, recipients: recipients)
        let (outcomes, paid) = programme.decision(referral: referral, history: history, on: day)
        try CaseStore.savePaid(context.db, year: day.year, paid, changedFrom: history)
        try CaseStore.save(context.db, referralId: referral.referralId, warningId: referral.warningId,
                           householdId: referral.householdId, domain: P.domain, state: .after(outcomes),
                           at: context.eventTime, referral: referral)
        return try outcomes.map { try publish($0, cause: cause, context) }
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
                             program: P.program, status: .closed, decidedAt: day.description,
                             reason: "referral withdrawn: the warning was resolved (§3.4)")
        return [try publish(closed, cause: cause, context)]
    }

    /// The event id derives from the outcome id alone: the same decision is the same event.
    private func publish(_ outcome: Outcome, cause: CloudEvent, _ context: ProcessingContext) throws -> OutgoingEvent {
        try CaseStore.insert(context.db, outcome)
        let event = try CloudEvent.make(id: EventID.derived(EventType.assistanceOutcome.rawValue, outcome.outcomeId), source: context.source,
                                        type: EventType.assistanceOutcome.rawValue, time: context.eventTime, subject: outcome.householdId,
                                        key: outcome.householdId, causationID: cause.id, payload: outcome)
        return OutgoingEvent(topic: Topics.assistanceOutcomes, event: event)
    }
}
