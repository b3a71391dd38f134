// How the classifier names what it publishes. Every id is deterministic: derived from the cause
// (an input event) or from an operation's scope (a due check, a re-evaluation under one
// standards version, a sample), so re-deriving after a crash or a replay yields the same ids.
import DoudiDomain
import Envelope
import ServiceKit

struct Emitter {
    static let source = "/doudi/classifier"
    static let warningType = EventType.monitoringWarning.rawValue
    static let taskType = EventType.workTask.rawValue

    /// The first part of every derived id: the cause's `ce_id` or an operation scope.
    let idBase: String
    let causationID: String?
    /// `ce_time` of what is published: the cause's event time, or the operation's.
    let time: String

    static func derived(from cause: CloudEvent, in context: ProcessingContext) -> Emitter {
        Emitter(idBase: cause.id, causationID: cause.id, time: context.eventTime)
    }

    /// For effects that must not depend on which input triggered them (due checks).
    static func scoped(_ scope: String, time: String, causationID: String? = nil) -> Emitter {
        Emitter(idBase: scope, causationID: causationID, time: time)
    }

    func warning(_ w: Warning) throws -> OutgoingEvent {
        OutgoingEvent(topic: Topics.monitoringWarnings, event: try make(
            Self.warningType, discriminator: "\(w.warningId)/\(w.status.rawValue)", key: w.householdId, payload: w))
    }

    func task(_ t: WorkTask) throws -> OutgoingEvent {
        // Keyed by household, or by person key for a candidate without a household.
        let key = t.householdId ?? t.personKey
        return OutgoingEvent(topic: Topics.workTasks, event: try make(Self.taskType, discriminator: t.taskId, key: key, payload: t))
    }

    func events(_ changes: LedgerChanges) throws -> [OutgoingEvent] {
        try (changes.resolved + changes.opened).map(warning)
    }

    private func make<T: Encodable>(_ type: String, discriminator: String, key: String?, payload: T) throws -> CloudEvent {
        try CloudEvent.make(id: EventID.derived(idBase, type, discriminator), source: Self.source, type: type, time: time,
                            subject: key, key: key, causationID: causationID, payload: payload)
    }
}
