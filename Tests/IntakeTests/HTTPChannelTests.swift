import Envelope
import Foundation
import Kafka
import TestSupport
import XCTest

/// `POST /v1/submissions`, `GET /v1/submissions/{id}` and `/openapi.json`.
final class HTTPChannelTests: XCTestCase {
    func testStatusCodesIdempotencyAndStatus() async throws {
        let intake = try await IntakeUnderTest(name: "http")
        let good = Samples.submission(id: "http-1", person: 10)

        let noToken = try await intake.post(good, token: nil)
        XCTAssertEqual(noToken.status, 401)
        let answer1 = try await intake.post(good, token: "unknown-token-0000000000")
        XCTAssertEqual(answer1.status, 401)
        let nanjing = try await intake.post(good, token: IntakeUnderTest.nanjingToken)
        XCTAssertEqual(nanjing.status, 403, "a Nanjing token cannot submit for Beijing (110101…)")
        let answer2 = try await intake.post(good, token: IntakeUnderTest.declareToken)
        XCTAssertEqual(answer2.status, 403,
                       "the self-declaration token only submits self_declared")

        let first = try await intake.post(good)
        XCTAssertEqual(first.status, 202, String(decoding: first.body, as: UTF8.self))
        XCTAssertEqual(first.json["submissionId"] as? String, "http-1")
        XCTAssertEqual(first.json["status"] as? String, "accepted")
        // A retry, even re-formatted: the same status, and no second event.
        let retryBody = try JSONSerialization.data(withJSONObject: good, options: [.prettyPrinted, .sortedKeys])
        let again = try await intake.request("POST", "/v1/submissions", body: retryBody)
        XCTAssertEqual(again.status, 202)
        XCTAssertEqual(again.json["status"] as? String, "accepted")
        var changed = good
        changed["area"] = "rural"
        let conflict = try await intake.post(changed)
        XCTAssertEqual(conflict.status, 409)
        XCTAssertEqual(((conflict.json["errors"] as? [[String: Any]])?.first?["code"]) as? String, "submission_conflict")

        var bad = Samples.submission(id: "http-bad", person: 11)
        bad["area"] = nil
        bad["income"] = ["wagesFen": -5]
        bad["applicant"] = ["name": "", "idNumber": "123", "phone": "13800138000"]
        let rejected = try await intake.post(bad)
        XCTAssertEqual(rejected.status, 422)
        let errors = (rejected.json["errors"] as? [[String: Any]]) ?? []
        let pairs = Set(errors.map { "\($0["field"] as? String ?? ""):\($0["code"] as? String ?? "")" })
        XCTAssertTrue(pairs.isSuperset(of: ["area:required", "income.wagesFen:negative_amount", "applicant.name:required"]), "\(pairs)")
        XCTAssertTrue(errors.allSatisfy { ($0["message"] as? String)?.isEmpty == false && ($0["messageEn"] as? String)?.isEmpty == false })
        let answer3 = try await intake.post(bad)
        XCTAssertEqual(answer3.status, 422, "the same rejected body again: the same answer")

        let big = try await intake.request("POST", "/v1/submissions", body: Data(repeating: 0x20, count: 300 * 1024))
        XCTAssertEqual(big.status, 413)
        let notJSON = try await intake.request("POST", "/v1/submissions", body: Data("{\"a\":".utf8))
        XCTAssertEqual(notJSON.status, 400)

        let status = try await intake.request("GET", "/v1/submissions/http-1")
        XCTAssertEqual(status.status, 200)
        XCTAssertEqual(status.json["status"] as? String, "accepted")
        XCTAssertEqual(status.json["regionCode"] as? String, "110101001")
        let badStatus = try await intake.request("GET", "/v1/submissions/http-bad")
        XCTAssertEqual(badStatus.json["status"] as? String, "rejected")
        XCTAssertEqual((badStatus.json["errors"] as? [Any])?.count, errors.count)
        // Submission ids are the operator's own (issue 13): another operator's id is as unknown as no id.
        let answer4 = try await intake.request("GET", "/v1/submissions/http-1", token: IntakeUnderTest.nanjingToken)
        XCTAssertEqual(answer4.status, 404)
        let answer5 = try await intake.request("GET", "/v1/submissions/http-1", token: nil)
        XCTAssertEqual(answer5.status, 401)
        let answer6 = try await intake.request("GET", "/v1/submissions/nope")
        XCTAssertEqual(answer6.status, 404)

        // Exactly one accepted event, one rejected event, both from the outbox.
        let accepted = try await TestBroker.readSettled(intake.topic("intake.accepted"), minimum: 1)
        XCTAssertEqual(submissionIds(accepted), ["http-1"])
        let rejectedEvents = try await TestBroker.readSettled(intake.topic("intake.rejected"), minimum: 1)
        XCTAssertEqual(submissionIds(rejectedEvents), ["http-bad"])
    }

    func testGeneratedIdWhenAbsent() async throws {
        let intake = try await IntakeUnderTest(name: "http-noid")
        let reply = try await intake.post(Samples.submission(id: nil, person: 12))
        XCTAssertEqual(reply.status, 202)
        let id = try XCTUnwrap(reply.json["submissionId"] as? String)
        let answer7 = try await intake.request("GET", "/v1/submissions/\(id)")
        XCTAssertEqual(answer7.json["status"] as? String, "accepted")
    }

    func testServedOpenAPIIsTheDocsFileAndCoversEveryRoute() async throws {
        let intake = try await IntakeUnderTest(name: "openapi")
        let served = try await intake.request("GET", "/openapi.json", token: nil)
        XCTAssertEqual(served.status, 200)
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.json")
        XCTAssertEqual(served.body, try Data(contentsOf: docs), "docs/openapi.json and the served document differ")
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: served.body) as? [String: Any])
        XCTAssertEqual((doc["openapi"] as? String)?.hasPrefix("3."), true)
        let paths = try XCTUnwrap(doc["paths"] as? [String: [String: Any]])
        let routes = ["POST /v1/submissions", "GET /v1/submissions/{id}", "GET /openapi.json", "GET /declare",
                      "GET /declare.js", "GET /declare.css", "GET /v1/regions", "GET /v1/regions/{code}",
                      "GET /healthz", "GET /readyz", "GET /metrics"]
        for route in routes {
            let parts = route.split(separator: " ")
            XCTAssertNotNil(paths[String(parts[1])]?[parts[0].lowercased()], "\(route) missing from the OpenAPI document")
        }
        XCTAssertEqual(Set(paths.flatMap { p in p.value.keys.map { "\($0.uppercased()) \(p.key)" } }), Set(routes),
                       "the document lists only routes that exist")
        // Every route it lists answers (not 404).
        let answer8 = try await intake.request("GET", "/declare", token: nil)
        XCTAssertEqual(answer8.status, 200)
        let answer9 = try await intake.request("GET", "/metrics", token: nil)
        XCTAssertEqual(answer9.status, 200)
        for path in ["/declare.js", "/declare.css", "/v1/regions", "/v1/regions/14"] {
            let answer = try await intake.request("GET", path, token: nil)
            XCTAssertEqual(answer.status, 200, path)
        }
    }
}
