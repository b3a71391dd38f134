import XCTest
@testable import DoudiDomain

final class ReliefCountyApprovalTests: XCTestCase {
    func countyCase(_ requested: Int64, urgent: Bool = true) -> ReliefCase {
        let app = ReliefFixture.application(requested: requested, urgent: urgent)
        let a = ReliefPolicy.assess(app, standards: ReliefStandards())
        return ReliefCase(applicationId: app.applicationId, plan: StagePlan(a, startOn: ReliefFixture.day, monthlyStages: 3))
    }

    func testApprovalKeepsTheAidFirstStageAndRestagesTheRest() throws {
        var c = countyCase(400_000)
        var fund = ReserveFund(township: "t", openingFen: 1_000_000)!
        XCTAssertEqual(c.pay(on: ReliefFixture.day, from: &fund).disbursements.map(\.stage), [1])
        let approvedOn = ReliefFixture.day.adding(days: 10)
        try c.approveAtCounty(totalFen: 350_000, on: approvedOn, monthlyStages: 3, capFen: 1_000_000)
        XCTAssertTrue(c.countyApproved)
        XCTAssertEqual(c.plan.totalFen, 350_000)
        XCTAssertEqual(c.plan.stages.map(\.amountFen), [100_000, 83_334, 83_333, 83_333])
        XCTAssertEqual(c.plan.stages.map(\.dueOn.description), ["2024-01-31", "2024-03-10", "2024-04-10", "2024-05-10"])
        XCTAssertEqual(c.plan.stages.map(\.approvedAt), [.township, .county, .county, .county])
        let all = c.pay(on: approvedOn.adding(months: 3), from: &fund)
        XCTAssertEqual(all.disbursements.map(\.stage), [2, 3, 4])
        // 分级审批: what the county approved, the county's fund pays; the township's fund paid the aid first only.
        XCTAssertEqual(all.disbursements.map(\.fundedFrom), Array(repeating: "county_fund:t", count: 3))
        XCTAssertEqual(fund.disbursedFen, 100_000)
    }

    func testWithoutAidFirstTheFirstStageIsDueOnApproval() throws {
        var c = countyCase(400_000, urgent: false)
        try c.approveAtCounty(totalFen: 400_000, on: ReliefFixture.day, monthlyStages: 2, capFen: 1_000_000)
        XCTAssertEqual(c.plan.stages.map(\.dueOn.description), ["2024-01-31", "2024-02-29"])
        XCTAssertEqual(c.plan.stages.map(\.amountFen), [200_000, 200_000])
    }

    func testLimitsAndIdempotence() throws {
        var c = countyCase(400_000)
        XCTAssertThrowsError(try c.approveAtCounty(totalFen: 0, on: ReliefFixture.day, monthlyStages: 3, capFen: 1_000_000))
        XCTAssertThrowsError(try c.approveAtCounty(totalFen: 1_000_001, on: ReliefFixture.day, monthlyStages: 3, capFen: 1_000_000))
        XCTAssertThrowsError(try c.approveAtCounty(totalFen: 99_999, on: ReliefFixture.day, monthlyStages: 3, capFen: 1_000_000)) {
            XCTAssertEqual($0 as? CountyApprovalProblem, .belowCommitted(approvedFen: 99_999, committedFen: 100_000))
        }
        XCTAssertFalse(c.countyApproved)
        try c.approveAtCounty(totalFen: 100_000, on: ReliefFixture.day, monthlyStages: 3, capFen: 1_000_000)
        XCTAssertEqual(c.plan.stages.count, 1, "the aid-first stage was the whole approved total")
        let snapshot = c
        try c.approveAtCounty(totalFen: 100_000, on: ReliefFixture.day.adding(days: 5), monthlyStages: 3, capFen: 1_000_000)
        XCTAssertEqual(c, snapshot, "the same approval again changes nothing")
        XCTAssertThrowsError(try c.approveAtCounty(totalFen: 200_000, on: ReliefFixture.day, monthlyStages: 3, capFen: 1_000_000))
    }

    func testRestoredFundKeepsItsFiguresAndMovements() {
        XCTAssertNil(ReserveFund(township: "t", openingFen: 10, replenishedFen: 0, disbursedFen: 11, knownMovementIds: []))
        var f = ReserveFund(township: "t", openingFen: 100, replenishedFen: 50, disbursedFen: 30, knownMovementIds: ["d1"])!
        XCTAssertEqual(f.balanceFen, 120)
        XCTAssertEqual(f.disburse(10, disbursementId: "d1"), .duplicate)
        XCTAssertEqual(f.disburse(121, disbursementId: "d2"), .insufficient)
        XCTAssertEqual(f.disburse(120, disbursementId: "d2"), .applied)
    }
}
