// The classifier's event processing: profiles, signals, outcomes and the router's escalations.
// Each input first advances the event clock (due checks of a new day), then is applied.
import DoudiDomain
import Foundation
import Envelope
import GRDB
import ServiceKit

struct ClassifierProcessor: EventProcessor {
    let name = "classifier"
    let standards: LocalStandards

    var inputTopics: [String] { [Topics.registryHouseholds, Topics.monitoringSignals, Topics.assistanceOutcomes] }

    func registerMigrations(_ migrator: inout DatabaseMigrator) { ClassifierSchema.register(&migrator) }

    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        guard let asOf = CivilDate(iso: context.eventTime) else { throw PoisonMessage("ce_time is not an RFC 3339 time") }
        var result = try EventClock.advance(context.db, to: context.eventTime, causationID: event.id)
        let apply = Application(db: context.db, asOf: asOf,
                                evaluation: Evaluation(standards: standards, emitter: .derived(from: event, in: context)))
        switch event.type {
        case EventType.registryHousehold.rawValue: result.add(try apply.profile(try event.decode(HouseholdProfile.self), json: Data(event.data)))
        case EventType.monitoringSignal.rawValue: result.add(try apply.signal(try event.decode(Signal.self)))
        case EventType.assistanceOutcome.rawValue: result.add(try apply.outcome(try event.decode(Outcome.self)))
        case EventType.referralEscalated.rawValue: result.add(try apply.escalation(try event.decode(ReferralEscalated.self)))
        default: break  // other types on these topics are not the classifier's concern
        }
        return result.events
    }
}

/// Applies one decoded input inside the processing transaction.
struct Application {
    let db: Database
    let asOf: CivilDate
    let evaluation: Evaluation
    var emitter: Emitter { evaluation.emitter }

    /// A newer profile version replaces the stored one; older or equal versions (re-delivery,
    /// out of order) change nothing. A version that changes nothing the last evaluation read (on
    /// the same day) keeps only its number: typically the registry catching up with a grant the
    /// classifier already counted from `assistance.outcomes`.
    func profile(_ p: HouseholdProfile, json: Data) throws -> EvaluationResult {
        guard !p.householdId.isEmpty else { throw PoisonMessage("profile without householdId") }
        let stored = try HouseholdStore.evaluated(db, p.householdId)
        if let stored, stored.version >= p.version { return EvaluationResult() }
        var effective = p
        effective.programs = HeldPrograms.effective(registry: p.programs, holdings: try HouseholdStore.holdings(db, p.householdId))
        let facts = try HouseholdStore.facts(effective)
        if let stored, stored.decidedOn == asOf.description,
           try stored.inputs == HouseholdStore.inputs(db, facts: facts, householdId: p.householdId, regionCode: p.regionCode,
                                                      standards: evaluation.standards) {
            try HouseholdStore.saveVersion(db, p.householdId, p.version)
            return EvaluationResult()
        }
        try HouseholdStore.saveProfile(db, p, json: json)
        return try evaluation.run(db, householdId: p.householdId, asOf: asOf, profile: (effective, facts))
    }

    /// A department signal joins the household's context; an unregistered candidate gets a home visit.
    func signal(_ s: Signal) throws -> EvaluationResult {
        guard let hh = s.householdId, !hh.isEmpty else {
            return s.kind == .unregisteredCandidate ? try homeVisit(s) : EvaluationResult()
        }
        guard try HouseholdStore.addSignal(db, s, householdId: hh) else { return EvaluationResult() }
        return try evaluation.run(db, householdId: hh, asOf: asOf)
    }

    /// §2.2.4: a person in department data who is not registered: one home visit per person and year.
    private func homeVisit(_ s: Signal) throws -> EvaluationResult {
        let region = s.regionCode ?? ""
        let days = evaluation.standards.lookup(regionCode: region).values.yellowDeadlineDays
        let task = WorkTask(taskId: "t-\(s.personKey)-home_visit-\(asOf.year)", personKey: s.personKey, regionCode: region,
                            kind: .homeVisit,
                            reason: "unregistered candidate in \(s.department.rawValue) data (\(s.recordKind.rawValue)): visit (§2.2.4)",
                            dueBy: asOf.adding(days: days).description)
        guard let event = try TaskStore.issue(db, task, emitter: emitter, dedupeByReason: false) else { return EvaluationResult() }
        return EvaluationResult(events: [event], tasks: 1)
    }

    /// Granted resolves the domain's referrals and counts the programme as held from now on, whatever
    /// registry version comes next (HeldPrograms). A denial that leaves every referral denied
    /// escalates to special hardship and re-evaluates (case conference).
    func outcome(_ o: Outcome) throws -> EvaluationResult {
        let key = ProgramKey(o)
        var holdings = try HouseholdStore.holdings(db, o.householdId)
        if let holding = HeldPrograms.holding(after: o, previous: holdings[key]) {
            try HouseholdStore.saveHolding(db, o.householdId, key, holding)
            holdings[key] = holding
        }
        // `accepted` says nothing the ledger records (the router tracks it).
        if o.status == .accepted { return EvaluationResult() }
        let held = holdings.filter { $0.value != .ended }.map(\.key)
        let changes = try LedgerStore.update(db, householdId: o.householdId) { $0.record(o, at: asOf, held: held) }
        var result = EvaluationResult(events: try emitter.events(changes), opened: changes.opened.count,
                                      resolved: changes.resolved.count)
        if !changes.opened.isEmpty { result.add(try evaluation.run(db, householdId: o.householdId, asOf: asOf)) }
        return result
    }

    func escalation(_ e: ReferralEscalated) throws -> EvaluationResult {
        let changes = try LedgerStore.update(db, householdId: e.householdId) {
            $0.escalate(warningId: e.warningId, at: asOf,
                        detail: "referral \(e.referralId) escalated by the router: no outcome by \(e.dueBy)")
        }
        return EvaluationResult(events: try emitter.events(changes), opened: changes.opened.count)
    }
}
