import XCTest
@testable import DoudiDomain

final class ReliefCaseTests: XCTestCase {
    // MARK: duplicate detection

    func testSamePersonAndKindWithinTheWindowMerge() {
        var index = ReliefCaseIndex()
        let first = index.register(ReliefFixture.application("a1", requested: 1, on: "2024-01-01"), personKey: "pk")
        XCTAssertEqual(first, .init(caseId: "case-a1", merged: false))
        let day30 = index.register(ReliefFixture.application("a2", requested: 1, on: "2024-01-31"), personKey: "pk")
        XCTAssertEqual(day30, .init(caseId: "case-a1", merged: true))
        let day31 = index.register(ReliefFixture.application("a3", requested: 1, on: "2024-02-01"), personKey: "pk")
        XCTAssertEqual(day31, .init(caseId: "case-a3", merged: false))
        let before = index.register(ReliefFixture.application("a4", requested: 1, on: "2023-12-02"), personKey: "pk")
        XCTAssertEqual(before.caseId, "case-a1", "the window runs both ways")
        let tooEarly = index.register(ReliefFixture.application("a5", requested: 1, on: "2023-12-01"), personKey: "pk")
        XCTAssertEqual(tooEarly.caseId, "case-a5")
    }

    func testOtherPersonOrKindIsANewCase() {
        var index = ReliefCaseIndex()
        _ = index.register(ReliefFixture.application("a1", requested: 1), personKey: "pk")
        XCTAssertEqual(index.register(ReliefFixture.application("a2", requested: 1), personKey: "pk-other").caseId, "case-a2")
        XCTAssertEqual(index.register(ReliefFixture.application("a3", requested: 1, kind: "flood"), personKey: "pk").caseId, "case-a3")
    }

    func testRegistrationIsIdempotent() {
        var index = ReliefCaseIndex()
        _ = index.register(ReliefFixture.application("a1", requested: 1, on: "2024-01-01"), personKey: "pk")
        _ = index.register(ReliefFixture.application("a2", requested: 1, on: "2024-01-10"), personKey: "pk")
        let snapshot = index
        XCTAssertEqual(index.register(ReliefFixture.application("a1", requested: 1, on: "2024-01-01"), personKey: "pk"),
                       .init(caseId: "case-a1", merged: false))
        XCTAssertEqual(index.register(ReliefFixture.application("a2", requested: 1, on: "2024-01-10"), personKey: "pk"),
                       .init(caseId: "case-a1", merged: true))
        XCTAssertEqual(index, snapshot)
    }

    func testMergedApplicationsDoNotStretchTheWindow() {
        var index = ReliefCaseIndex(windowDays: 30)
        _ = index.register(ReliefFixture.application("a1", requested: 1, on: "2024-01-01"), personKey: "pk")
        _ = index.register(ReliefFixture.application("a2", requested: 1, on: "2024-01-25"), personKey: "pk")
        XCTAssertEqual(index.register(ReliefFixture.application("a3", requested: 1, on: "2024-02-15"), personKey: "pk").caseId, "case-a3")
    }

    func testUnreadableDateNeverMerges() {
        var index = ReliefCaseIndex()
        _ = index.register(ReliefFixture.application("a1", requested: 1, on: "yesterday"), personKey: "pk")
        XCTAssertEqual(index.register(ReliefFixture.application("a2", requested: 1, on: "yesterday"), personKey: "pk").caseId, "case-a2")
    }

    // MARK: staged payment

    func reliefCase(_ requested: Int64, urgent: Bool = true) -> ReliefCase {
        let app = ReliefFixture.application(requested: requested, urgent: urgent)
        let a = ReliefPolicy.assess(app, standards: ReliefStandards())
        return ReliefCase(applicationId: app.applicationId, plan: StagePlan(a, startOn: ReliefFixture.day, monthlyStages: 3))
    }

    func testEachStageIsPaidExactlyOnce() {
        var c = reliefCase(250_000)   // township: 100,000 now, then 3 × 50,000
        var fund = ReserveFund(township: "140105001", openingFen: 1_000_000)!
        let now = c.pay(on: ReliefFixture.day, from: &fund)
        XCTAssertEqual(now.disbursements.map(\.disbursementId), ["disb-case-app-1-1"])
        XCTAssertEqual(now.disbursements.first?.fundedFrom, "township_reserve:140105001")
        XCTAssertEqual(now.disbursements.first?.approvedAt, .township)
        XCTAssertTrue(c.pay(on: ReliefFixture.day, from: &fund).disbursements.isEmpty, "replayed")
        let later = c.pay(on: ReliefFixture.day.adding(months: 3), from: &fund)
        XCTAssertEqual(later.disbursements.map(\.stage), [2, 3, 4])
        XCTAssertTrue(c.isComplete)
        XCTAssertEqual(c.paidFen, 250_000)
        XCTAssertEqual(fund.disbursedFen, 250_000)
    }

    func testRestartWithoutTheCaseRecordNeverPaysTwice() {
        var c = reliefCase(250_000)
        var fund = ReserveFund(township: "t", openingFen: 1_000_000)!
        _ = c.pay(on: ReliefFixture.day, from: &fund)
        var restarted = reliefCase(250_000)   // the case record was lost, the fund's was not
        let run = restarted.pay(on: ReliefFixture.day, from: &fund)
        XCTAssertEqual(run.disbursements.map(\.disbursementId), ["disb-case-app-1-1"], "re-emitted with the same id")
        XCTAssertEqual(fund.disbursedFen, 100_000)
    }

    func testCountyStagesWaitForApproval() {
        var c = reliefCase(400_000)   // county: aid first 100,000, then 3 × 100,000
        var fund = ReserveFund(township: "t", openingFen: 1_000_000)!
        let due = ReliefFixture.day.adding(months: 1)
        let before = c.pay(on: due, from: &fund)
        XCTAssertEqual(before.disbursements.map(\.stage), [1])
        XCTAssertEqual(before.awaitingCounty, [2])
        c.approveAtCounty()
        let after = c.pay(on: due, from: &fund)
        XCTAssertEqual(after.disbursements.map(\.stage), [2])
        XCTAssertEqual(after.disbursements.first?.approvedAt, .county)
    }

    func testAnEmptyFundSendsTheCaseToTheCountyAndPaysAfterReplenishment() {
        var c = reliefCase(250_000)
        var fund = ReserveFund(township: "t", openingFen: 120_000)!
        let end = ReliefFixture.day.adding(months: 3)
        let short = c.pay(on: end, from: &fund)
        XCTAssertEqual(short.disbursements.map(\.stage), [1])
        XCTAssertEqual(short.unfunded, [2, 3, 4], "stages stay in order: nothing after the first unfunded one")
        XCTAssertEqual(fund.balanceFen, 20_000)
        fund.replenish(200_000, eventId: "county-topup-1")
        let rest = c.pay(on: end, from: &fund)
        XCTAssertEqual(rest.disbursements.map(\.stage), [2, 3, 4])
        XCTAssertEqual(fund.balanceFen, 70_000)
        XCTAssertGreaterThanOrEqual(fund.balanceFen, 0)
    }
}
