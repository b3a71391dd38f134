// How the classifier names what it publishes. Event ids are a function of what is published —
// a warning's id, status, revision and content; a task's id and status — so publishing the same
// decision again (a replay, a rebuild, a re-evaluation that changes nothing) is the same event.
// Event times are the facts' own times (the point of the household's history, or the day of a due
// check), so that departments decide as of the time the need arose, whenever they read it.
import DoudiDomain
import Envelope
import ServiceKit

struct Emitter {
    static let source = "/doudi/classifier"
    static let warningType = EventType.monitoringWarning.rawValue
    static let taskType = EventType.workTask.rawValue

    let causationID: String?
    /// `ce_time` when the fact's own time is not known (operator actions: the event clock).
    let time: String

    static func derived(from cause: CloudEvent, in context: ProcessingContext) -> Emitter {
        Emitter(causationID: cause.id, time: context.eventTime)
    }

    static func scoped(time: String, causationID: String? = nil) -> Emitter { Emitter(causationID: causationID, time: time) }

    /// `fingerprint`: `Publication.fingerprintOf(w)` when the caller has it already.
    func warning(_ w: Warning, time: FactTime?, fingerprint: String? = nil) throws -> OutgoingEvent {
        let id = EventID.derived(Self.warningType, w.warningId, w.status.rawValue, String(w.revision ?? 0),
                                 fingerprint ?? Publication.fingerprintOf(w))
        return OutgoingEvent(topic: Topics.monitoringWarnings, event: try CloudEvent.make(
            id: id, source: Self.source, type: Self.warningType, time: time?.text ?? self.time, subject: w.householdId,
            key: w.householdId, causationID: causationID, payload: w))
    }

    func task(_ t: WorkTask, time: FactTime? = nil) throws -> OutgoingEvent {
        // Keyed by household, or by person key for a candidate without a household.
        let key = t.householdId ?? t.personKey
        let id = EventID.derived(Self.taskType, t.taskId, (t.status ?? .open).rawValue)
        return OutgoingEvent(topic: Topics.workTasks, event: try CloudEvent.make(
            id: id, source: Self.source, type: Self.taskType, time: time?.text ?? self.time, subject: key, key: key,
            causationID: causationID, payload: t))
    }
}
