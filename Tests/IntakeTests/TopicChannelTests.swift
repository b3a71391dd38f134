import Envelope
import Foundation
import Kafka
import TestSupport
import XCTest

/// `intake.submissions` → `intake.accepted` / `intake.rejected` / `deadletter`, through a real
/// broker and a real store, the service running as a child process.
final class TopicChannelTests: XCTestCase {
    func testAcceptedRejectedAndDeadLettered() async throws {
        let intake = try await IntakeUnderTest(name: "topic")
        let eventTime = "2024-07-01T08:00:00.000Z"
        var bad = Samples.submission(id: "topic-bad", person: 2)
        bad["area"] = "suburban"
        bad["members"] = [["relation": "self", "name": "测试申请人", "idNumber": "110101198001011234",
                           "health": "healthy", "occupation": "unemployed", "laborAbility": "full"]]
        let events = [
            try Samples.event(Samples.submission(id: "topic-good", person: 1), id: "ev-good", time: eventTime),
            try Samples.event(bad, id: "ev-bad", time: eventTime),
            CloudEvent(id: "ev-poison", source: "/tests", type: "intake.submission.v1", time: eventTime, data: Array("not json".utf8)),
            CloudEvent(id: "ev-array", source: "/tests", type: "intake.submission.v1", time: eventTime, data: Array("[1,2]".utf8)),
            // The same submission re-sent by its channel under a new event id: never a second acceptance.
            try Samples.event(Samples.submission(id: "topic-good", person: 1), id: "ev-good-again", time: eventTime),
        ]
        try await TestBroker.produce(events, to: intake.topic("intake.submissions"))

        let accepted = try await TestBroker.readSettled(intake.topic("intake.accepted"), minimum: 1)
        XCTAssertEqual(submissionIds(accepted), ["topic-good"], "one acceptance for the re-sent submission")
        let a = try XCTUnwrap(payloads(accepted).first)
        XCTAssertEqual(a["acceptedAt"] as? String, eventTime, "acceptedAt is the event time, not the wall clock")
        let member = try XCTUnwrap((a["members"] as? [[String: Any]])?.first)
        XCTAssertEqual((member["personKey"] as? String)?.count, 64)
        XCTAssertEqual(accepted.first?.key.map { String(decoding: $0, as: UTF8.self) }, member["personKey"] as? String,
                       "keyed by the applicant's person key")
        XCTAssertEqual(accepted.first?.header("ce_type"), "intake.accepted.v1")
        XCTAssertEqual(accepted.first?.header("ce_causationid"), "ev-good")

        let rejected = try await TestBroker.read(intake.topic("intake.rejected")) { !$0.isEmpty }
        let r = try XCTUnwrap(payloads(rejected).first)
        XCTAssertEqual(r["submissionId"] as? String, "topic-bad")
        let fields = Set(((r["errors"] as? [[String: Any]]) ?? []).compactMap { "\($0["field"]!):\($0["code"]!)" })
        XCTAssertTrue(fields.contains("area:unknown_value"), "\(fields)")
        XCTAssertTrue(fields.contains { $0.hasPrefix("applicant.idNumber:") || $0.hasPrefix("members[0].idNumber:") }, "\(fields)")
        XCTAssertFalse(String(decoding: rejected[0].value, as: UTF8.self).contains("110101198001011234"),
                       "a rejection never echoes the identity number")

        let dead = try await TestBroker.read(intake.topic("deadletter")) { $0.count >= 2 }
        XCTAssertEqual(Set(dead.compactMap { $0.header("ce_id") }), ["ev-poison", "ev-array"])
        XCTAssertTrue(dead.allSatisfy { $0.header("dlq_service") == "intake" })
        let isHealthy = await intake.healthy()
        XCTAssertTrue(isHealthy)
    }

    /// The as-of date is the event's: a child born after the event time's date is in the future.
    func testValidationUsesTheEventDate() async throws {
        let intake = try await IntakeUnderTest(name: "asof")
        let submission = Samples.submission(id: "asof-1", person: 3) // born 1950-01-04
        try await TestBroker.produce([try Samples.event(submission, id: "asof-ev", time: "1949-06-01T00:00:00Z")],
                                     to: intake.topic("intake.submissions"))
        let rejected = try await TestBroker.read(intake.topic("intake.rejected")) { !$0.isEmpty }
        XCTAssertEqual(submissionIds(rejected), ["asof-1"], "validated as of 1949: the birth date is in the future")
    }
}
