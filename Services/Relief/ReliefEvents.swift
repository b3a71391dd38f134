// The events relief publishes and the inputs it reads besides applications. Ids are functions
// of what they describe (a disbursement id, a case and stage), so a re-emission is recognised.
import DoudiDomain
import Envelope
import Foundation
import ServiceKit

enum EventTypes {
    static let application = EventType.reliefApplication.rawValue
    static let approval = EventType.reliefApproval.rawValue
    static let replenished = EventType.reliefFundReplenished.rawValue
    static let referral = EventType.referral.rawValue
    static let disbursement = EventType.reliefDisbursement.rawValue
    static let outcome = EventType.assistanceOutcome.rawValue
    static let task = EventType.workTask.rawValue
}

enum ReliefEvents {
    static let source = "/doudi/relief"
    static let program = "temporary_relief"

    static func event<T: Encodable>(id: String, type: String, atMs: Int64, c: CaseRecord, payload: T) throws -> CloudEvent {
        try CloudEvent.make(id: id, source: source, type: type, time: Timestamp.rfc3339(milliseconds: atMs),
                            subject: c.householdId, key: c.eventKey, causationID: nil, payload: payload)
    }

    /// One paid stage: the disbursement and the granted outcome that closes the loop.
    static func paid(_ d: Disbursement, case c: CaseRecord, atMs: Int64) throws -> [OutgoingEvent] {
        let outcome = Outcome(outcomeId: EventID.derived(d.disbursementId, EventTypes.outcome), referralId: c.referralId,
                              warningId: c.warningId, householdId: c.householdId ?? "", domain: .emergency, program: program,
                              status: .granted, amountFen: d.amountFen, personKey: c.personKey,
                              decidedAt: Timestamp.rfc3339(milliseconds: atMs),
                              reason: "§4.3 temporary relief, stage \(d.stage) of case \(c.caseId) (\(d.approvedAt.rawValue) approval)")
        return [OutgoingEvent(topic: Topics.reliefDisbursements,
                              event: try event(id: EventID.derived(d.disbursementId, EventTypes.disbursement),
                                               type: EventTypes.disbursement, atMs: atMs, c: c, payload: d)),
                OutgoingEvent(topic: Topics.assistanceOutcomes,
                              event: try event(id: outcome.outcomeId, type: EventTypes.outcome, atMs: atMs, c: c, payload: outcome))]
    }

    static func denied(case c: CaseRecord, reason: String, atMs: Int64) throws -> OutgoingEvent {
        let outcome = Outcome(outcomeId: EventID.derived(c.caseId, EventTypes.outcome, "denied"), referralId: c.referralId,
                              warningId: c.warningId, householdId: c.householdId ?? "", domain: .emergency, program: program,
                              status: .denied, amountFen: 0, personKey: c.personKey,
                              decidedAt: Timestamp.rfc3339(milliseconds: atMs), reason: "§4.3 \(reason)")
        return OutgoingEvent(topic: Topics.assistanceOutcomes,
                             event: try event(id: outcome.outcomeId, type: EventTypes.outcome, atMs: atMs, c: c, payload: outcome))
    }

    static func task(_ c: CaseRecord, kind: TaskKind, discriminator: String, reason: String, dueBy: CivilDate,
                     atMs: Int64) throws -> OutgoingEvent {
        let t = WorkTask(taskId: EventID.derived(c.caseId, EventTypes.task, discriminator), householdId: c.householdId,
                         personKey: c.personKey, regionCode: c.regionCode, kind: kind, reason: reason, dueBy: dueBy.description)
        return OutgoingEvent(topic: Topics.workTasks, event: try event(id: t.taskId, type: EventTypes.task, atMs: atMs, c: c, payload: t))
    }
}
