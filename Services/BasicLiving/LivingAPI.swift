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
    static let readers: Set<OperatorRole> = [.township, .county, .province, .auditor]
    let writer: StoreWriter
    let settings: LivingSettings
    let audit: AccessAudit
    var pool: DatabasePool { writer.store.pool }
    let source = "/doudi/basic-living"

    func add(to router: Router<DoudiRequestContext>) {
        router.get("/v1/cases") { request, context -> Response in
            let credential = try context.require(Self.readers, to: "read basic-living cases")
            let q = request.uri.queryParameters
            let stage = q.get("stage"), region = q.get("region") ?? ""
            if let stage, CaseStage(rawValue: stage) == nil {
                return problem(.badRequest, "stage: one of \(CaseStage.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard region.utf8.count <= 12, region.utf8.allSatisfy({ (48...57).contains($0) }) else {
                return problem(.badRequest, "region: the digits of a division code (a prefix)")
            }
            guard let limitText = Optional(q.get("limit") ?? "1000"), let limit = Int(limitText), (1...10_000).contains(limit) else {
                return problem(.badRequest, "limit: a whole number from 1 to 10000")
            }
            try await audit.record(request, context, resource: "basic-living-cases", id: "\(stage ?? "*")@\(region.isEmpty ? "*" : region)",
                                   regionCode: region.isEmpty ? nil : region)
            let rows = try await pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT case_id, household_id, region_code, kind, stage, received_at, updated_at, open_lines FROM bl_cases
                    WHERE (?1 IS NULL OR stage = ?1) AND region_code LIKE ?2 || '%' ORDER BY case_id
                    """, arguments: [stage, region])
            }
            // Each operator sees the cases of its regions only.
            return try json(rows.lazy.filter { credential.covers(region: $0[2]) }.prefix(limit).map {
                CaseSummary(caseId: $0[0], householdId: $0[1], regionCode: $0[2], kind: $0[3], stage: $0[4], receivedAt: $0[5],
                            updatedAt: $0[6], regionName: RegionDirectory.standard.fullName($0[2]), openLines: $0[7])
            })
        }
        router.get("/v1/cases/:caseId") { request, context -> Response in
            _ = try context.require(Self.readers, to: "read basic-living cases")
            let id = try context.parameters.require("caseId")
            guard let c = try await pool.read({ try LivingStore.find($0, caseId: id) }) else { return problem(.notFound, "no such case") }
            try await audit.recordScoped(request, context, resource: "basic-living-case", id: id, regionCode: c.regionCode)
            return try json(CaseView(c))
        }
        router.post("/v1/cases/:caseId/preliminary-review") { request, context -> Response in
            let credential = try context.require([.township], to: "make the preliminary review (初审, §4: the township reviews)")
            return try await review(request, caseId: try context.parameters.require("caseId"), step: .preliminary, credential: credential)
        }
        router.post("/v1/cases/:caseId/confirmation") { request, context -> Response in
            let credential = try context.require([.county, .province], to: "confirm basic-living cases (审核确认, §4.1: the county confirms)")
            return try await review(request, caseId: try context.parameters.require("caseId"), step: .confirmation, credential: credential)
        }
        router.get("/v1/payroll") { request, context -> Response in
            let credential = try context.require([.county, .province, .auditor], to: "read the payroll")
            let q = request.uri.queryParameters
            guard let month = q.get("month").flatMap({ PayrollMonth($0) }) else { return problem(.badRequest, "month: YYYY-MM") }
            let county = q.get("county")
            if let county {
                guard county.utf8.count == 6, county.utf8.allSatisfy({ (48...57).contains($0) }) else {
                    return problem(.badRequest, "county: a six-digit county code")
                }
                guard credential.covers(region: county) else { return problem(.notFound, "no payroll of this county in your regions") }
            }
            try await audit.record(request, context, resource: "basic-living-payroll", id: "\(month)@\(county ?? "*")", regionCode: county)
            return try json(try await pool.read { db in try payroll(db, month: month, county: county, covered: credential.covers(region:)) })
        }
        router.get("/v1/stats") { _, context -> Response in
            _ = try context.require(Self.readers, to: "read basic-living statistics")
            return try json(try await pool.read { db -> [String: [String: Int]] in
                var stages: [String: Int] = [:], payroll: [String: Int] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT stage, count(*) FROM bl_cases GROUP BY stage") { stages[r[0]] = r[1] }
                for r in try Row.fetchAll(db, sql: "SELECT month, count(*) FROM bl_payroll WHERE status = 'payable' GROUP BY month") { payroll[r[0]] = r[1] }
                return ["cases": stages, "payrollEntries": payroll]
            })
        }
    }

    func payroll(_ db: Database, month: PayrollMonth, county: String?, covered: (String) -> Bool) throws -> PayrollView {
        let rows = try Row.fetchAll(db, sql: """
            SELECT payroll_id, line_id, case_id, month, county_code, program, status, amount_fen, revision FROM bl_payroll
            WHERE month = ? AND (? IS NULL OR county_code = ?) ORDER BY county_code, payroll_id
            """, arguments: [month.description, county, county])
        let entries = rows.filter { covered($0[4]) }.map {
            PayrollView.Row(payrollId: $0[0], lineId: $0[1], caseId: $0[2], month: $0[3], countyCode: $0[4], program: $0[5], status: $0[6],
                            countyName: RegionDirectory.standard.fullName($0[4]), amountFen: $0[7], revision: $0[8])
        }
        let payable = entries.filter { $0.status == PayrollStatus.payable.rawValue }
        return PayrollView(month: month.description, county: county, payable: payable.count,
                           totalFen: payable.reduce(0) { $0 + $1.amountFen }, entries: entries)
    }

    /// A review: the case's household reduced in one transaction with its outcomes and payroll.
    /// A review by the operator of the case's region (404 outside it: an id outside the caller's
    /// scope is not revealed), recorded under the token's subject.
    func review(_ request: Request, caseId: String, step: ReviewStep, credential: OperatorCredential) async throws -> Response {
        guard let region = try await pool.read({ db in try String.fetchOne(db, sql: "SELECT region_code FROM bl_cases WHERE case_id = ?", arguments: [caseId]) }),
              credential.covers(region: region) else { return problem(.notFound, "no such case in your regions") }
        let by = "\(credential.role.rawValue):\(credential.subject)"
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
