import DoudiDomain
import Envelope
import GRDB
import ServiceKit

/// The topic channel: `intake.submissions` (channel systems, bulk import) to
/// `intake.accepted` / `intake.rejected`; what is no JSON object goes to the dead letters.
struct IntakeProcessor: EventProcessor {
    let name = "intake"
    let inputTopics = [Topics.intakeSubmissions]
    let decider: IntakeDecider

    func registerMigrations(_ migrator: inout DatabaseMigrator) { SubmissionRecords.register(&migrator) }

    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent] {
        guard event.type == EventType.intakeSubmission.rawValue else {
            throw EnvelopeError.wrongType(expected: EventType.intakeSubmission.rawValue, got: event.type)
        }
        // The event's own date, not today's: a replay next year decides exactly as today.
        guard let asOf = CivilDate(iso: context.eventTime) else { throw PoisonMessage("ce_time is not an RFC 3339 time") }
        let evaluation: IntakeDecider.Evaluation
        switch decider.evaluate(event.data, asOf: asOf, fallbackSubmissionId: event.id) {
        case .success(let e): evaluation = e
        case .failure(let undecodable): throw PoisonMessage("undecodable intake.submission.v1: \(undecodable.reason)")
        }
        switch try decider.apply(evaluation, db: context.db, time: context.eventTime, receivedAt: context.eventTime,
                                 causationID: event.id, submittedBy: "topic", scope: "topic:" + event.source) {
        case .decided(_, let out), .conflict(_, let out): return [out]
        case .duplicate: return []
        }
    }
}
