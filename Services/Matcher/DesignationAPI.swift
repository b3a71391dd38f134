// §2.1.5: county operators designate a household as other low-income, or lift the designation,
// with a reason: `POST /v1/households/{id}/designation {"designated": true|false, "reason": "…"}`.
// The decision is published as a civil-affairs `dept.record.v1` through the outbox
// (`runner.writer.write`), so the matcher applies it from `dept.records` like any department
// record: a dated fact of the registry that replays. Who may decide is `CountyOperators.authorize`.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Hummingbird
import Logging
import NIOCore
import ServiceKit

/// A county operator: an id (never a name) and the region-code prefixes they decide for.
struct CountyOperator: Codable, Sendable {
    var token: String
    var `operator`: String
    /// Region-code prefixes (`"140105"` a county; `"*"` every region).
    var regions: [String]
    func covers(region: String) -> Bool { regions.contains { $0 == "*" || region.hasPrefix($0) } }
}

/// Bearer tokens of county operators. The one place that decides who may designate: when
/// operator identities (JWTs, issue 13) land in ServiceKit, `authorize` is what changes.
/// `DOUDI_MATCHER_COUNTY_OPERATORS_FILE`: `{"operators":[{"token","operator","regions"}]}` (tokens of
/// at least 16 characters). Without it, one development operator for every region, token
/// `DOUDI_MATCHER_COUNTY_TOKEN` (default `doudi-dev-county-operator`), and a warning at start.
struct CountyOperators: Sendable {
    static let developmentToken = "doudi-dev-county-operator"
    private let byToken: [String: CountyOperator]

    init(_ operators: [CountyOperator]) {
        byToken = Dictionary(operators.map { ($0.token, $0) }, uniquingKeysWith: { first, _ in first })
    }

    static func load(environment env: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) throws -> CountyOperators {
        guard let path = env["DOUDI_MATCHER_COUNTY_OPERATORS_FILE"], !path.isEmpty else {
            let token = env["DOUDI_MATCHER_COUNTY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 } ?? developmentToken
            logger.warning("DOUDI_MATCHER_COUNTY_OPERATORS_FILE not set: one development county operator for every region (docs/matcher.md)")
            return CountyOperators([CountyOperator(token: token, operator: "development-county", regions: ["*"])])
        }
        struct File: Decodable { var operators: [CountyOperator] }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        guard !file.operators.contains(where: { $0.token.count < 16 }) else {
            throw CountyOperatorsError(description: "every token in \(path) must have at least 16 characters")
        }
        return CountyOperators(file.operators)
    }

    enum Decision { case allowed(CountyOperator), unauthenticated, forbidden }

    /// A county-role operator of the household's region may decide.
    func authorize(_ request: Request, regionCode: String) -> Decision {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
              let op = byToken[String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)] else { return .unauthenticated }
        return op.covers(region: regionCode) ? .allowed(op) : .forbidden
    }

    /// Whether the token is known at all (so that an unknown household answers 404 only to operators).
    func knows(_ request: Request) -> Bool {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return false }
        return byToken[String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)] != nil
    }
}

struct CountyOperatorsError: Error, CustomStringConvertible { var description: String }

struct DesignationBody: Decodable { var designated: Bool; var reason: String }

struct DesignationAPI: Sendable {
    let writer: StoreWriter
    let operators: CountyOperators
    var pool: DatabasePool { writer.store.pool }

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/households/:id/designation") { request, context -> Response in
            guard operators.knows(request) else { return Self.problem(.unauthorized, "authorization", "a county operator's bearer token is required") }
            let id = try context.parameters.require("id")
            let bytes = try await request.body.collect(upTo: 16 * 1024)
            guard let body = try? JSONDecoder().decode(DesignationBody.self, from: Data(buffer: bytes)) else {
                return Self.problem(.badRequest, "body", "body must be {\"designated\": true|false, \"reason\": \"…\"}")
            }
            guard let blob = try await pool.read({ db in try Data.fetchOne(db, sql: "SELECT profile FROM households WHERE id = ?", arguments: [id]) }),
                  let profile = try? JSONDecoder().decode(HouseholdProfile.self, from: blob) else {
                return Self.problem(.notFound, "householdId", "household not found")
            }
            let op: CountyOperator
            switch operators.authorize(request, regionCode: profile.regionCode) {
            case .allowed(let o): op = o
            case .unauthenticated: return Self.problem(.unauthorized, "authorization", "a county operator's bearer token is required")
            case .forbidden: return Self.problem(.forbidden, "householdId", "the household is outside the operator's counties")
            }
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            let at = Timestamp.rfc3339(milliseconds: nowMs)
            let on = CivilDate(dayNumber: Int(nowMs / 86_400_000))
            let record: DeptRecord
            switch DesignationRequest.record(householdId: id, profile: profile, designated: body.designated, reason: body.reason,
                                             operator: op.operator, at: at, on: on) {
            case .success(let r): record = r
            case .failure(let p): return Self.problem(p == .noMembers ? .conflict : .unprocessableContent, p.field, p.description)
            }
            let key = profile.members.first { $0.idNumber == record.idNumber }?.personKey ?? id
            let event = try CloudEvent.make(id: EventID.derived(EventType.deptRecord.rawValue, record.recordId), source: "/doudi/matcher/designation",
                                            type: EventType.deptRecord.rawValue, time: at, subject: id, key: key,
                                            causationID: nil, payload: record)
            try await writer.write { _ in ((), [OutgoingEvent(topic: Topics.deptRecords, event: event)]) }
            let answer: [String: String] = ["householdId": id, "recordId": record.recordId, "designated": String(body.designated),
                                            "operator": op.operator, "status": "accepted"]
            return Response(status: .accepted, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: (try? JSONEncoder.sorted.encode(answer)) ?? Data())))
        }
    }

    static func problem(_ status: HTTPResponse.Status, _ field: String, _ detail: String) -> Response {
        let bytes = (try? JSONEncoder.sorted.encode(["field": field, "error": detail])) ?? Data()
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
