import XCTest
@testable import DoudiDomain

final class ProgramsEmploymentTests: XCTestCase {
    let employment = EmploymentProgramme()

    func decide(_ ability: String?, _ age: Int?, area: Area? = .urban, paid: Int64 = 0) -> [Outcome] {
        var facts: [String: String] = [:]
        facts["laborAbility"] = ability
        facts["age"] = age.map(String.init)
        return ProgramsFixture.decisions(employment.decide(
            referral: ProgramsFixture.referral(.employment, [ProgramsFixture.need(.employment, facts)], area: area),
            history: ["pk-a": paid], on: ProgramsFixture.day))
    }

    func testWorkingAgeBoundaries() {
        XCTAssertEqual(decide("full", 15).map(\.status), [.denied])
        XCTAssertNotEqual(decide("full", 16).first?.status, .denied)
        XCTAssertNotEqual(decide("full", 59).first?.status, .denied)
        XCTAssertEqual(decide("full", 60).map(\.status), [.denied])
    }

    func testDeniedWithoutLabourAbility() {
        XCTAssertEqual(decide("none", 30).map(\.status), [.denied])
        XCTAssertEqual(decide(nil, 30).map(\.status), [.denied])
        XCTAssertEqual(decide("full", nil).map(\.status), [.denied])
        XCTAssertEqual(decide("full", 30, area: nil).map(\.status), [.denied])
    }

    func testUrbanMeasures() {
        XCTAssertEqual(decide("full", 39).map(\.program), ["training_subsidy", "guaranteed_loan_interest_subsidy", "tax_relief"])
        XCTAssertEqual(decide("full", 40).map(\.program), ["public_welfare_job", "social_insurance_subsidy", "training_subsidy"])
        XCTAssertEqual(decide("partial", 25).map(\.program), ["public_welfare_job", "social_insurance_subsidy"])
        XCTAssertEqual(decide("full", 39).map(\.amountFen), [150_000, nil, nil])
    }

    func testRuralMeasures() {
        XCTAssertEqual(decide("full", 30, area: .rural).map(\.program), ["labour_export", "industry_support", "workshop_job"])
        XCTAssertEqual(decide("full", 52, area: .rural).map(\.program), ["industry_support", "workshop_job", "work_for_relief"])
        XCTAssertEqual(decide("partial", 45, area: .rural).map(\.program), ["rural_public_welfare_post", "workshop_job"])
        XCTAssertTrue(decide("partial", 45, area: .rural).allSatisfy { $0.status == .granted && $0.amountFen == nil })
    }

    func testAnnualCashCap() {
        let cap = EmploymentRules().annualCashCapFen
        // rural_full: labour export 500 yuan, then industry support 3,000 yuan.
        XCTAssertEqual(decide("full", 30, area: .rural, paid: cap - 350_001).compactMap(\.amountFen), [50_000, 300_000])
        XCTAssertEqual(decide("full", 30, area: .rural, paid: cap - 350_000).compactMap(\.amountFen), [50_000, 300_000])
        XCTAssertEqual(decide("full", 30, area: .rural, paid: cap - 349_999).compactMap(\.amountFen), [50_000, 299_999])
        let full = decide("full", 30, area: .rural, paid: cap)
        // Grants are published before denials (a referral granted in part is answered first).
        XCTAssertEqual(full.map(\.status), [.granted, .denied, .denied], "placements do not count against the cap")
        XCTAssertEqual(full.map(\.program), ["workshop_job", "labour_export", "industry_support"])
        XCTAssertEqual(decide("full", 30, area: .rural, paid: cap + 1).map(\.status), [.granted, .denied, .denied])
    }
}
