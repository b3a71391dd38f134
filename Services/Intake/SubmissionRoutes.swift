import DoudiDomain
import Envelope
import Foundation
import GRDB
import Hummingbird
import NIOCore
import ServiceKit
import Store

/// `POST /v1/submissions` and `GET /v1/submissions/{id}`: operator tokens (the runtime's guard has
/// verified one) scoped to regions and channels, a body limit, idempotency on `submissionId`
/// within the operator's own ids; the stored status and the outgoing event are written in one
/// transaction with the outbox (the relay publishes them).
struct SubmissionRoutes: Sendable {
    /// Who collects forms (§2.2): township and county staff, the province's channels, and the
    /// self-declaration page (its `declarant` token may only send `self_declared`).
    static let submitters: Set<OperatorRole> = [.township, .county, .province, .declarant]

    let decider: IntakeDecider
    let writer: StoreWriter
    var pool: DatabasePool { writer.store.pool }
    let maxBodyBytes: Int

    func add(to router: Router<DoudiRequestContext>) {
        router.post("/v1/submissions") { request, context in try await post(request, context) }
        router.get("/v1/submissions/{id}") { request, context in
            try await get(request, context, id: context.parameters.get("id") ?? "")
        }
    }

    func post(_ request: Request, _ context: DoudiRequestContext) async throws -> Response {
        guard let token = context.credential else { return HTTPReplies.unauthorized }
        guard Self.submitters.contains(token.role) else { return HTTPReplies.forbidden("role") }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            return HTTPReplies.tooLarge(limit: maxBodyBytes)
        }
        let bytes: [UInt8]
        do { bytes = Array(try await request.body.collect(upTo: maxBodyBytes).readableBytesView) }
        catch is NIOTooManyBytesError { return HTTPReplies.tooLarge(limit: maxBodyBytes) }

        let now = Timestamp.rfc3339()
        guard let today = CivilDate(iso: now) else { throw HTTPError(.internalServerError) }
        let evaluation: IntakeDecider.Evaluation
        switch decider.evaluate(bytes, asOf: today, fallbackSubmissionId: EventID.random()) {
        case .success(let e): evaluation = e
        case .failure(let undecodable): return HTTPReplies.invalidJSON(undecodable.reason)
        }
        if let region = evaluation.regionCode, !token.covers(region: region) { return HTTPReplies.forbidden("region") }
        if let channel = evaluation.channel, !token.allows(channel: channel) { return HTTPReplies.forbidden("channel") }
        if token.role == .declarant, evaluation.channel != "self_declared" { return HTTPReplies.forbidden("channel") }

        let outcome = try await writer.write { db in
            let outcome = try decider.apply(evaluation, db: db, time: now, receivedAt: now, causationID: nil,
                                            submittedBy: token.subject, scope: token.subject)
            if case .decided(_, let out) = outcome { return (outcome, [out]) }
            return (outcome, [])
        }
        switch outcome {
        case .decided(let record, _), .duplicate(let record):
            return HTTPReplies.json(record.status == .accepted ? .accepted : .unprocessableContent,
                                    SubmissionStatusBody(record, full: false))
        case .conflict(let record, _):
            return HTTPReplies.json(.conflict, SubmissionStatusBody(record, errors: [IntakeDecider.conflictError], full: false))
        }
    }

    /// Only the caller's own ids exist for it: another operator's id answers 404, as an unknown one
    /// does, so an id reveals nothing about whether someone else used it.
    func get(_ request: Request, _ context: DoudiRequestContext, id: String) async throws -> Response {
        guard let token = context.credential else { return HTTPReplies.unauthorized }
        guard let record = try await pool.read({ db in try SubmissionRecords.find(db, scope: token.subject, id: id) }) else {
            return HTTPReplies.notFound
        }
        return HTTPReplies.json(.ok, SubmissionStatusBody(record, full: true))
    }
}
