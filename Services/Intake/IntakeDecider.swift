import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit

/// What both channels into the service share: validate a submission, then — inside the caller's
/// store transaction — apply idempotency on its id, store its status and build the one event
/// that announces the decision. The same submission id never yields two `intake.accepted.v1`.
struct IntakeDecider: Sendable {
    let validator = SubmissionValidator()
    let keyer: PersonKeyer
    let source = "/doudi/intake"

    /// A validated submission, before the store has been consulted.
    struct Evaluation: Sendable {
        let validation: SubmissionValidation
        let submissionId: String
        let channel: String?
        let regionCode: String?
        let bodyHash: String
    }

    enum Outcome: Sendable {
        /// A new decision: the row was stored and the event is to be enqueued.
        case decided(SubmissionRecord, OutgoingEvent)
        /// The same id with the same body: nothing new is published.
        case duplicate(SubmissionRecord)
        /// The id was accepted with another body; `event` tells the topic's producer (the HTTP path answers 409).
        case conflict(SubmissionRecord, OutgoingEvent)
    }

    static let conflictError = FieldError(
        field: "submissionId", code: "submission_conflict",
        message: "该申请编号已受理且内容不同；更正请使用新的申请编号",
        messageEn: "this submissionId was already accepted with different content; send a correction under a new submissionId")

    /// Parses and validates. nil means the bytes are no JSON object (dead letter / 400).
    func evaluate(_ bytes: [UInt8], asOf: CivilDate, fallbackSubmissionId: String) -> Result<Evaluation, UndecodableInput> {
        let document: JSONValue
        do { document = try JSONParser.parse(bytes, limits: validator.limits) } catch {
            return .failure(UndecodableInput(reason: error.reason))
        }
        let validation = validator.validate(document: document, asOf: asOf, fallbackSubmissionId: fallbackSubmissionId,
                                            personKey: keyer.key(for:))
        // Canonical bytes (sorted keys, no blanks): a retry that re-formats the JSON is still the same body.
        let hash = EventID.derived("intake.body", document.serialized)
        switch validation {
        case .accepted(let s):
            return .success(Evaluation(validation: validation, submissionId: s.submissionId, channel: s.channel.rawValue,
                                       regionCode: s.regionCode, bodyHash: hash))
        case .rejected(let r):
            return .success(Evaluation(validation: validation, submissionId: r.submissionId, channel: r.channel,
                                       regionCode: r.regionCode, bodyHash: hash))
        case .undecodable(let reason):
            return .failure(UndecodableInput(reason: reason))
        }
    }

    /// Idempotency, status row and event, in the caller's write transaction.
    /// `scope`: whose ids these are (`SubmissionRecord.scope`); the events' ids derive from it too,
    /// so two operators' equal submission ids are two submissions everywhere downstream.
    func apply(_ e: Evaluation, db: Database, time: String, receivedAt: String, causationID: String?,
               submittedBy: String, scope: String) throws -> Outcome {
        if let existing = try SubmissionRecords.find(db, scope: scope, id: e.submissionId) {
            if existing.bodyHash == e.bodyHash { return .duplicate(existing) }
            if existing.status == .accepted {
                let rejection = Rejection(submissionId: e.submissionId, channel: e.channel, regionCode: e.regionCode,
                                          errors: [Self.conflictError], rejectedAt: time)
                return .conflict(existing, try rejectedEvent(rejection, scope: scope, hash: e.bodyHash, time: time, causationID: causationID))
            }
            // A rejected submission corrected and sent again under its id is decided afresh.
        }
        var record = SubmissionRecord(submissionId: e.submissionId, channel: e.channel, regionCode: e.regionCode,
                                      status: .rejected, errors: [], bodyHash: e.bodyHash, receivedAt: receivedAt,
                                      decidedAt: time, submittedBy: submittedBy, scope: scope)
        let event: OutgoingEvent
        switch e.validation {
        case .accepted(var submission):
            submission.acceptedAt = time
            record.status = .accepted
            record.warnings = submission.warnings ?? []
            event = OutgoingEvent(topic: Topics.intakeAccepted, event: try CloudEvent.make(
                id: EventID.derived(EventType.intakeAccepted.rawValue, scope, e.submissionId), source: source, type: EventType.intakeAccepted.rawValue,
                time: time, subject: nil, key: submission.applicant.personKey, causationID: causationID, payload: submission))
        case .rejected(var rejection):
            rejection.rejectedAt = time
            record.errors = rejection.errors
            event = try rejectedEvent(rejection, scope: scope, hash: e.bodyHash, time: time, causationID: causationID)
        case .undecodable(let reason):
            throw PoisonMessage(reason)
        }
        try SubmissionRecords.save(db, record)
        return .decided(record, event)
    }

    /// Keyed by submission id: a rejected form may carry no valid identity number to key by.
    private func rejectedEvent(_ r: Rejection, scope: String, hash: String, time: String, causationID: String?) throws -> OutgoingEvent {
        OutgoingEvent(topic: Topics.intakeRejected, event: try CloudEvent.make(
            id: EventID.derived(EventType.intakeRejected.rawValue, scope, r.submissionId, hash), source: source, type: EventType.intakeRejected.rawValue,
            time: time, subject: nil, key: r.submissionId, causationID: causationID, payload: r))
    }
}

struct UndecodableInput: Error, Sendable { let reason: String }
