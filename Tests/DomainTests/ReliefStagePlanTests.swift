import XCTest
@testable import DoudiDomain

final class ReliefStagePlanTests: XCTestCase {
    func plan(_ requested: Int64, urgent: Bool = true, stages: Int = 3, standards: ReliefStandards = ReliefStandards()) -> StagePlan {
        let a = ReliefPolicy.assess(ReliefFixture.application(requested: requested, urgent: urgent), standards: standards)
        return StagePlan(a, startOn: ReliefFixture.day, monthlyStages: stages)
    }

    func testAidFirstNowThenMonthly() {
        let p = plan(400_000)
        XCTAssertEqual(p.stages.map(\.stage), [1, 2, 3, 4])
        XCTAssertEqual(p.stages.map(\.amountFen), [100_000, 100_000, 100_000, 100_000])
        XCTAssertEqual(p.stages.map(\.dueOn.description), ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"])
        XCTAssertEqual(p.stages.map(\.aidFirst), [true, false, false, false])
        XCTAssertEqual(p.stages.map(\.approvedAt), [.township, .county, .county, .county])
        XCTAssertEqual(p.stages.map(\.requiresCountyApproval), [false, true, true, true])
        XCTAssertEqual(StagePlan.disbursementId(caseId: p.caseId, stage: 2), "disb-case-app-1-2")
    }

    func testWithoutAidFirstTheFirstStageIsDueNow() {
        let p = plan(200_000, urgent: false)
        XCTAssertEqual(p.stages.map(\.dueOn.description), ["2024-01-31", "2024-02-29", "2024-03-31"])
        XCTAssertEqual(p.stages.map(\.approvedAt), [.township, .township, .township])
        XCTAssertFalse(p.stages.contains { $0.aidFirst })
    }

    func testStagesSumExactlyToTheTotal() {
        for total in [Int64(1), 2, 3, 4, 99_999, 100_000, 100_001, 100_002, 299_999, 300_001, 777_777, 960_000] {
            for urgent in [true, false] {
                for count in 1...5 {
                    let p = plan(total, urgent: urgent, stages: count)
                    XCTAssertEqual(p.totalFen, total, "\(total) \(urgent) \(count)")
                    XCTAssertTrue(p.stages.allSatisfy { $0.amountFen > 0 }, "no empty stage")
                    XCTAssertEqual(p.stages.map(\.stage), Array(1...p.stages.count))
                    let regular = p.stages.filter { !$0.aidFirst }.map(\.amountFen)
                    if let hi = regular.max(), let lo = regular.min() { XCTAssertLessThanOrEqual(hi - lo, 1) }
                }
            }
        }
    }

    func testLeftoverFenGoToTheEarliestStages() {
        XCTAssertEqual(plan(100_002).stages.map(\.amountFen), [100_000, 1, 1], "2 fen left: two stages, none empty")
        XCTAssertEqual(plan(200_000, urgent: false).stages.map(\.amountFen), [66_667, 66_667, 66_666])
    }

    func testAidFirstCoveringEverythingIsOneStage() {
        XCTAssertEqual(plan(80_000).stages.map(\.amountFen), [80_000])
        XCTAssertEqual(plan(100_000).stages.map(\.amountFen), [100_000])
    }

    func testNothingApprovedNothingPlanned() {
        XCTAssertTrue(plan(0).stages.isEmpty)
    }
}
