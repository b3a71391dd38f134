// The routes of the operators' API (docs/casework.md "HTTP API"), on the trust layer: an operator
// token on every /v1 route, its role deciding what it may do and its regions which tasks it sees.
import DoudiDomain
import Foundation
import Hummingbird
import ServiceKit

enum CaseworkRoutes {
    static let readers: Set<OperatorRole> = [.township, .county, .province, .auditor]
    /// §3.3: township staff do the visits and reviews; the county and the province take what was escalated.
    static let workers: Set<OperatorRole> = [.township, .county, .province]

    static func caller(_ c: OperatorCredential) -> Caller {
        Caller(subject: c.subject, regions: c.regions, mayAssignEscalated: c.role == .county || c.role == .province)
    }

    static func add(to router: Router<DoudiRequestContext>, api: CaseworkAPI, audit: AccessAudit) {
        router.get("/v1/tasks") { request, context -> Response in
            let credential = try context.require(readers, to: "read the worklist")
            do {
                var params: [String: String] = [:]
                for (k, v) in request.uri.queryParameters { params[String(k)] = String(v) }
                let query = try CaseworkAPI.query(params)
                try await audit.record(request, context, resource: "tasks", id: query.region ?? "*", regionCode: query.region)
                return try jsonResponse(try await api.list(query, caller: caller(credential)))
            } catch let p as APIProblem { return problemResponse(p) }
        }
        router.get("/v1/tasks/:taskId") { request, context -> Response in
            let credential = try context.require(readers, to: "read the worklist")
            let id = try context.parameters.require("taskId")
            guard let t = try await api.task(id, caller: Caller(subject: credential.subject, regions: ["*"], mayAssignEscalated: false)) else {
                return problemResponse(APIProblem(status: .notFound, message: "no such task"))
            }
            try await audit.recordScoped(request, context, resource: "task", id: id, regionCode: t.regionCode)
            return try jsonResponse(t)
        }
        router.post("/v1/tasks/:taskId/assignment") { request, context -> Response in
            let credential = try context.require(workers, to: "assign tasks")
            let id = try context.parameters.require("taskId")
            let body = try await request.body.collect(upTo: 64 * 1024)
            do { return try jsonResponse(try await api.assign(id, body: Array(buffer: body), caller: caller(credential))) }
            catch let p as APIProblem { return problemResponse(p) }
        }
        router.post("/v1/tasks/:taskId/completion") { request, context -> Response in
            let credential = try context.require(workers, to: "complete tasks")
            let id = try context.parameters.require("taskId")
            let body = try await request.body.collect(upTo: 1024 * 1024)
            do { return try jsonResponse(try await api.complete(id, body: Array(buffer: body), caller: caller(credential))) }
            catch let p as APIProblem { return problemResponse(p) }
        }
        router.get("/v1/stats") { _, _ -> Response in try jsonResponse(try await api.stats()) }
    }
}
