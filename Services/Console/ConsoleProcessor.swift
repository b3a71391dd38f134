// doudi-console's inputs: the topics a county or township operator's pages are made from
// (registry, warnings, referrals, outcomes and escalations, tasks and their changes, relief
// applications and disbursements, the basic-living payroll). It publishes nothing: a read model,
// rebuilt by replay (`doudi replay`) like every other store. Every event about a household is
// also kept on its timeline, with a one-line summary that names no person.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit
import Store

struct ConsoleProcessor: EventProcessor {
    let name = "console"
    let inputTopics = [Topics.registryHouseholds, Topics.monitoringWarnings, Topics.workTasks, Topics.name(.caseworkTasks),
                       Topics.assistanceOutcomes, Topics.name(.reliefApplications), Topics.name(.reliefDisbursements),
                       Topics.name(.basicLivingPayroll)]
        + Domain.allCases.map { Topics.name(.referrals($0)) }
    /// Every event updates a household's read model, read back first.
    var storeCacheBytes: Int { ServiceStore.largeWriterCacheBytes }

    func registerMigrations(_ migrator: inout DatabaseMigrator) { ConsoleStore.register(&migrator); ConsoleStore.registerV2(&migrator) }

    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        let db = context.db, at = context.eventTime
        let topic = String(context.message.topic.dropFirst(Topics.namespace.count))
        func line(_ household: String?, _ summary: String) throws {
            guard let household, !household.isEmpty else { return }
            try ConsoleStore.addTimeline(db, household: household, at: at, eventId: event.id, topic: topic, type: event.type, summary: summary)
        }
        switch EventType(rawValue: event.type) {
        case .registryHousehold?:
            let p = try event.decode(HouseholdProfile.self)
            guard !p.householdId.isEmpty, !p.regionCode.isEmpty else { throw PoisonMessage("registry.household.v1 without householdId or regionCode") }
            try ConsoleStore.saveProfile(db, p)
            try line(p.householdId, "v\(p.version) members=\(p.members.count) programmes=\(p.programs.map(\.program).sorted().joined(separator: "+"))")
        case .monitoringWarning?:
            let w = try event.decode(Warning.self)
            guard !w.warningId.isEmpty, !w.householdId.isEmpty else { throw PoisonMessage("monitoring.warning.v1 without warningId or householdId") }
            try ConsoleStore.saveWarning(db, w)
            try line(w.householdId, "\(w.status.rawValue) \(w.level.rawValue) \(w.disposal.rawValue) \(w.category.rawValue)")
        case .referral?:
            let r = try event.decode(Referral.self)
            guard !r.referralId.isEmpty else { throw PoisonMessage("referral.v1 without referralId") }
            try ConsoleStore.saveReferral(db, r)
            try line(r.householdId, "\(r.domain.rawValue) \(r.status.rawValue) due \(r.dueBy)")
        case .referralEscalated?:
            let e = try event.decode(ReferralEscalated.self)
            try ConsoleStore.escalate(db, e)
            try line(e.householdId, "\(e.domain.rawValue) \(e.retracted == true ? "escalation retracted" : "escalated")")
        case .assistanceOutcome?:
            let o = try event.decode(Outcome.self)
            try ConsoleStore.decide(db, o)
            try line(o.householdId, "\(o.domain.rawValue) \(o.program) \(o.status.rawValue)")
        case .workTask?:
            let t = try event.decode(WorkTask.self)
            guard !t.taskId.isEmpty, !t.regionCode.isEmpty else { throw PoisonMessage("work.task.v1 without taskId or regionCode") }
            try ConsoleStore.saveWorkTask(db, t)
            try line(t.householdId, "\(t.kind.rawValue) \(t.status?.rawValue ?? "open") due \(t.dueBy)")
        case .caseworkTask?:
            let c = try event.decode(CaseworkTaskEvent.self)
            try ConsoleStore.saveTaskChange(db, c)
            try line(c.householdId, "\(c.kind.rawValue) \(c.change.rawValue) → \(c.state.rawValue)")
        case .reliefApplication?:
            let a = try event.decode(ReliefApplication.self)
            try ConsoleStore.saveApplication(db, a)
            try line(a.householdId, "relief application \(a.incidentKind) \(a.requestedFen) fen")
        case .reliefDisbursement?:
            let d = try event.decode(Disbursement.self)
            let household = try ConsoleStore.saveDisbursement(db, d)
            try line(household, "relief stage \(d.stage) paid \(d.amountFen) fen")
        case .basicLivingPayroll?:
            let p = try event.decode(PayrollEntry.self)
            try ConsoleStore.savePayroll(db, p)
            try line(p.householdId, "\(p.program) \(p.month) \(p.status.rawValue) \(p.amountFen) fen")
        case .clockTick?:
            return []  // the suite's clock: nothing for the console to show
        case .reliefApproval?, .reliefFundReplenished?:
            return []  // the relief service's business; cases waiting are read from its API
        default:
            throw PoisonMessage("unexpected ce_type on a console input topic")
        }
        return []
    }
}
