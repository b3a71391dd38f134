import DoudiDomain
import Envelope
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ServiceKit
import TestSupport
import XCTest

/// §2.1.5 其他低收入人口: a county operator of the household's region designates it, with a reason,
/// through the matcher's API or `doudi designate`, and lifts it with `--undo`. The decision travels as
/// a civil-affairs `dept.record.v1` and comes back through the registry as the household's flag and
/// designation, so it replays with the registry.
final class MatcherDesignationTests: XCTestCase {
    typealias H = MatcherHarness

    func post(_ h: MatcherHarness, _ path: String, _ body: String, token: String?) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(h.httpPort)\(path)")!)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    func testCountyOperatorDesignatesAndLifts() async throws {
        let h = try await MatcherHarness.make("designate")
        // Operator tokens (issue 13): a county operator of the household's county, one of another
        // county, and a township operator of the right one (not a role that designates).
        let local = OperatorToken.development(subject: "xiaodian-county-1", role: .county, regions: ["140105"])
        let other = OperatorToken.development(subject: "xuanwu-county-1", role: .county, regions: ["320102"])
        let township = OperatorToken.development(subject: "xiaodian-township-1", role: .township, regions: ["140105"])
        let service = try h.start()
        defer { service.terminate() }
        let hh = H.householdId(80)
        _ = try await h.produceAccepted(H.submission("d1", applicant: 80, members: [80, 81], collectedAt: "2024-03-01T10:00:00+08:00",
                                                     wagesFen: 5_000_000))
        _ = try await h.households { $0.contains { $0.householdId == hh } }

        let path = "/v1/households/\(hh)/designation"
        let good = #"{"designated": true, "reason": "caring for a bedridden parent"}"#
        var (status, body) = try await post(h, path, good, token: nil)
        XCTAssertEqual(status, 401)
        (status, body) = try await post(h, path, good, token: "not-a-token")
        XCTAssertEqual(status, 401)
        (status, body) = try await post(h, path, good, token: other)
        XCTAssertEqual(status, 403, "a county operator of another region")
        (status, body) = try await post(h, path, good, token: township)
        XCTAssertEqual(status, 403, "a township operator does not designate")
        (status, body) = try await post(h, "/v1/households/hh-none/designation", good, token: local)
        XCTAssertEqual(status, 404)
        (status, body) = try await post(h, path, #"{"designated": true}"#, token: local)
        XCTAssertEqual(status, 400)
        (status, body) = try await post(h, path, #"{"designated": true, "reason": " "}"#, token: local)
        XCTAssertEqual(status, 422)
        XCTAssertEqual(body["field"] as? String, "reason")
        (status, body) = try await post(h, path, #"{"designated": true, "reason": "see \#(H.idNumber(81))"}"#, token: local)
        XCTAssertEqual(status, 422, "no identity numbers in a reason")
        XCTAssertFalse((body["error"] as? String ?? "").contains(H.idNumber(81)))
        (status, body) = try await post(h, path, good, token: local)
        XCTAssertEqual(status, 202, "\(body)")
        XCTAssertEqual(body["operator"] as? String, "xiaodian-county-1")

        let designated = try await h.households { ps in ps.contains { $0.householdId == hh && $0.flags.contains("other_low_income") } }
            .filter { $0.householdId == hh }.max { $0.version < $1.version }
        XCTAssertEqual(designated?.designation?.reason, "caring for a bedridden parent")
        XCTAssertEqual(designated?.designation?.by, "xiaodian-county-1")
        XCTAssertEqual(designated?.designation?.designated, true)
        let signals = try await h.signals { $0.contains { $0.kind == .lowIncomeDesignation } }
        XCTAssertTrue(signals.allSatisfy { !String(decoding: $0.value, as: UTF8.self).contains(H.idNumber(80)) }, "no identity number in signals")

        // The CLI lifts it.
        let undo = try runDoudi(["designate", hh, "--reason", "parent moved to a care home", "--undo",
                                 "--url", "http://127.0.0.1:\(h.httpPort)", "--token", local])
        XCTAssertEqual(undo.status, 0, undo.output)
        XCTAssertTrue(undo.output.contains("lifted"), undo.output)
        let lifted = try await h.households { ps in ps.contains { $0.householdId == hh && $0.designation?.designated == false } }
            .filter { $0.householdId == hh }.max { $0.version < $1.version }
        XCTAssertEqual(lifted?.flags.contains("other_low_income"), false)
        XCTAssertEqual(lifted?.designation?.reason, "parent moved to a care home")
        let refused = try runDoudi(["designate", hh, "--reason", "x", "--url", "http://127.0.0.1:\(h.httpPort)", "--token", other])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.output.contains("403"), refused.output)
    }
}
