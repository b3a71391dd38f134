// doudi-casework's inputs: tasks on work.tasks (classifier, relief), special-hardship referrals
// on referrals.coordination (case conferences, §3.4 一事一议) and the router's escalations on
// assistance.outcomes (follow-ups). The event clock (the latest ce_time read) escalates what is
// overdue; decisions depend on the inputs and their event times only.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit

struct CaseworkProcessor: EventProcessor {
    let name = "casework"
    let inputTopics = [Topics.workTasks, Topics.referrals(.coordination), Topics.assistanceOutcomes]

    func registerMigrations(_ migrator: inout DatabaseMigrator) { CaseworkStore.register(&migrator) }

    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        let db = context.db, now = context.eventTime
        guard Timestamp.milliseconds(now) != nil, CivilDate(iso: now) != nil else { throw PoisonMessage("unreadable ce_time") }
        var out: [OutgoingEvent] = []
        // The clock first: a task read after its deadline passed is escalated at once below.
        if let day = try CaseworkStore.advance(db, to: now) { out += try Self.escalateDue(db, day: day, now: now) }
        let clock = try CaseworkStore.clock(db)?.checkedDay
        let change: WorklistChange?
        switch EventType(rawValue: event.type) {
        case .workTask?:
            let w = try event.decode(WorkTask.self)
            guard !w.taskId.isEmpty, !w.regionCode.isEmpty, CivilDate(iso: w.dueBy) != nil else {
                throw PoisonMessage("work.task.v1 without taskId, regionCode or a readable dueBy")
            }
            change = Worklist.issue(w, existing: try CaseworkStore.load(db, taskId: w.taskId), at: now, clock: clock)
        case .referral?:
            let r = try event.decode(Referral.self)
            guard r.domain == .coordination else { return out }
            change = Worklist.coordination(r, existing: try CaseworkStore.load(db, taskId: Worklist.caseConferenceId(warningId: r.warningId)),
                                           at: now, clock: clock)
        case .referralEscalated?:
            let e = try event.decode(ReferralEscalated.self)
            guard e.domain != .coordination else { return out }
            guard let region = try e.regionCode ?? CaseworkStore.regionOf(db, householdId: e.householdId) else {
                throw PoisonMessage("referral.escalated.v1 without regionCode for a household with no task here")
            }
            change = Worklist.followUp(e, regionCode: region, existing: try CaseworkStore.load(db, taskId: Worklist.followUpId(escalationId: e.escalationId)),
                                       at: now, clock: clock)
        case .assistanceOutcome?:
            return out  // decisions are the departments' business; casework reads only escalations here
        default:
            throw PoisonMessage("unexpected ce_type on a casework input topic")
        }
        guard let change else { return out }
        try CaseworkStore.save(db, change.task)
        return out + (try CaseworkEvents.changes(change, now: now, cause: event.id))
    }

    /// Escalates every pending task due before `day` (the clock entered it).
    static func escalateDue(_ db: Database, day: CivilDate, now: String) throws -> [OutgoingEvent] {
        var out: [OutgoingEvent] = []
        for t in try CaseworkStore.dueBefore(db, day: day) {
            let c = Worklist.escalateIfOverdue(WorklistChange(task: t), now: day)
            guard !c.changes.isEmpty else { continue }
            try CaseworkStore.save(db, c.task)
            out += try CaseworkEvents.changes(c, now: now, cause: nil)
        }
        return out
    }
}
