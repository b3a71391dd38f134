// The HTTP API: cases (pending ones for the county, awaiting_review ones for the township), the
// township's review, the county's approval, the township reserve funds and the county funds'
// payments. Responses never carry names or identity numbers. Every route needs an operator
// token (the runtime's guard); each operator sees the cases and funds of its regions only, reads
// of cases are recorded (AccessAudit), a township operator of the case's region reviews it and
// only a county (or province) operator of the case's region approves it.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Hummingbird
import ServiceKit
import Store

struct CaseView: Codable {
    struct StageView: Codable {
        var stage: Int, amountFen: Int64, dueOn: String, dueAt: String, approvedAt: String, aidFirst: Bool, paid: Bool
        var disbursementId: String
    }
    var caseId: String, applicationId: String, township: String, regionCode: String, incidentKind: String
    var status: String, level: String, requestedFen: Int64, approvedTotalFen: Int64, paidFen: Int64
    var countyApproved: Bool, approver: String?, createdAt: String
    /// `approved` / `denied` once the township reviewed a case that is not urgent; absent otherwise.
    var review: String?, reviewer: String?
    var stages: [StageView]
    var reasons: [Reason]
}

struct FundView: Codable {
    var township: String, openingFen: Int64, replenishedFen: Int64, disbursedFen: Int64, balanceFen: Int64
}

/// `approver` is optional: the approval is recorded under the operator token's subject.
struct ApprovalBody: Codable { var approvedFen: Int64; var approver: String? }

/// `{"decision": "approve" | "deny", "reason": "…"}`; a denial needs a reason. The review is
/// recorded under the operator token's subject (a `reviewer` in the body is ignored).
struct ReviewBody: Codable { var decision: String; var reviewer: String?; var reason: String? }

struct CountyFundView: Codable { var county: String; var paidFen: Int64; var stagesPaid: Int }

struct ReliefAPI: Sendable {
    static let readers: Set<OperatorRole> = [.township, .county, .province, .auditor]
    let writer: StoreWriter
    let settings: ReliefSettings
    let audit: AccessAudit
    var pool: DatabasePool { writer.store.pool }

    func add(to router: Router<DoudiRequestContext>) {
        router.get("/v1/cases") { request, context -> Response in
            let credential = try context.require(Self.readers, to: "read relief cases")
            let status = request.uri.queryParameters.get("status")
            guard let limit = Self.limit(request.uri.queryParameters.get("limit")) else {
                return problem(.badRequest, "limit must be a whole number from 1 to 10000")
            }
            try await audit.record(request, context, resource: "cases", id: status ?? "*", regionCode: nil)
            return try json(try await pool.read { db in try cases(db, status: status, regions: credential, limit: limit) })
        }
        router.get("/v1/cases/:caseId") { request, context -> Response in
            let credential = try context.require(Self.readers, to: "read relief cases")
            let id = try context.parameters.require("caseId")
            guard let view = try await pool.read({ db in try cases(db, caseId: id, regions: nil, limit: 1).first }) else {
                return problem(.notFound, "no such case")
            }
            _ = credential
            try await audit.recordScoped(request, context, resource: "case", id: id, regionCode: view.regionCode)
            return try json(view)
        }
        router.post("/v1/cases/:caseId/approval") { request, context -> Response in
            let credential = try context.require([.county, .province], to: "approve relief cases (§4.3: the county approves above the township limit)")
            let id = try context.parameters.require("caseId")
            let bytes = try await request.body.collect(upTo: 64 * 1024)
            guard let body = try? JSONDecoder().decode(ApprovalBody.self, from: Data(buffer: bytes)) else {
                return problem(.badRequest, "body must be {\"approvedFen\": <fen>}")
            }
            guard let region = try await pool.read({ db in try String.fetchOne(db, sql: "SELECT region_code FROM relief_cases WHERE case_id = ?", arguments: [id]) }),
                  credential.covers(region: region) else { return problem(.notFound, "no such case") }
            return try await approve(caseId: id, ApprovalBody(approvedFen: body.approvedFen, approver: credential.subject))
        }
        router.get("/v1/funds") { _, context -> Response in
            let credential = try context.require(Self.readers, to: "read reserve funds")
            return try json(try await pool.read(funds).filter { credential.covers(region: $0.township) })
        }
        router.post("/v1/cases/:caseId/review") { request, context -> Response in
            let credential = try context.require([.township], to: "review relief cases (§4.3: the township reviews)")
            let id = try context.parameters.require("caseId")
            let bytes = try await request.body.collect(upTo: 64 * 1024)
            guard var body = try? JSONDecoder().decode(ReviewBody.self, from: Data(buffer: bytes)),
                  body.decision == "approve" || body.decision == "deny" else {
                return problem(.badRequest, "body must be {\"decision\": \"approve\" | \"deny\", \"reason\": <text>}")
            }
            if body.decision == "deny" && (body.reason ?? "").isEmpty {
                return problem(.badRequest, "a denial needs a reason (it is sent to the household's file)")
            }
            guard let region = try await pool.read({ db in try String.fetchOne(db, sql: "SELECT region_code FROM relief_cases WHERE case_id = ?", arguments: [id]) }),
                  credential.covers(region: region) else { return problem(.notFound, "no such case") }
            body.reviewer = credential.subject
            return try await review(caseId: id, body)
        }
        router.get("/v1/county-funds") { _, context -> Response in
            let credential = try context.require(Self.readers, to: "read county funds")
            return try json(try await pool.read(countyFunds).filter { credential.covers(region: $0.county) })
        }
        router.get("/v1/stats") { _, _ -> Response in try json(try await pool.read(stats)) }
    }

    /// `limit`: 1…10000, default 1000 (a negative or zero limit is an error, not "no limit").
    static func limit(_ text: String?) -> Int? {
        guard let text else { return 1000 }
        guard let n = Int(text), (1...10_000).contains(n) else { return nil }
        return n
    }

    private func approve(caseId: String, _ body: ApprovalBody) async throws -> Response {
        let settings = settings
        let result = try await writer.write { db -> (ApprovalResult, [OutgoingEvent]) in
            let result = try CountyApprovals.approve(db, caseId: caseId, approvedFen: body.approvedFen, approver: body.approver ?? "",
                                                     atMs: Clock.nowMs(), settings: settings)
            if case .approved(_, let events) = result { return (result, events) }
            return (result, [])
        }
        switch result {
        case .approved: return try json(try await pool.read { db in try cases(db, caseId: caseId, regions: nil, limit: 1) }.first)
        case .unknownCase: return problem(.notFound, "no such case")
        case .notRequired: return problem(.conflict, "the case is within the township limit: the township approved it")
        case .refused(let p):
            switch p {
            case .alreadyApproved, .notReviewed: return problem(.conflict, p.description)
            default: return problem(.unprocessableContent, p.description)
            }
        }
    }

    private func review(caseId: String, _ body: ReviewBody) async throws -> Response {
        let settings = settings
        let result = try await writer.write { db -> (ReviewResult, [OutgoingEvent]) in
            let result = try TownshipReviews.review(db, caseId: caseId, approve: body.decision == "approve", reviewer: body.reviewer ?? "",
                                                    reason: body.reason, atMs: Clock.nowMs(), settings: settings)
            if case .reviewed(_, let events) = result { return (result, events) }
            return (result, [])
        }
        switch result {
        case .reviewed: return try json(try await pool.read { db in try cases(db, caseId: caseId, regions: nil, limit: 1) }.first)
        case .unknownCase: return problem(.notFound, "no such case")
        case .refused(let p): return problem(.conflict, p.description)
        }
    }

    private func countyFunds(_ db: Database) throws -> [CountyFundView] {
        try Row.fetchAll(db, sql: "SELECT county, sum(amount_fen), count(*) FROM relief_county_payments GROUP BY county ORDER BY county")
            .map { CountyFundView(county: $0[0], paidFen: $0[1], stagesPaid: $0[2]) }
    }

    /// `regions`: only cases in the credential's regions (nil: every case).
    private func cases(_ db: Database, status: String? = nil, caseId: String? = nil, regions: OperatorCredential?, limit: Int) throws -> [CaseView] {
        var sql = "SELECT * FROM relief_cases WHERE 1", args: [DatabaseValueConvertible] = []
        if let caseId { sql += " AND case_id = ?"; args.append(caseId) }
        else if let status { sql += " AND status = ?"; args.append(status) }
        if let regions, !regions.national {
            sql += " AND (" + regions.regions.map { _ in "region_code LIKE ? || '%'" }.joined(separator: " OR ") + ")"
            args += regions.regions.map { $0 as DatabaseValueConvertible }
        }
        sql += " ORDER BY created_at, case_id LIMIT ?"; args.append(limit)
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { row in
            let c = try CaseRecord(row: row)
            let stages = try Row.fetchAll(db, sql: "SELECT * FROM relief_stages WHERE case_id = ? ORDER BY stage", arguments: [c.caseId])
                .map { s in
                    CaseView.StageView(stage: s["stage"], amountFen: s["amount_fen"], dueOn: s["due_on"],
                                       dueAt: Timestamp.rfc3339(milliseconds: s["due_ms"]), approvedAt: s["approved_at"],
                                       aidFirst: s["aid_first"], paid: s["paid"], disbursementId: s["disbursement_id"])
                }
            return CaseView(caseId: c.caseId, applicationId: c.applicationId, township: c.township, regionCode: c.regionCode,
                            incidentKind: c.incidentKind, status: c.status.rawValue, level: c.level.rawValue,
                            requestedFen: c.requestedFen, approvedTotalFen: c.relief.plan.totalFen, paidFen: c.relief.paidFen,
                            countyApproved: c.relief.countyApproved, approver: c.approver, createdAt: c.createdAt,
                            review: c.relief.review?.decision?.rawValue, reviewer: c.relief.review?.reviewer,
                            stages: stages, reasons: c.reasons)
        }
    }

    private func funds(_ db: Database) throws -> [FundView] {
        try Row.fetchAll(db, sql: "SELECT * FROM relief_funds ORDER BY township").map {
            FundView(township: $0["township"], openingFen: $0["opening_fen"], replenishedFen: $0["replenished_fen"],
                     disbursedFen: $0["disbursed_fen"], balanceFen: $0["balance_fen"])
        }
    }

    private func stats(_ db: Database) throws -> [String: Int64] {
        var out: [String: Int64] = ["applications": try Int64.fetchOne(db, sql: "SELECT count(*) FROM relief_applications") ?? 0,
                                    "stagesPaid": try Int64.fetchOne(db, sql: "SELECT count(*) FROM relief_stages WHERE paid = 1") ?? 0,
                                    "stagesUnpaid": try Int64.fetchOne(db, sql: "SELECT count(*) FROM relief_stages WHERE paid = 0") ?? 0]
        for row in try Row.fetchAll(db, sql: "SELECT status, count(*) FROM relief_cases GROUP BY status") {
            out["cases." + (row[0] as String)] = row[1]
        }
        return out
    }
}

private func json<T: Encodable>(_ value: T) throws -> Response {
    Response(status: .ok, headers: [.contentType: "application/json"],
             body: .init(byteBuffer: ByteBuffer(bytes: try JSONCoding.encoder.encode(value))))
}

private func problem(_ status: HTTPResponse.Status, _ detail: String) -> Response {
    let body = (try? JSONCoding.encoder.encode(["error": detail])) ?? Data()
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
}
