// The classifier's event processing: registry versions and outcomes join their household's
// inputs and the household's history is brought up to date (HouseholdReplay); unregistered
// candidates get a home visit. Each input first advances the event clock (the due checks of a
// new day, for the households they concern).
import DoudiDomain
import Foundation
import Envelope
import GRDB
import ServiceKit
import Store

struct ClassifierProcessor: EventProcessor {
    let name = "classifier"
    let standards: LocalStandards
    /// Decoded histories of recent households, checked against the store (HistoryCache).
    var cache = HistoryCache()
    /// Histories written once per batch, by `finishBatch` (DeferredHistories).
    var deferred = DeferredHistories()

    var inputTopics: [String] { [Topics.registryHouseholds, Topics.monitoringSignals, Topics.assistanceOutcomes, Topics.name(.clockTicks)] }
    /// Each household's inputs and history are read back on every event that concerns it.
    var storeCacheBytes: Int { ServiceStore.largeWriterCacheBytes }
    /// All three are keyed by household id (a signal about a person not registered yet, by that
    /// person's key, and so is all the state it makes): the state splits by partition (DOUDI_TASKS).
    var partitionedState: Bool { true }
    /// The router's escalations (on `assistance.outcomes`): the classifier's own due checks decide
    /// (§3.4), and its clock does not follow them, whose timing is the router's (Convergence).
    var ignoredTypes: Set<String> { [EventType.referralEscalated.rawValue] }

    func registerMigrations(_ migrator: inout DatabaseMigrator) { ClassifierSchema.register(&migrator) }

    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        // A type outside the contract (a later version's) is left alone, and does not move the
        // clock: only the contract's events — and the bureau's ticks — say what time it is.
        guard EventType(rawValue: event.type) != nil else { return [] }
        if event.type == EventType.clockTick.rawValue { _ = try ClockTicks.checked(event, in: context) }
        guard let time = FactTime(context.eventTime) else { throw PoisonMessage("ce_time is not an RFC 3339 time") }
        let households = Households(standards: standards, cache: cache, deferred: deferred)
        let advanced = try EventClock.advance(context.db, to: time, households: households, causationID: event.id)
        var out = advanced.events
        let clock = advanced.latest
        let emitter = Emitter.derived(from: event, in: context)
        switch event.type {
        case EventType.registryHousehold.rawValue:
            let p = try event.decode(HouseholdProfile.self)
            guard !p.householdId.isEmpty else { throw PoisonMessage("profile without householdId") }
            let point = p.asOf.flatMap(FactTime.init) ?? time
            out += try households.apply(context.db, householdId: p.householdId, inputs: [(ClassifierInput(.profile(p), time: point), Data(event.data))],
                                        clock: clock, emitter: emitter)
        case EventType.assistanceOutcome.rawValue:
            let o = try event.decode(Outcome.self)
            guard !o.householdId.isEmpty else { return out }  // a relief case of someone with no household
            out += try households.apply(context.db, householdId: o.householdId, inputs: [(ClassifierInput(.outcome(o), time: time), Data(event.data))],
                                        clock: clock, emitter: emitter)
        case EventType.monitoringSignal.rawValue:
            // Department facts about registered people reach the classifier inside the registry's
            // versions (departmentFacts, at their dates); only candidates outside it are new here.
            let s = try event.decode(Signal.self)
            if s.householdId == nil, s.kind == .unregisteredCandidate {
                out += s.retracted == true ? try cancelHomeVisit(s, context: context, emitter: emitter)
                                           : try homeVisit(s, context: context, emitter: emitter)
            }
        case EventType.clockTick.rawValue:
            break  // a day begun on this partition (checked above): the clock's advance ran its due checks
        default:
            break
        }
        return out
    }

    /// The histories the batch saved are written now, in its transaction (DeferredHistories).
    func finishBatch(in context: BatchContext) throws -> [OutgoingEvent] {
        try deferred.flush(context.db)
        return []
    }

    /// §2.2.4: a person in department data who is not registered: one home visit per person and year.
    private func homeVisit(_ s: Signal, context: ProcessingContext, emitter: Emitter) throws -> [OutgoingEvent] {
        guard let asOf = CivilDate(iso: s.occurredOn) ?? CivilDate(iso: context.eventTime) else { return [] }
        let region = s.regionCode ?? ""
        let days = standards.lookup(regionCode: region).values.yellowDeadlineDays
        let task = WorkTask(taskId: "t-\(s.personKey)-home_visit-\(asOf.year)", personKey: s.personKey, regionCode: region,
                            kind: .homeVisit,
                            reason: "unregistered candidate in \(s.department.rawValue) data (\(s.recordKind.rawValue)): visit (§2.2.4)",
                            dueBy: asOf.adding(days: days).description)
        return try TaskStore.issue(context.db, task, emitter: emitter, scope: "operator", time: FactTime(s.occurredOn)).map { [$0] } ?? []
    }

    /// The candidate turned out to be registered (the matcher took the signal back): the home visit
    /// is cancelled, as if it had never been issued (Convergence).
    private func cancelHomeVisit(_ s: Signal, context: ProcessingContext, emitter: Emitter) throws -> [OutgoingEvent] {
        guard let asOf = CivilDate(iso: s.occurredOn) ?? CivilDate(iso: context.eventTime) else { return [] }
        let taskId = "t-\(s.personKey)-home_visit-\(asOf.year)"
        guard try String.fetchOne(context.db, sql: "SELECT status FROM tasks WHERE task_id = ?", arguments: [taskId]) == "open" else { return [] }
        return try TaskStore.cancel(context.db, taskId: taskId, emitter: emitter, time: FactTime(s.occurredOn), regionCode: s.regionCode).map { [$0] } ?? []
    }
}
