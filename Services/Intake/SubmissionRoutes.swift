import DoudiDomain
import Envelope
import Foundation
import GRDB
import Hummingbird
import NIOCore
import ServiceKit
import Store

/// `POST /v1/submissions` and `GET /v1/submissions/{id}`: bearer tokens scoped to regions, a
/// body limit, idempotency on `submissionId`; the stored status and the outgoing event are
/// written in one transaction with the outbox (the relay publishes them).
struct SubmissionRoutes: Sendable {
    let decider: IntakeDecider
    let tokens: OperatorTokens
    let writer: StoreWriter
    var pool: DatabasePool { writer.store.pool }
    let maxBodyBytes: Int

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/submissions") { request, _ in try await post(request) }
        router.get("/v1/submissions/{id}") { request, context in
            try await get(request, id: context.parameters.get("id") ?? "")
        }
    }

    func post(_ request: Request) async throws -> Response {
        guard let token = tokens.authenticate(request.headers[.authorization]) else { return HTTPReplies.unauthorized }
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

        let outcome = try await writer.write { db in
            let outcome = try decider.apply(evaluation, db: db, time: now, receivedAt: now, causationID: nil,
                                            submittedBy: token.operator)
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

    func get(_ request: Request, id: String) async throws -> Response {
        guard let token = tokens.authenticate(request.headers[.authorization]) else { return HTTPReplies.unauthorized }
        guard let record = try await pool.read({ db in try SubmissionRecords.find(db, id: id) }) else {
            return HTTPReplies.notFound
        }
        // A rejected form may have no valid region: then only the operator who sent it sees it.
        let inScope = (record.regionCode.map(token.covers(region:)) ?? false) && token.allows(channel: record.channel ?? "")
        let visible = inScope || record.submittedBy == token.operator
        guard visible else { return HTTPReplies.forbidden("region") }
        return HTTPReplies.json(.ok, SubmissionStatusBody(record, full: true))
    }
}
