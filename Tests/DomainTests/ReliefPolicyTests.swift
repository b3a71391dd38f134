import Foundation
import XCTest
@testable import DoudiDomain

enum ReliefFixture {
    static let day = CivilDate(year: 2024, month: 1, day: 31)!

    static func application(_ id: String = "app-1", requested: Int64, urgent: Bool = true, size: Int? = 4,
                            kind: String = "fire", on occurred: String = "2024-01-30") -> ReliefApplication {
        ReliefApplication(applicationId: id, applicant: ReliefApplicant(name: "Wang Wu", idNumber: "110101199003071234"),
                          incidentRegionCode: "140105001", incidentKind: kind, requestedFen: requested, urgent: urgent,
                          occurredOn: occurred, householdSize: size)
    }
}

final class ReliefPolicyTests: XCTestCase {
    let s = ReliefStandards()   // dibao 800 yuan, 3 months, cap 10,000, township 3,000, aid first 1,000

    func testTotalIsTheLeastOfRequestEntitlementAndCap() {
        // Entitlement for 4 members: 3 × 80,000 × 4 = 960,000.
        XCTAssertEqual(ReliefPolicy.assess(ReliefFixture.application(requested: 500_000), standards: s).approvedTotalFen, 500_000)
        XCTAssertEqual(ReliefPolicy.assess(ReliefFixture.application(requested: 959_999), standards: s).approvedTotalFen, 959_999)
        XCTAssertEqual(ReliefPolicy.assess(ReliefFixture.application(requested: 960_000), standards: s).approvedTotalFen, 960_000)
        XCTAssertEqual(ReliefPolicy.assess(ReliefFixture.application(requested: 960_001), standards: s).approvedTotalFen, 960_000)
        // Five members are entitled to 1,200,000, but the case cap is 1,000,000.
        let five = { ReliefPolicy.assess(ReliefFixture.application(requested: $0, size: 5), standards: self.s) }
        XCTAssertEqual(five(999_999).approvedTotalFen, 999_999)
        XCTAssertEqual(five(1_000_000).approvedTotalFen, 1_000_000)
        XCTAssertEqual(five(1_000_001).approvedTotalFen, 1_000_000)
        XCTAssertEqual(five(1_000_001).entitlementFen, 1_200_000)
    }

    func testUnknownHouseholdSizeCountsOne() {
        let a = ReliefPolicy.assess(ReliefFixture.application(requested: 900_000, size: nil), standards: s)
        XCTAssertEqual(a.approvedTotalFen, 240_000)
    }

    func testTieredApprovalAtTheTownshipLimit() {
        let at = { ReliefPolicy.assess(ReliefFixture.application(requested: $0), standards: self.s) }
        XCTAssertEqual(at(299_999).approvalLevel, .township)
        XCTAssertEqual(at(300_000).approvalLevel, .township)
        XCTAssertFalse(at(300_000).pendingCountyApproval)
        XCTAssertEqual(at(300_001).approvalLevel, .county)
        XCTAssertTrue(at(300_001).pendingCountyApproval)
    }

    func testAidFirstForUrgentCasesOnly() {
        let urgent = { ReliefPolicy.assess(ReliefFixture.application(requested: $0), standards: self.s).aidFirstFen }
        XCTAssertEqual(urgent(99_999), 99_999)
        XCTAssertEqual(urgent(100_000), 100_000)
        XCTAssertEqual(urgent(100_001), 100_000)
        XCTAssertEqual(urgent(900_000), 100_000, "paid at once even while the county decides")
        XCTAssertEqual(ReliefPolicy.assess(ReliefFixture.application(requested: 900_000, urgent: false), standards: s).aidFirstFen, 0)
    }

    func testNothingRequestedNothingApproved() {
        for requested in [Int64(0), -5] {
            let a = ReliefPolicy.assess(ReliefFixture.application(requested: requested), standards: s)
            XCTAssertEqual(a.approvedTotalFen, 0)
            XCTAssertEqual(a.aidFirstFen, 0)
            XCTAssertFalse(a.pendingCountyApproval)
        }
    }

    func testIdsAndReasons() {
        let a = ReliefPolicy.assess(ReliefFixture.application(requested: 500_000), standards: s)
        XCTAssertEqual(a.caseId, "case-app-1")
        XCTAssertEqual(a.reasons.map(\.rule), ["relief_amount", "tiered_approval", "aid_first"])
        XCTAssertTrue(a.reasons.allSatisfy { $0.clause == "§4.3" })
        XCTAssertEqual(ReliefPolicy.assess(ReliefFixture.application(requested: 1), standards: s, caseId: "case-app-0").caseId, "case-app-0")
    }

    func testAbsurdHouseholdSizeDoesNotTrap() {
        let a = ReliefPolicy.assess(ReliefFixture.application(requested: .max, size: .max), standards: s)
        XCTAssertEqual(a.approvedTotalFen, s.perCaseCapFen)
    }

    func testStandardsValidation() {
        XCTAssertEqual(ReliefStandards().problems, [])
        XCTAssertNoThrow(try ReliefStandards().validate())
        var bad = ReliefStandards()
        bad.dibaoMonthlyFen = 0; bad.monthsPerMember = -1; bad.aidFirstLimitFen = 400_000
        XCTAssertEqual(bad.problems, [.notPositive("dibaoMonthlyFen"), .notPositive("monthsPerMember"),
                                      .aidFirstAboveTownshipLimit(aidFirstFen: 400_000, townshipFen: 300_000)])
        XCTAssertThrowsError(try bad.validate()) { XCTAssertEqual($0 as? ReliefStandardsProblem, .notPositive("dibaoMonthlyFen")) }
        var overCap = ReliefStandards(); overCap.townshipApprovalLimitFen = 2_000_000; overCap.aidFirstLimitFen = 1_500_000
        XCTAssertEqual(overCap.problems, [.aidFirstAboveCap(aidFirstFen: 1_500_000, capFen: 1_000_000)])
        var negative = ReliefStandards(); negative.duplicateWindowDays = -1; negative.townshipApprovalLimitFen = -1
        XCTAssertTrue(negative.problems.contains(.negative("duplicateWindowDays")))
        XCTAssertTrue(negative.problems.contains(.negative("townshipApprovalLimitFen")))
        XCTAssertTrue(ReliefStandardsProblem.aidFirstAboveTownshipLimit(aidFirstFen: 4, townshipFen: 3).description.contains("township"))
    }

    func testRegionalStandardsValidationNamesTheRegion() throws {
        var bad = ReliefStandards(); bad.perCaseCapFen = 0
        let book = RegionalRules(regions: ["14": ReliefStandards(), "1401": bad])
        XCTAssertThrowsError(try book.validate()) { error in
            XCTAssertEqual((error as? ReliefStandardsError)?.region, "1401")
            XCTAssertEqual((error as? ReliefStandardsError)?.problem, .notPositive("perCaseCapFen"))
        }
        let json = #"{ "regions": { "1401": { "aidFirstLimitFen": 200000, "townshipApprovalLimitFen": 500000 } } }"#
        let decoded = try JSONDecoder().decode(RegionalRules<ReliefStandards>.self, from: Data(json.utf8))
        XCTAssertNoThrow(try decoded.validate())
        XCTAssertEqual(decoded.rules(for: "140105001").aidFirstLimitFen, 200_000)
        XCTAssertEqual(decoded.rules(for: "140105001").dibaoMonthlyFen, 80_000)
    }
}
