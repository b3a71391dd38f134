import Envelope
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ServiceKit
import TestSupport
import XCTest

/// Every HTTP API has an OpenAPI document (docs/openapi*.json), valid OpenAPI 3, checked against the
/// running service: every route the service registers is documented, and every answer it gives is
/// one the document lists. (Intake and relief have their own tests; this covers the matcher, the
/// classifier, the router, the department handlers and the runtime endpoints every service serves.)
final class ServiceOpenAPITests: XCTestCase {
    static let docs = ComposeTests.root.appendingPathComponent("docs")

    func testEveryOpenAPIDocumentIsValidOpenAPI3() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.docs.path)
            .filter { $0.hasPrefix("openapi") && $0.hasSuffix(".json") }.sorted()
        XCTAssertEqual(Set(files), ["openapi.json", "openapi-relief.json", "openapi-matcher.json", "openapi-classifier.json",
                                    "openapi-router.json", "openapi-departments.json", "openapi-runtime.json",
                                    "openapi-casework.json", "openapi-basic-living.json"])
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import json, sys
            from openapi_spec_validator import validate
            bad = 0
            for f in sys.argv[1:]:
                try: validate(json.load(open(f)))
                except Exception as e: bad += 1; print(f, str(e)[:400])
            sys.exit(1 if bad else 0)
            """] + files.map { Self.docs.appendingPathComponent($0).path }
        let out = Pipe(); p.standardOutput = out; p.standardError = out
        try p.run()
        let report = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, report)
    }

    struct Document {
        let paths: [String: [String: Any]]
        init(_ file: String) throws {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: ServiceOpenAPITests.docs.appendingPathComponent(file)))
            paths = (json as? [String: Any])?["paths"] as? [String: [String: Any]] ?? [:]
        }
        var routes: Set<String> { Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } }) }
        func codes(_ route: String) -> Set<Int> {
            let parts = route.split(separator: " ")
            let op = paths[String(parts[1])]?[parts[0].lowercased()] as? [String: Any]
            return Set(((op?["responses"] as? [String: Any]) ?? [:]).keys.compactMap { Int($0) })
        }
    }

    struct Call { var route: String; var method = "GET"; var path: String; var body: String? = nil; var token: String? = nil; var expected: Int? = nil }

    private func call(_ port: Int, _ c: Call) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(c.path)")!)
        request.httpMethod = c.method
        if let body = c.body { request.httpBody = Data(body.utf8); request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let token = c.token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    private func check(_ name: String, port: Int, document: Document, routes: [String], calls: [Call], log: @autoclosure () -> String) async throws {
        XCTAssertEqual(document.routes, Set(routes), "\(name): the document lists exactly the routes the service registers")
        let up = try await eventuallyAsync(timeout: .seconds(30)) { (try? await self.call(port, Call(route: "", path: "/healthz")).0) == 200 }
        XCTAssertTrue(up, "\(name) did not start: \(log().suffix(1500))")
        XCTAssertEqual(Set(calls.map(\.route)), Set(routes), "\(name): every route is called")
        for c in calls {
            let (status, body) = try await call(port, c)
            if let expected = c.expected { XCTAssertEqual(status, expected, "\(name) \(c.method) \(c.path): \(body.prefix(300))") }
            XCTAssertTrue(document.codes(c.route).contains(status), "\(name) \(c.route) answered \(status), which the document does not list: \(body.prefix(300))")
        }
        let runtime = try Document("openapi-runtime.json")
        for path in ["/healthz", "/readyz", "/metrics"] {
            let (status, _) = try await call(port, Call(route: "GET \(path)", path: path))
            XCTAssertTrue(runtime.codes("GET \(path)").contains(status), "\(name) \(path) answered \(status)")
        }
    }

    func testMatcherClassifierRouterAndHandlersAnswerAsDocumented() async throws {
        let ns = try await TestBroker.freshNamespace(partitions: 1)
        let dir = temporaryDirectory("openapi")
        func start(_ exe: String, _ service: String, port: Int, extra: [String: String] = [:]) throws -> ServiceProcess {
            try ServiceProcess(exe, environment: ["DOUDI_TOPIC_NAMESPACE": ns, "DOUDI_GROUP_ID": "openapi-\(service)-\(ns)",
                                                  "DOUDI_DATA_DIR": "\(dir)/\(service)", "DOUDI_HTTP_PORT": String(port)]
                                .merging(extra) { $1 }, logName: "\(ns)\(service)")
        }
        let (mp, cp, rp, hp) = (freePort(), freePort(), freePort(), freePort())
        // Operator tokens (issue 13): a province operator reads and runs everything; a township one
        // may not designate households.
        let token = OperatorToken.development(subject: "openapi-province", role: .province, regions: ["*"])
        let township = OperatorToken.development(subject: "openapi-township", role: .township, regions: ["11"])
        let matcherToken = token, classifierToken = token
        let matcher = try start("doudi-matcher", "matcher", port: mp)
        defer { matcher.terminate() }
        let classifier = try start("doudi-classifier", "classifier", port: cp)
        defer { classifier.terminate() }
        let router = try start("doudi-router", "router", port: rp)
        defer { router.terminate() }
        let medical = try start("doudi-medical", "medical", port: hp)
        defer { medical.terminate() }

        try await check("matcher", port: mp, document: try Document("openapi-matcher.json"),
                        routes: ["GET /v1/households/{id}", "GET /v1/candidates", "GET /v1/stats", "POST /v1/households/{id}/designation"], calls: [
            Call(route: "GET /v1/households/{id}", path: "/v1/households/h-none", expected: 401),
            Call(route: "GET /v1/households/{id}", path: "/v1/households/h-none", token: matcherToken, expected: 404),
            Call(route: "GET /v1/candidates", path: "/v1/candidates?region=11&limit=5", expected: 401),
            Call(route: "GET /v1/candidates", path: "/v1/candidates?region=11&limit=5", token: matcherToken, expected: 200),
            Call(route: "GET /v1/stats", path: "/v1/stats?prefixLength=4", expected: 401),
            Call(route: "GET /v1/stats", path: "/v1/stats?prefixLength=4", token: token, expected: 200),
            Call(route: "POST /v1/households/{id}/designation", method: "POST", path: "/v1/households/h-none/designation",
                 body: #"{"designated": true, "reason": "test"}"#, expected: 401),
            Call(route: "POST /v1/households/{id}/designation", method: "POST", path: "/v1/households/h-none/designation",
                 body: #"{"designated": true, "reason": "test"}"#, token: township, expected: 403),
        ], log: matcher.log)

        try await check("classifier", port: cp, document: try Document("openapi-classifier.json"),
                        routes: ["GET /v1/stats", "POST /v1/reevaluate", "POST /v1/samples", "POST /v1/surveys",
                                 "GET /v1/surveys/{year}", "GET /v1/households/{id}/explanation"], calls: [
            Call(route: "GET /v1/stats", path: "/v1/stats", expected: 401),
            Call(route: "GET /v1/stats", path: "/v1/stats", token: token, expected: 200),
            Call(route: "POST /v1/reevaluate", method: "POST", path: "/v1/reevaluate", expected: 401),
            Call(route: "POST /v1/reevaluate", method: "POST", path: "/v1/reevaluate", body: "{not json", token: classifierToken, expected: 400),
            Call(route: "POST /v1/samples", method: "POST", path: "/v1/samples", body: #"{"period":"someday"}"#, token: classifierToken, expected: 400),
            Call(route: "POST /v1/samples", method: "POST", path: "/v1/samples", body: #"{"period":"2026Q4","seed":1}"#, token: classifierToken, expected: 200),
            Call(route: "POST /v1/surveys", method: "POST", path: "/v1/surveys", body: #"{"year":1}"#, token: classifierToken, expected: 400),
            Call(route: "GET /v1/surveys/{year}", path: "/v1/surveys/2031", token: classifierToken),
            Call(route: "GET /v1/surveys/{year}", path: "/v1/surveys/2031", expected: 401),
            Call(route: "GET /v1/households/{id}/explanation", path: "/v1/households/h-none/explanation", token: classifierToken, expected: 404),
            Call(route: "GET /v1/households/{id}/explanation", path: "/v1/households/h-none/explanation?lang=fr", token: classifierToken, expected: 400),
        ], log: classifier.log)

        try await check("router", port: rp, document: try Document("openapi-router.json"),
                        routes: ["GET /v1/stats", "GET /v1/referrals/{referralId}"], calls: [
            Call(route: "GET /v1/stats", path: "/v1/stats", expected: 401),
            Call(route: "GET /v1/stats", path: "/v1/stats", token: token, expected: 200),
            Call(route: "GET /v1/referrals/{referralId}", path: "/v1/referrals/r-none", expected: 401),
            Call(route: "GET /v1/referrals/{referralId}", path: "/v1/referrals/r-none", token: token, expected: 404),
        ], log: router.log)

        try await check("medical", port: hp, document: try Document("openapi-departments.json"),
                        routes: ["GET /v1/cases/{referralId}", "GET /v1/stats"], calls: [
            Call(route: "GET /v1/cases/{referralId}", path: "/v1/cases/r-none", expected: 401),
            Call(route: "GET /v1/cases/{referralId}", path: "/v1/cases/r-none", token: token, expected: 404),
            Call(route: "GET /v1/stats", path: "/v1/stats", expected: 401),
            Call(route: "GET /v1/stats", path: "/v1/stats", token: token, expected: 200),
        ], log: medical.log)
    }
}
