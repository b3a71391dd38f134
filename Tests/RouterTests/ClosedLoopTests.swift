import DoudiDomain
import Envelope
import Kafka
import TestSupport
import XCTest

/// The loop through the real broker: warning → router → referrals.education → education
/// handler → assistance.outcomes → router ledger `decided`. (The full-suite loop, from intake
/// through the classifier, lives in SuiteTests.)
final class ClosedLoopTests: XCTestCase {
    func testWarningToEducationGrantClosesTheLoop() async throws {
        let h = try await LoopHarness.make("loop")
        let routerPort = freePort(), handlerPort = freePort()
        let router = try h.start("doudi-router", extra: ["DOUDI_HTTP_PORT": String(routerPort)])
        let education = try h.start("doudi-education", extra: ["DOUDI_HTTP_PORT": String(handlerPort)])
        defer { router.terminate(); education.terminate() }

        let w = Fixture.warning("\(h.tag)-w", household: "\(h.tag)-h", needs: [
            Fixture.need(.education, person: "pk-student", id: "14010520080808123X", facts: ["schoolStage": "senior_secondary", "grade": "2"]),
        ])
        try await h.produce([try Fixture.warningEvent(w, time: "2024-09-02T08:00:00.000+08:00")], to: "monitoring.warnings")
        let referralId = "ref-\(h.tag)-w-education"

        // Outcomes only (the router's escalations share the topic).
        func isOutcome(_ m: KafkaMessage) -> Bool {
            m.header("ce_type") == EventType.assistanceOutcome.rawValue && m.json["referralId"] as? String == referralId
        }
        let outcomes = try await h.readSettled(["assistance.outcomes"]) { m in m.filter(isOutcome).count >= 3 }.filter(isOutcome)
        let decoded = try outcomes.map { try $0.decode(Outcome.self) }
        XCTAssertEqual(decoded.map { "\($0.program) \($0.status.rawValue)" },
                       ["education_assistance accepted", "national_grant granted", "tuition_waiver granted"], router.log + education.log)
        XCTAssertEqual(decoded[1].amountFen, 200_000)
        XCTAssertEqual(decoded[1].personKey, "pk-student")
        XCTAssertEqual(decoded[1].warningId, w.warningId)
        XCTAssertEqual(decoded[1].decidedAt, w.openedAt, "a first decision is dated by the referral (its warning's opening), not by when it was read")
        // Causation runs back to the referral the router sent.
        let referral = try await h.read(["referrals.education"]) { $0.contains { $0.json["referralId"] as? String == referralId } }
            .first { $0.json["referralId"] as? String == referralId }
        XCTAssertEqual(outcomes.first?.header("ce_causationid"), referral?.header("ce_id"))

        let decided = try await eventually { try h.routerState(referralId) == "decided" }
        XCTAssertTrue(decided, router.log)

        // The same facts over HTTP: the router's ledger entry and stats, the handler's case.
        let (status, entry) = try await LoopHarness.httpGet(routerPort, "/v1/referrals/\(referralId)")
        XCTAssertEqual(status, 200)
        XCTAssertEqual(entry["state"] as? String, "decided")
        XCTAssertNil(entry["needs"], "the ledger view carries no personal data")
        let (_, stats) = try await LoopHarness.httpGet(routerPort, "/v1/stats")
        XCTAssertEqual((stats["referrals"] as? [String: [String: Int]])?["education"]?["decided"], 1)
        let (caseStatus, caseView) = try await LoopHarness.httpGet(handlerPort, "/v1/cases/\(referralId)")
        XCTAssertEqual(caseStatus, 200)
        XCTAssertEqual(caseView["state"] as? String, "granted")
        XCTAssertEqual((caseView["outcomes"] as? [Any])?.count, 3)
        let (_, handlerStats) = try await LoopHarness.httpGet(handlerPort, "/v1/stats")
        XCTAssertEqual(handlerStats["grantedFen"] as? Int, 200_000)
        let (missing, _) = try await LoopHarness.httpGet(handlerPort, "/v1/cases/no-such-referral")
        XCTAssertEqual(missing, 404)
    }
}
