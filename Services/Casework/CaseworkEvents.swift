// What casework publishes: `casework.task.v1` per public change of a task, and what a completed
// task feeds back — a verified `home_visit` submission on intake.submissions, outcomes on
// assistance.outcomes. Ids derive from the task and the change (and, for assignments, their
// count), so a replay or a retried write publishes the same events.
import DoudiDomain
import Envelope
import Foundation
import ServiceKit

enum CaseworkEvents {
    static let source = TaskResults.source
    static let taskType = EventType.caseworkTask.rawValue

    /// The discriminator of a change in its event id. `cause`: the input that cancelled it.
    static func discriminator(_ change: CaseworkTaskEvent.Change, task: CaseworkTask, cause: String?) -> String {
        switch change {
        case .assigned: "assigned-\(task.assignments)"
        case .cancelled: "cancelled-\(cause ?? String(task.sequence))"
        case .escalated, .completed, .escalationRetracted: change.rawValue
        }
    }

    /// The time of a change: an escalation is dated its first day overdue (midnight, China Standard Time).
    static func time(_ change: CaseworkTaskEvent.Change, task: CaseworkTask, now: String) -> String {
        if change == .escalated, let day = task.escalatedOn { return "\(day)T00:00:00+08:00" }
        return now
    }

    static func changes(_ c: WorklistChange, now: String, cause: String?) throws -> [OutgoingEvent] {
        try c.changes.map { change in
            let payload = CaseworkTaskEvent(c.task, change: change)
            let key = c.task.householdId ?? c.task.taskId
            let event = try CloudEvent.make(id: EventID.derived(c.task.taskId, taskType, discriminator(change, task: c.task, cause: cause)),
                                            source: source, type: taskType, time: time(change, task: c.task, now: now),
                                            subject: c.task.householdId, key: key, causationID: cause, payload: payload)
            return OutgoingEvent(topic: Topics.name(.caseworkTasks), event: event)
        }
    }

    static func feedback(_ items: [Feedback], task: CaseworkTask, now: String) throws -> [OutgoingEvent] {
        try items.map { item in
            switch item {
            case .submission(let id, let document, let key):
                let event = CloudEvent(id: EventID.derived(EventType.intakeSubmission.rawValue, id), source: source,
                                       type: EventType.intakeSubmission.rawValue, time: now, subject: task.householdId,
                                       causationID: nil, key: key, data: document.serializedBytes)
                return OutgoingEvent(topic: Topics.intakeSubmissions, event: event)
            case .outcome(let o):
                let event = try CloudEvent.make(id: EventID.derived(o.outcomeId, EventType.assistanceOutcome.rawValue), source: source,
                                                type: EventType.assistanceOutcome.rawValue, time: now, subject: o.householdId,
                                                key: o.householdId, causationID: nil, payload: o)
                return OutgoingEvent(topic: Topics.assistanceOutcomes, event: event)
            }
        }
    }

    static func feedbackIds(_ items: [Feedback]) -> [String] {
        items.map { item in
            switch item {
            case .submission(let id, _, _): id
            case .outcome(let o): o.outcomeId
            }
        }
    }
}
