// Each §4.3 rule at its limits, end to end: aid first, the township limit, the township's review of
// cases that are not urgent (HTTP, CLI), pending → county approval (HTTP, CLI, event) → staged
// payments, the county's stages from the county fund; the hardship checked against the rules;
// duplicates merge; invalid applications are dead-lettered without personal data; emergency
// referrals become cases.
import DoudiDomain
import Envelope
import Foundation
import TestSupport
import XCTest

final class ReliefLimitsTests: XCTestCase {
    func testLimitsApprovalsAndStagedPayments() async throws {
        let h = try await ReliefHarness(standards: standardsJSON(), intervalSeconds: 1)
        try await h.start()
        defer { h.stop() }
        let apps = h.topic("relief.applications")
        let good = identityNumber(7)
        let badNumber = String(good.dropLast()) + (good.last == "1" ? "2" : "1")   // wrong check character
        let today = ReliefHarness.today
        try await TestBroker.produce([
            try applicationEvent("a-aid", person: 1, requested: 100_000),            // = aid-first limit: paid at once, done
            try applicationEvent("a-aid1", person: 2, requested: 100_001),           // one fen above: a second stage of 1 fen
            try applicationEvent("a-town", person: 3, requested: 300_000),           // = township limit: township approves
            try applicationEvent("a-county", person: 4, requested: 300_001),         // above: county, aid first paid meanwhile
            try applicationEvent("a-county2", person: 5, requested: 300_001, urgent: false),  // review, then county, nothing before
            try applicationEvent("a-county3", person: 6, requested: 400_000),        // approved by event
            try applicationEvent("a-dup", person: 3, requested: 300_000, on: today.adding(days: -30).description),  // 30 days apart: same case
            try applicationEvent("a-bad-id", person: 7, requested: 1_000, idNumber: badNumber),
            try applicationEvent("a-negative", person: 8, requested: -1),
            try applicationEvent("a-calm", person: 9, requested: 200_000, urgent: false),    // not urgent: township review first
            try applicationEvent("a-calm-no", person: 10, requested: 200_000, urgent: false), // reviewed and denied
            try applicationEvent("a-ill", person: 11, requested: 200_000, kind: "illness"),   // not a sudden hardship: denied
            try applicationEvent("a-old", person: 12, requested: 200_000, on: today.adding(days: -91).description),  // no longer sudden
            try applicationEvent("a-kind", person: 13, requested: 1_000, kind: "flood-2024"),  // not a hardship code: dead letter
            try applicationEvent("a-no-county", person: 14, township: "140199001", requested: 1_000),  // no such county
        ], to: apps)
        let referral = Referral(referralId: "ref-1", warningId: "w-1", householdId: "hh-9", domain: .emergency,
                                regionCode: "140105001", area: .urban, disposal: .notCovered, level: .red, category: nil,
                                needs: [Need(domain: .emergency, reason: "sudden_hardship", clause: "§4.3",
                                             facts: ["incidentKind": "fire", "requestedFen": "50000", "householdSize": "2", "urgent": "true",
                                                     "occurredOn": today.adding(days: -2).description])],
                                dueBy: today.adding(days: 3).description, sentAt: "\(today)T08:00:00Z")
        try await TestBroker.produce([try reliefEvent("referral.v1", id: "evt-ref-1", key: "hh-9", referral)],
                                     to: h.topic("referrals.emergency"))

        // Pending: the county cases above the township limit, visible until approved; the cases that
        // are not urgent wait for the township's review.
        let pendingSeen = try await eventually { try h.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM relief_cases") ?? 0 } >= 11 }
        XCTAssertTrue(pendingSeen, h.process?.log.suffix(3000).description ?? "")
        let pending = Set(try await h.cases(status: "pending").compactMap { $0["caseId"] as? String })
        XCTAssertEqual(pending, ["case-a-county", "case-a-county3"])
        let reviewing = Set(try await h.cases(status: "awaiting_review").compactMap { $0["caseId"] as? String })
        XCTAssertEqual(reviewing, ["case-a-county2", "case-a-calm", "case-a-calm-no"])
        let denied = Set(try await h.cases(status: "denied").compactMap { $0["caseId"] as? String })
        XCTAssertEqual(denied, ["case-a-ill", "case-a-old"], "the hardship is checked against §4.3")
        XCTAssertEqual(try h.read { try String.fetchOne($0, sql: "SELECT case_id FROM relief_applications WHERE application_id = 'a-dup'") },
                       "case-a-town", "the same incident within the window merges into one case")

        // The township reviews: a token is needed, a denial needs a reason; the county waits for the review.
        func review(_ caseId: String, _ body: String, _ token: String?) async throws -> Int {
            try await h.http("POST", "/v1/cases/\(caseId)/review", body: body, token: token).status
        }
        let township = ReliefHarness.townshipToken
        var reviewed = try await review("case-a-calm", #"{"decision": "approve", "reviewer": "t-1"}"#, nil)
        XCTAssertEqual(reviewed, 401)
        reviewed = try await review("case-a-calm", #"{"decision": "approve", "reviewer": "t-1"}"#, ReliefHarness.countyToken)
        XCTAssertEqual(reviewed, 403, "a county operator does not do the township's review")
        reviewed = try await review("case-a-calm-no", #"{"decision": "deny", "reviewer": "t-1"}"#, township)
        XCTAssertEqual(reviewed, 400, "a denial needs a reason")
        reviewed = try await review("case-a-calm-no", #"{"decision": "deny", "reviewer": "t-1", "reason": "loss covered by insurance"}"#, township)
        XCTAssertEqual(reviewed, 200)
        reviewed = try await review("case-a-calm-no", #"{"decision": "approve", "reviewer": "t-1"}"#, township)
        XCTAssertEqual(reviewed, 409, "decided")
        reviewed = try await review("case-a-aid", #"{"decision": "approve", "reviewer": "t-1"}"#, township)
        XCTAssertEqual(reviewed, 409, "urgent cases are paid first, not reviewed")
        reviewed = try await review("no-such-case", #"{"decision": "approve", "reviewer": "t-1"}"#, township)
        XCTAssertEqual(reviewed, 404)
        XCTAssertEqual(try h.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM relief_stages WHERE case_id = 'case-a-calm' AND paid = 1") },
                       0, "nothing paid before the review")
        reviewed = try await review("case-a-calm", #"{"decision": "approve", "reviewer": "t-1"}"#, township)
        XCTAssertEqual(reviewed, 200)
        var status = try await h.http("POST", "/v1/cases/case-a-county2/approval", body: #"{"approvedFen": 300001, "approver": "c"}"#,
                                      token: ReliefHarness.countyToken).status
        XCTAssertEqual(status, 409, "the county approves after the township's review")
        let cliReview = try runDoudi(["relief", "review", "case-a-county2", "--approve", "--url", h.base,
                                      "--token", township])
        XCTAssertEqual(cliReview.status, 0, cliReview.output)

        // Approval needs the county's token; then re-stages the rest of the approved total.
        let body = #"{"approvedFen": 250000, "approver": "county office"}"#
        let token = ReliefHarness.countyToken
        func approve(_ caseId: String, _ body: String, _ token: String?) async throws -> Int {
            try await h.http("POST", "/v1/cases/\(caseId)/approval", body: body, token: token).status
        }
        status = try await approve("case-a-county", body, nil)
        XCTAssertEqual(status, 401)
        status = try await approve("case-a-county", body, "wrong")
        XCTAssertEqual(status, 401)
        status = try await approve("case-a-town", body, token)
        XCTAssertEqual(status, 409, "within the township limit the township approved it")
        status = try await approve("case-a-county", #"{"approvedFen": 99999, "approver": "x"}"#, token)
        XCTAssertEqual(status, 422, "below the aid first already paid")
        status = try await approve("case-a-county", #"{"approvedFen": 1000001, "approver": "x"}"#, token)
        XCTAssertEqual(status, 422, "above the case cap")
        status = try await approve("case-a-county", body, token)
        XCTAssertEqual(status, 200)
        status = try await approve("case-a-county", body, token)
        XCTAssertEqual(status, 200, "the same approval again is harmless")
        status = try await approve("case-a-county", #"{"approvedFen": 260000, "approver": "x"}"#, token)
        XCTAssertEqual(status, 409, "one approval per case")
        let cli = try runCLI(["relief", "approve", "case-a-county2", "--amount", "300001", "--url", h.base,
                              "--token", ReliefHarness.countyToken])
        XCTAssertEqual(cli.status, 0, cli.output)
        try await TestBroker.produce([try reliefEvent("relief.approval.v1", id: "evt-approve-3", key: "p6",
                                                      CountyApprovalEvent(caseId: "case-a-county3", approvedFen: 400_000, approver: "county"))],
                                     to: apps)

        let expected: [String: Int64] = [
            "disb-case-a-aid-1": 100_000,
            "disb-case-a-aid1-1": 100_000, "disb-case-a-aid1-2": 1,
            "disb-case-a-town-1": 100_000, "disb-case-a-town-2": 100_000, "disb-case-a-town-3": 100_000,
            "disb-case-a-county-1": 100_000, "disb-case-a-county-2": 75_000, "disb-case-a-county-3": 75_000,
            "disb-case-a-county2-1": 150_001, "disb-case-a-county2-2": 150_000,
            "disb-case-a-county3-1": 100_000, "disb-case-a-county3-2": 150_000, "disb-case-a-county3-3": 150_000,
            "disb-case-referral-ref-1-0-1": 50_000,
            "disb-case-a-calm-1": 100_000, "disb-case-a-calm-2": 100_000,
        ]
        let paid = try await h.disbursements(expected: expected.count)
        XCTAssertEqual(paid.ids, expected)
        let done = try await eventually {
            try h.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM relief_cases WHERE status NOT IN ('completed', 'denied')") } == 0
        }
        XCTAssertTrue(done, "every case completed or denied")
        let stillPending = try await h.cases(status: "pending")
        XCTAssertTrue(stillPending.isEmpty)
        XCTAssertEqual(try h.unbalancedFunds(), [])
        XCTAssertEqual(try h.doubleDebits(), 0)
        // 分级审批: the stages the county approved are the county fund's payments, not the township reserve's.
        let countyStages: Set = ["disb-case-a-county-2", "disb-case-a-county-3", "disb-case-a-county2-1", "disb-case-a-county2-2",
                                 "disb-case-a-county3-2", "disb-case-a-county3-3"]
        XCTAssertEqual(try h.countyPaidFen(), expected.filter { countyStages.contains($0.key) }.values.reduce(0, +))
        let countyFunds = try JSONSerialization.jsonObject(with: try await h.http("GET", "/v1/county-funds").body) as? [[String: Any]]
        XCTAssertEqual(countyFunds?.first?["county"] as? String, "140105")
        XCTAssertEqual(countyFunds?.first?["stagesPaid"] as? Int, countyStages.count)
        let fundedFrom = try await TestBroker.read(h.topic("relief.disbursements")) { $0.count >= expected.count }
            .map { try decodeMessage($0, Disbursement.self) }
        XCTAssertTrue(fundedFrom.allSatisfy { $0.fundedFrom == (countyStages.contains($0.disbursementId) ? "county_fund:140105"
                                                                                                       : "township_reserve:140105001") })

        // Every paid stage is also a granted temporary-relief outcome; each denied case one denied outcome.
        let outcomes = try await TestBroker.read(h.topic("assistance.outcomes")) { $0.count >= expected.count + 3 }
            .map { try decodeMessage($0, Outcome.self) }
        let grants = outcomes.filter { $0.status == .granted }
        XCTAssertEqual(grants.count, expected.count)
        XCTAssertTrue(grants.allSatisfy { $0.domain == .emergency && $0.program == "temporary_relief" })
        XCTAssertEqual(grants.compactMap(\.amountFen).reduce(0, +), expected.values.reduce(0, +))
        let denials = outcomes.filter { $0.status == .denied }
        XCTAssertEqual(denials.count, 3, "illness, a hardship too old, a review denied")
        XCTAssertTrue(denials.contains { $0.reason.contains("not a sudden") }, denials.map(\.reason).description)
        XCTAssertTrue(denials.contains { $0.reason.contains("loss covered by insurance") }, denials.map(\.reason).description)
        XCTAssertEqual(outcomes.first { $0.referralId == "ref-1" }?.householdId, "hh-9")
        XCTAssertEqual(try h.read { try String.fetchOne($0, sql: "SELECT incident_kind FROM relief_cases WHERE referral_id = 'ref-1'") }, "fire")

        // Paperwork follows each aid-first payment, with a deadline.
        let tasks = try await TestBroker.read(h.topic("work.tasks")) { $0.count >= 6 }.map { try decodeMessage($0, WorkTask.self) }
        let paperwork = tasks.filter { $0.kind == .reliefPaperwork }
        XCTAssertEqual(paperwork.count, 6, "a-aid, a-aid1, a-town, a-county, a-county3, the referral")
        XCTAssertTrue(paperwork.allSatisfy { CivilDate(iso: $0.dueBy) != nil })

        // Invalid applications are dead letters whose reason names the field, not the value.
        let dead = try await TestBroker.read(h.topic("deadletter")) { $0.count >= 4 }
        let reasons = dead.compactMap { header($0, "dlq_error") }
        XCTAssertEqual(reasons.count, 4)
        XCTAssertTrue(reasons.contains { $0.contains("incidentRegionCode: no such county in the region directory (unknown_region)") }, "\(reasons)")
        XCTAssertTrue(reasons.contains { $0.contains("idNumber") })
        XCTAssertTrue(reasons.contains { $0.contains("requestedFen is negative") })
        XCTAssertTrue(reasons.contains { $0.contains("incidentKind is not a hardship code") })
        XCTAssertFalse(reasons.contains { $0.contains(badNumber) })
        XCTAssertFalse(h.process!.log.contains(identityNumber(1)), "no identity number in the log")

        let funds = try runCLI(["relief", "funds", "--url", h.base])
        XCTAssertEqual(funds.status, 0, funds.output)
        let total = expected.filter { !countyStages.contains($0.key) }.values.reduce(0, +)
        XCTAssertEqual(fundRow(funds.output, "140105001"), ["140105001", "100000000", "0", "\(total)", "\(100_000_000 - total)"])
        XCTAssertEqual(try runCLI(["relief", "pending", "--url", h.base]).output.split(separator: "\n").count, 1, "header only")
    }
}

struct CountyApprovalEvent: Codable { var caseId: String; var approvedFen: Int64; var approver: String }

/// The columns of a township's row in `doudi relief funds`.
func fundRow(_ output: String, _ township: String) -> [String] {
    output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.first { $0.first == township } ?? []
}
