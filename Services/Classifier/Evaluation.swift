// One household through the engine: profile + signals + ledger in, decision stored, ledger
// reconciled, warnings and tasks out. Shared by event processing and `POST /v1/reevaluate`.
import DoudiDomain
import GRDB
import ServiceKit

struct EvaluationResult {
    var events: [OutgoingEvent] = []
    var opened = 0
    var resolved = 0
    var tasks = 0

    mutating func add(_ other: EvaluationResult) {
        events += other.events; opened += other.opened; resolved += other.resolved; tasks += other.tasks
    }
}

struct Evaluation {
    let standards: LocalStandards
    let emitter: Emitter
    /// Appended to task ids made by a re-evaluation, so that tasks of new standards are new tasks.
    var taskIdSuffix = ""

    /// Evaluates the stored household, or `profile` (already stored, programmes held applied, with
    /// its facts fingerprint) when the caller has it, which spares decoding and encoding it again.
    func run(_ db: Database, householdId hh: String, asOf: CivilDate,
             profile: (profile: HouseholdProfile, facts: UInt64)? = nil) throws -> EvaluationResult {
        let stored: StoredHousehold
        if let given = profile?.profile {
            guard let s = try HouseholdStore.evaluated(db, hh) else { return EvaluationResult() }
            stored = StoredHousehold(profile: given, notLowIncomeSince: s.notLowIncomeSince.flatMap { CivilDate(iso: $0) },
                                     decidedOn: s.decidedOn.flatMap { CivilDate(iso: $0) })
        } else {
            guard let s = try HouseholdStore.load(db, hh) else { return EvaluationResult() }
            stored = s
        }
        var context = try HouseholdStore.context(db, hh)
        context.notLowIncomeSince = stored.notLowIncomeSince
        var ledger = try LedgerStore.load(db, householdId: hh)
        context.deniedReferralDomains = ledger.deniedReferralDomains(householdId: hh)

        let decision = Classifier.evaluate(profile: stored.profile, context: context, standards: standards, asOf: asOf)
        let changes = ledger.reconcile(decision, at: asOf)
        try LedgerStore.save(db, ledger, changes, householdId: hh)
        // §4.1.4: the gradual exit counts from the first date the household was found not low-income.
        let since = decision.category == .notLowIncome ? (stored.notLowIncomeSince ?? asOf) : nil
        // The fingerprint is taken after the ledger was saved: it is what the next version compares with.
        let facts = try profile?.facts ?? HouseholdStore.facts(stored.profile)
        try HouseholdStore.saveDecision(db, decision, notLowIncomeSince: since,
                                        inputs: try HouseholdStore.inputs(db, facts: facts, householdId: hh,
                                                                          regionCode: stored.profile.regionCode, standards: standards))

        var result = EvaluationResult(events: try emitter.events(changes), opened: changes.opened.count,
                                      resolved: changes.resolved.count)
        for var task in decision.tasks {
            task.taskId += taskIdSuffix
            if let event = try TaskStore.issue(db, task, emitter: emitter, dedupeByReason: true) {
                result.events.append(event)
                result.tasks += 1
            }
        }
        return result
    }
}

enum TaskStore {
    /// Records a task and returns its event, or nil when it was issued before: same id, or (for
    /// decision tasks) the same kind and reason for the household, so an unchanged new profile
    /// version or a repeated re-evaluation asks nobody twice.
    static func issue(_ db: Database, _ t: WorkTask, emitter: Emitter, dedupeByReason: Bool) throws -> OutgoingEvent? {
        if dedupeByReason, let hh = t.householdId, try Bool.fetchOne(db, sql: """
            SELECT EXISTS(SELECT 1 FROM tasks WHERE household_id = ? AND kind = ? AND reason = ?)
            """, arguments: [hh, t.kind.rawValue, t.reason]) == true {
            return nil
        }
        try db.execute(sql: """
            INSERT OR IGNORE INTO tasks(task_id, household_id, person_key, kind, reason, due_by, issued_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [t.taskId, t.householdId, t.personKey, t.kind.rawValue, t.reason, t.dueBy, emitter.time])
        guard db.changesCount > 0 else { return nil }
        return try emitter.task(t)
    }
}
