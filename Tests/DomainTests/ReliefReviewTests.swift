import XCTest
@testable import DoudiDomain

/// §4.3 temporary relief: the hardship is checked against the rules; a case that is not urgent is
/// reviewed by the township before anything is paid (aid first stays for urgent ones); what the
/// county approves is paid from the county's fund.
final class ReliefReviewTests: XCTestCase {
    let s = ReliefStandards()   // township limit 3,000 yuan, aid first 1,000, incident window 90 days

    func relief(_ requested: Int64, urgent: Bool, kind: String = "fire", on: String = "2024-01-30") -> (Assessment, ReliefCase) {
        let app = ReliefFixture.application(requested: requested, urgent: urgent, kind: kind, on: on)
        let a = ReliefPolicy.assess(app, standards: s, receivedOn: ReliefFixture.day)
        return (a, ReliefCase(applicationId: app.applicationId, plan: StagePlan(a, startOn: ReliefFixture.day, monthlyStages: 2),
                              reviewRequired: a.reviewRequired))
    }

    func testHardshipIsCheckedAgainstTheRules() {
        XCTAssertNil(relief(200_000, urgent: true).0.denial)
        for sudden in HardshipReason.allCases where sudden.isSudden {
            XCTAssertGreaterThan(relief(200_000, urgent: true, kind: sudden.rawValue).0.approvedTotalFen, 0, sudden.rawValue)
        }
        // A lasting hardship is for the department of that hardship, not temporary relief.
        let ill = relief(200_000, urgent: true, kind: "illness").0
        XCTAssertEqual(ill.approvedTotalFen, 0)
        XCTAssertEqual(ill.aidFirstFen, 0)
        XCTAssertTrue(ill.denial?.contains("not a sudden") ?? false)
        XCTAssertEqual(ill.reasons.first?.rule, "relief_hardship")
        // At most incidentWindowDays before the application (90 days: on the 90th day still sudden).
        XCTAssertGreaterThan(relief(200_000, urgent: true, on: ReliefFixture.day.adding(days: -90).description).0.approvedTotalFen, 0)
        XCTAssertEqual(relief(200_000, urgent: true, on: ReliefFixture.day.adding(days: -91).description).0.approvedTotalFen, 0)
        XCTAssertEqual(relief(200_000, urgent: true, on: ReliefFixture.day.adding(days: 1).description).0.approvedTotalFen, 0,
                       "an incident after the application")
        // Without the application date only the kind is checked (unknown kinds from referrals pass).
        XCTAssertGreaterThan(ReliefPolicy.assess(ReliefFixture.application(requested: 1_000, kind: "unspecified"), standards: s).approvedTotalFen, 0)
    }

    func testUrgentCasesPayFirstNonUrgentOnesWaitForTheReview() throws {
        var fund = ReserveFund(township: "140105001", openingFen: 1_000_000)!
        var (a, urgent) = relief(200_000, urgent: true)
        XCTAssertFalse(a.reviewRequired)
        XCTAssertEqual(urgent.pay(on: ReliefFixture.day, from: &fund).disbursements.map(\.stage), [1], "aid first at once (先行救助)")

        var calm: ReliefCase
        (a, calm) = relief(200_000, urgent: false)
        XCTAssertTrue(a.reviewRequired)
        XCTAssertEqual(a.aidFirstFen, 0)
        XCTAssertTrue(calm.awaitingReview)
        let waiting = calm.pay(on: ReliefFixture.day.adding(months: 2), from: &fund)
        XCTAssertEqual(waiting.disbursements, [], "nothing before the review")
        XCTAssertEqual(waiting.awaitingReview, [1, 2])
        XCTAssertThrowsError(try calm.approveAtCounty(totalFen: 200_000, on: ReliefFixture.day, monthlyStages: 2, capFen: 1_000_000)) {
            XCTAssertEqual($0 as? CountyApprovalProblem, .notReviewed)
        }
        let reviewedOn = ReliefFixture.day.adding(days: 10)
        try calm.reviewAtTownship(approve: true, reviewer: "township-officer-1", reason: nil, on: reviewedOn)
        XCTAssertEqual(calm.plan.stages.map(\.dueOn), [reviewedOn, reviewedOn.adding(months: 1)], "staged from the review")
        XCTAssertEqual(calm.pay(on: reviewedOn, from: &fund).disbursements.map(\.stage), [1])
        let again = calm
        try calm.reviewAtTownship(approve: true, reviewer: "someone else", reason: nil, on: reviewedOn.adding(days: 1))
        XCTAssertEqual(calm, again, "the same decision again changes nothing")
        XCTAssertThrowsError(try calm.reviewAtTownship(approve: false, reviewer: "x", reason: "r", on: reviewedOn)) {
            XCTAssertEqual($0 as? ReviewProblem, .alreadyDecided(.approved))
        }
        XCTAssertThrowsError(try urgent.reviewAtTownship(approve: true, reviewer: "x", reason: nil, on: reviewedOn)) {
            XCTAssertEqual($0 as? ReviewProblem, .notRequired)
        }
    }

    func testDeniedReviewPaysNothing() throws {
        var fund = ReserveFund(township: "140105001", openingFen: 1_000_000)!
        var (_, c) = relief(200_000, urgent: false)
        try c.reviewAtTownship(approve: false, reviewer: "township-officer-1", reason: "insured loss", on: ReliefFixture.day)
        XCTAssertTrue(c.reviewDenied)
        XCTAssertEqual(c.pay(on: ReliefFixture.day.adding(months: 3), from: &fund).disbursements, [])
        XCTAssertEqual(fund.disbursedFen, 0)
    }

    /// A non-urgent county case: township review, then county approval, then the county's fund pays.
    func testCountyStagesArePaidFromTheCountyFund() throws {
        var fund = ReserveFund(township: "140105001", openingFen: 1_000_000)!
        var (a, c) = relief(500_000, urgent: false)
        XCTAssertEqual(a.approvalLevel, .county)
        try c.reviewAtTownship(approve: true, reviewer: "t-1", reason: nil, on: ReliefFixture.day)
        XCTAssertEqual(c.pay(on: ReliefFixture.day, from: &fund).awaitingCounty, [1])
        try c.approveAtCounty(totalFen: 500_000, on: ReliefFixture.day, monthlyStages: 2, capFen: 1_000_000)
        let run = c.pay(on: ReliefFixture.day.adding(months: 1), from: &fund)
        XCTAssertEqual(run.disbursements.map(\.amountFen), [250_000, 250_000])
        XCTAssertEqual(Set(run.disbursements.map(\.fundedFrom)), ["county_fund:140105"])
        XCTAssertEqual(fund.disbursedFen, 0, "the township reserve pays nothing the county approved")
        a = ReliefPolicy.assess(ReliefFixture.application(requested: 500_000), standards: s)
        XCTAssertFalse(a.reviewRequired, "urgent")
    }

    func testStoredCasesWithoutReviewStillDecode() throws {
        let old = #"{"applicationId":"a","plan":{"caseId":"case-a","stages":[]},"countyApproved":false,"paidStages":[]}"#
        let c = try JSONDecoder().decode(ReliefCase.self, from: Data(old.utf8))
        XCTAssertNil(c.review)
        XCTAssertFalse(c.awaitingReview)
    }
}
