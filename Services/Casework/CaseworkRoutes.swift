// The routes of the operators' API (docs/casework.md "HTTP API").
import DoudiDomain
import Foundation
import Hummingbird
import ServiceKit

enum CaseworkRoutes {
    static func add(to router: Router<BasicRequestContext>, api: CaseworkAPI, caller: @escaping @Sendable (Request) throws -> Caller) {
        router.get("/v1/tasks") { request, _ -> Response in
            do {
                let who = try caller(request)
                var params: [String: String] = [:]
                for (k, v) in request.uri.queryParameters { params[String(k)] = String(v) }
                return try jsonResponse(try await api.list(try CaseworkAPI.query(params), caller: who))
            } catch let p as APIProblem { return problemResponse(p) }
        }
        router.get("/v1/tasks/:taskId") { request, context -> Response in
            do {
                let who = try caller(request)
                let id = try context.parameters.require("taskId")
                guard let t = try await api.task(id, caller: who) else { throw APIProblem(status: .notFound, message: "no such task") }
                return try jsonResponse(t)
            } catch let p as APIProblem { return problemResponse(p) }
        }
        router.post("/v1/tasks/:taskId/assignment") { request, context -> Response in
            do {
                let who = try caller(request)
                let id = try context.parameters.require("taskId")
                let body = try await request.body.collect(upTo: 64 * 1024)
                return try jsonResponse(try await api.assign(id, body: Array(buffer: body), caller: who))
            } catch let p as APIProblem { return problemResponse(p) }
        }
        router.post("/v1/tasks/:taskId/completion") { request, context -> Response in
            do {
                let who = try caller(request)
                let id = try context.parameters.require("taskId")
                let body = try await request.body.collect(upTo: 1024 * 1024)
                return try jsonResponse(try await api.complete(id, body: Array(buffer: body), caller: who))
            } catch let p as APIProblem { return problemResponse(p) }
        }
        router.get("/v1/stats") { _, _ -> Response in try jsonResponse(try await api.stats()) }
    }
}
