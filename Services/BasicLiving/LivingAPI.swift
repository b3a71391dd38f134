// The operators' HTTP API (docs/basic-living.md): cases by stage and region, one case with its
// reviews, decisions, payment lines and outcomes; the township's preliminary review (初审) and the
// county's confirmation (审核确认); the payroll of a month. Responses carry no names or identity
// numbers (the referral's people are named by person key).
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Hummingbird
import ServiceKit
import Store

/// `{"decision": "pass" | "fail", "note": "…", "verified": {"perCapitaMonthlyFen": n, "householdSize": n, "careLevel": "full"}}`
/// (confirmation: `"confirm" | "deny"`); a failed review needs a note (it goes to the household's file).
struct ReviewBody: Codable {
    var decision: String
    var note: String?
    var verified: VerifiedFacts?
}

struct CaseSummary: Codable {
    var caseId, householdId, regionCode, kind, stage, receivedAt, updatedAt: String
    var regionName: String?
    var openLines: Int
}

struct CaseView: Codable {
    struct NeedView: Codable { var personKey: String?; var reason: String; var clause: String; var facts: [String: String] }
    var caseId, householdId, regionCode, kind, stage, disposal, receivedAt, updatedAt: String
    var regionName: String?
    var revision: Int
    var waitingFor: String?
    var needs: [NeedView]
    var reviews: [ReviewRecord]
    var decisions: [LivingDecision]
    var lines: [PaymentLine]
    var outcomes: [Outcome]

    init(_ c: LivingCase) {
        caseId = c.caseId; householdId = c.householdId; regionCode = c.regionCode; kind = c.kind.rawValue; stage = c.stage.rawValue
        disposal = c.referral.disposal.rawValue; receivedAt = c.receivedAt; updatedAt = c.updatedAt
        regionName = RegionDirectory.standard.fullName(c.regionCode); revision = c.revision; waitingFor = c.waitingFor?.rawValue
        needs = c.referral.needs.map { NeedView(personKey: $0.personKey, reason: $0.reason, clause: $0.clause, facts: $0.facts) }
        reviews = c.reviews; decisions = c.decisions; lines = c.lines; outcomes = c.outcomes
    }
}

struct PayrollView: Codable {
    struct Row: Codable {
        var payrollId, lineId, caseId, month, countyCode, program, status: String
        var countyName: String?
        var amountFen: Int64
        var revision: Int
    }
    var month: String
    var county: String?
    var payable: Int
    var totalFen: Int64
    var entries: [Row]
}

struct LivingAPI: Sendable {
    let writer: StoreWriter
    let settings: LivingSettings
    var pool: DatabasePool { writer.store.pool }
    let source = "/doudi/basic-living"

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/cases") { request, _ -> Response in
            let q = request.uri.queryParameters
            let stage = q.get("stage"), region = q.get("region") ?? ""
            if let stage, CaseStage(rawValue: stage) == nil {
                return problem(.badRequest, "stage: one of \(CaseStage.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard region.utf8.allSatisfy({ (48...57).contains($0) }) else { return problem(.badRequest, "region: digits of a division code") }
            let limit = min(10_000, max(1, q.get("limit").flatMap { Int($0) } ?? 1000))
            let rows = try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT case_id, household_id, region_code, kind, stage, received_at, updated_at, open_lines FROM bl_cases
                    WHERE (?1 IS NULL OR stage = ?1) AND region_code LIKE ?2 || '%' ORDER BY case_id LIMIT ?3
                    """, arguments: [stage, region, limit])
            }
            return try json(rows.map {
                CaseSummary(caseId: $0[0], householdId: $0[1], regionCode: $0[2], kind: $0[3], stage: $0[4], receivedAt: $0[5],
                            updatedAt: $0[6], regionName: RegionDirectory.standard.fullName($0[2]), openLines: $0[7])
            })
        }
        router.get("/v1/cases/:caseId") { _, context -> Response in
            let id = try context.parameters.require("caseId")
            guard let c = try await pool.read({ try LivingStore.find($0, caseId: id) }) else { return problem(.notFound, "no such case") }
            return try json(CaseView(c))
        }
        router.post("/v1/cases/:caseId/preliminary-review") { request, context -> Response in
            let id = try context.parameters.require("caseId")
            return try await review(request, caseId: id, step: .preliminary, by: "township-operator")
        }
        router.post("/v1/cases/:caseId/confirmation") { request, context -> Response in
            let id = try context.parameters.require("caseId")
            return try await review(request, caseId: id, step: .confirmation, by: "county-operator")
        }
        router.get("/v1/payroll") { request, _ -> Response in
            let q = request.uri.queryParameters
            guard let month = q.get("month").flatMap({ PayrollMonth($0) }) else { return problem(.badRequest, "month: YYYY-MM") }
            let county = q.get("county")
            if let county, county.utf8.count != 6 || !county.utf8.allSatisfy({ (48...57).contains($0) }) {
                return problem(.badRequest, "county: a six-digit county code")
            }
            return try json(try await pool.read { db in try payroll(db, month: month, county: county) })
        }
        router.get("/v1/stats") { _, _ -> Response in
            try json(try await pool.read { db -> [String: [String: Int]] in
                var stages: [String: Int] = [:], payroll: [String: Int] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT stage, count(*) FROM bl_cases GROUP BY stage") { stages[r[0]] = r[1] }
                for r in try Row.fetchAll(db, sql: "SELECT month, count(*) FROM bl_payroll WHERE status = 'payable' GROUP BY month") { payroll[r[0]] = r[1] }
                return ["cases": stages, "payrollEntries": payroll]
            })
        }
    }

    func payroll(_ db: Database, month: PayrollMonth, county: String?) throws -> PayrollView {
        let rows = try Row.fetchAll(db, sql: """
            SELECT payroll_id, line_id, case_id, month, county_code, program, status, amount_fen, revision FROM bl_payroll
            WHERE month = ? AND (? IS NULL OR county_code = ?) ORDER BY county_code, payroll_id
            """, arguments: [month.description, county, county])
        let entries = rows.map {
            PayrollView.Row(payrollId: $0[0], lineId: $0[1], caseId: $0[2], month: $0[3], countyCode: $0[4], program: $0[5], status: $0[6],
                            countyName: RegionDirectory.standard.fullName($0[4]), amountFen: $0[7], revision: $0[8])
        }
        let payable = entries.filter { $0.status == PayrollStatus.payable.rawValue }
        return PayrollView(month: month.description, county: county, payable: payable.count,
                           totalFen: payable.reduce(0) { $0 + $1.amountFen }, entries: entries)
    }

    /// A review: the case's household reduced in one transaction with its outcomes and payroll.
    func review(_ request: Request, caseId: String, step: ReviewStep, by: String) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 64 * 1024)
        let body: ReviewBody
        do { body = try JSONDecoder().decode(ReviewBody.self, from: Data(buffer: bytes)) }
        catch { return problem(.badRequest, "body must be {\"decision\": …, \"note\": …, \"verified\": {…}}: \(describe(error))") }
        let words = step == .preliminary ? ("pass", "fail") : ("confirm", "deny")
        guard body.decision == words.0 || body.decision == words.1 else {
            return problem(.badRequest, "decision: \"\(words.0)\" or \"\(words.1)\"")
        }
        let passed = body.decision == words.0
        if !passed && (body.note ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            return problem(.badRequest, "note: a \(words.1) needs a reason (it goes to the household's file)")
        }
        let ms = Int64(Date().timeIntervalSince1970 * 1000)
        let day = CivilDate(dayNumber: Int((ms + 8 * 3_600_000) / 86_400_000))
        let time = Timestamp.rfc3339()
        let rules = settings.rules, source = source
        do {
            let view = try await writer.write { db -> (CaseView, [OutgoingEvent]) in
                guard let found = try LivingStore.find(db, caseId: caseId) else { throw ReviewError.unknownCase }
                var household = try LivingStore.household(db, found.householdId)
                let outcomes = try household.review(caseId: caseId, step: step, passed: passed, by: by, note: body.note,
                                                    verified: body.verified, on: day, at: time, rules: rules)
                try LivingStore.save(db, household)
                try LivingStore.advance(db, to: time)
                var events = try outcomes.map { try BasicLivingProcessor.outcomeEvent($0, source: source, time: time, cause: nil) }
                events += try PayrollRun.afterClock(db, touched: household.cases.filter { household.touched.contains($0.caseId) }, source: source)
                return (CaseView(household.cases.first { $0.caseId == caseId }!), events)
            }
            return try json(view)
        } catch let error as ReviewError {
            return problem(error == .unknownCase ? .notFound : .conflict, error.description)
        }
    }
}

private func describe(_ error: Error) -> String {
    guard let e = error as? DecodingError else { return "not JSON" }
    switch e {
    case .keyNotFound(let k, _): return "missing field \(k.stringValue)"
    case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
        return "field \(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
    @unknown default: return "invalid"
    }
}

func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}

func problem(_ status: HTTPResponse.Status, _ detail: String) -> Response {
    let body = (try? JSONSerialization.data(withJSONObject: ["title": status.reasonPhrase, "status": status.code, "detail": detail])) ?? Data()
    return Response(status: status, headers: [.contentType: "application/problem+json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
}
