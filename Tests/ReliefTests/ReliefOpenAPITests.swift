import Foundation
import TestSupport
import XCTest

/// docs/openapi-relief.json against the running service: every route of the API is documented,
/// and every answer the service gives (success and each error) is one the document lists.
final class ReliefOpenAPITests: XCTestCase {
    /// The routes `ReliefAPI` registers (the health routes are ServiceKit's, documented in docs/operations.md).
    static let routes = ["GET /v1/cases", "GET /v1/cases/{caseId}", "POST /v1/cases/{caseId}/review", "POST /v1/cases/{caseId}/approval",
                         "GET /v1/funds", "GET /v1/county-funds", "GET /v1/stats"]

    func testDocumentCoversEveryRouteAndEveryAnswer() async throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi-relief.json")
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: docs)) as? [String: Any])
        let paths = try XCTUnwrap(doc["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } })
        XCTAssertEqual(documented, Set(Self.routes))
        func codes(_ route: String) -> Set<Int> {
            let parts = route.split(separator: " ")
            let op = paths[String(parts[1])]?[parts[0].lowercased()] as? [String: Any]
            return Set(((op?["responses"] as? [String: Any]) ?? [:]).keys.compactMap { Int($0) })
        }

        let h = try await ReliefHarness(standards: standardsJSON(), intervalSeconds: 3600)
        try await h.start()
        defer { h.stop() }
        // 500,000 fen is above the township limit (300,000): the case waits for the county.
        try await TestBroker.produce([try applicationEvent("a-county", person: 41, requested: 500_000),
                                      try applicationEvent("a-calm", person: 42, requested: 100_000, urgent: false)],
                                     to: h.topic("relief.applications"))
        var pending: String?
        _ = try await eventuallyAsync(timeout: .seconds(60)) {
            pending = try await h.cases(status: "pending").first?["caseId"] as? String
            return pending != nil
        }
        let caseId = try XCTUnwrap(pending, "no pending case")
        let approval = "/v1/cases/\(caseId)/approval", review = "/v1/cases/case-a-calm/review"
        let township = ReliefHarness.townshipToken
        let calls: [(route: String, method: String, path: String, body: String?, token: String?, expected: Int)] = [
            ("GET /v1/cases", "GET", "/v1/cases?status=pending&limit=5", nil, ReliefHarness.readerToken, 200),
            ("GET /v1/cases", "GET", "/v1/cases?limit=-1", nil, ReliefHarness.readerToken, 400),
            ("GET /v1/cases", "GET", "/v1/cases", nil, nil, 401),
            ("GET /v1/cases/{caseId}", "GET", "/v1/cases/\(caseId)", nil, ReliefHarness.readerToken, 200),
            ("GET /v1/cases/{caseId}", "GET", "/v1/cases/no-such-case", nil, ReliefHarness.readerToken, 404),
            ("POST /v1/cases/{caseId}/approval", "POST", approval, #"{"approvedFen": 400000, "approver": "c-1"}"#, nil, 401),
            ("POST /v1/cases/{caseId}/approval", "POST", approval, #"{"approvedFen": 400000}"#, ReliefHarness.readerToken, 403),
            ("POST /v1/cases/{caseId}/approval", "POST", approval, #"{"approved": true}"#, ReliefHarness.countyToken, 400),
            ("POST /v1/cases/{caseId}/approval", "POST", "/v1/cases/no-such-case/approval", #"{"approvedFen": 1, "approver": "c-1"}"#, ReliefHarness.countyToken, 404),
            ("POST /v1/cases/{caseId}/approval", "POST", approval, #"{"approvedFen": 99000000, "approver": "c-1"}"#, ReliefHarness.countyToken, 422),
            ("POST /v1/cases/{caseId}/approval", "POST", approval, #"{"approvedFen": 400000, "approver": "c-1"}"#, ReliefHarness.countyToken, 200),
            ("POST /v1/cases/{caseId}/approval", "POST", approval, #"{"approvedFen": 450000, "approver": "c-1"}"#, ReliefHarness.countyToken, 409),
            ("POST /v1/cases/{caseId}/review", "POST", review, #"{"decision": "approve"}"#, nil, 401),
            ("POST /v1/cases/{caseId}/review", "POST", review, #"{"decision": "approve"}"#, ReliefHarness.countyToken, 403),
            ("POST /v1/cases/{caseId}/review", "POST", review, #"{"decision": "deny"}"#, township, 400),
            ("POST /v1/cases/{caseId}/review", "POST", "/v1/cases/no-such-case/review", #"{"decision": "approve"}"#, township, 404),
            ("POST /v1/cases/{caseId}/review", "POST", "/v1/cases/\(caseId)/review", #"{"decision": "approve"}"#, township, 409),
            ("POST /v1/cases/{caseId}/review", "POST", review, #"{"decision": "approve"}"#, township, 200),
            ("GET /v1/funds", "GET", "/v1/funds", nil, ReliefHarness.readerToken, 200),
            ("GET /v1/funds", "GET", "/v1/funds", nil, nil, 401),
            ("GET /v1/county-funds", "GET", "/v1/county-funds", nil, ReliefHarness.readerToken, 200),
            ("GET /v1/stats", "GET", "/v1/stats", nil, ReliefHarness.readerToken, 200),
            ("GET /v1/stats", "GET", "/v1/stats", nil, nil, 401),
        ]
        for call in calls {
            let (status, body) = try await h.http(call.method, call.path, body: call.body, token: call.token)
            XCTAssertEqual(status, call.expected, "\(call.method) \(call.path): \(String(decoding: body, as: UTF8.self))")
            XCTAssertTrue(codes(call.route).contains(status), "\(call.route) answered \(status), which the document does not list")
        }
        // A case as served has every property the document requires.
        let schemas = try XCTUnwrap((doc["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        let required = Set(try XCTUnwrap(schemas["Case"]?["required"] as? [String]))
        let all = try await h.cases()
        let served = try XCTUnwrap(all.first)
        XCTAssertTrue(required.isSubset(of: Set(served.keys)), "missing: \(required.subtracting(served.keys))")
    }
}
