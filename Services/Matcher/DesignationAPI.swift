// §2.1.5: county operators designate a household as other low-income, or lift the designation,
// with a reason: `POST /v1/households/{id}/designation {"designated": true|false, "reason": "…"}`.
// The decision is published as a civil-affairs `dept.record.v1` through the outbox
// (`runner.writer.write`), so the matcher applies it from `dept.records` like any department
// record: a dated fact of the registry that replays. Who may decide: a county operator (operator
// token, role `county`) whose regions cover the household; every decision is recorded (AccessAudit).
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Hummingbird
import NIOCore
import ServiceKit

struct DesignationBody: Decodable { var designated: Bool; var reason: String }

struct DesignationAPI: Sendable {
    let writer: StoreWriter
    let audit: AccessAudit
    static let deciders: Set<OperatorRole> = [.county]
    var pool: DatabasePool { writer.store.pool }

    func add(to router: Router<DoudiRequestContext>) {
        router.post("/v1/households/:id/designation") { request, context -> Response in
            let credential = try context.require(Self.deciders, to: "designate households")
            let id = try context.parameters.require("id")
            let bytes = try await request.body.collect(upTo: 16 * 1024)
            guard let body = try? JSONDecoder().decode(DesignationBody.self, from: Data(buffer: bytes)) else {
                return Self.problem(.badRequest, "body", "body must be {\"designated\": true|false, \"reason\": \"…\"}")
            }
            guard let blob = try await pool.read({ db in try Data.fetchOne(db, sql: "SELECT profile FROM households WHERE id = ?", arguments: [id]) }),
                  let profile = try? JSONDecoder().decode(HouseholdProfile.self, from: blob) else {
                return Self.problem(.notFound, "householdId", "household not found")
            }
            guard credential.covers(region: profile.regionCode) else {
                return Self.problem(.forbidden, "householdId", "the household is outside the operator's counties")
            }
            try await audit.recordScoped(request, context, resource: "designation", id: id, regionCode: profile.regionCode)
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            let at = Timestamp.rfc3339(milliseconds: nowMs)
            let on = CivilDate(dayNumber: Int(nowMs / 86_400_000))
            let record: DeptRecord
            switch DesignationRequest.record(householdId: id, profile: profile, designated: body.designated, reason: body.reason,
                                             operator: credential.subject, at: at, on: on) {
            case .success(let r): record = r
            case .failure(let p): return Self.problem(p == .noMembers ? .conflict : .unprocessableContent, p.field, p.description)
            }
            let key = profile.members.first { $0.idNumber == record.idNumber }?.personKey ?? id
            let event = try CloudEvent.make(id: EventID.derived(EventType.deptRecord.rawValue, record.recordId), source: "/doudi/matcher/designation",
                                            type: EventType.deptRecord.rawValue, time: at, subject: id, key: key,
                                            causationID: nil, payload: record)
            try await writer.write { _ in ((), [OutgoingEvent(topic: Topics.deptRecords, event: event)]) }
            let answer: [String: String] = ["householdId": id, "recordId": record.recordId, "designated": String(body.designated),
                                            "operator": credential.subject, "status": "accepted"]
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
