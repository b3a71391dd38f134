import XCTest
@testable import DoudiDomain

final class ProgramsEducationTests: XCTestCase {
    let education = EducationProgramme()

    func decide(_ facts: [String: String], paid: Int64 = 0) -> [Outcome] {
        ProgramsFixture.decisions(education.decide(
            referral: ProgramsFixture.referral(.education, [ProgramsFixture.need(.education, facts)]),
            history: ["pk-a": paid], on: ProgramsFixture.day))
    }

    func testEveryStage() {
        let expected: [String: [(String, Int64?)]] = [
            "preschool": [("preschool_grant", 100_000), ("preschool_fee_waiver", nil)],
            "primary": [("boarding_living_allowance", 100_000)],
            "junior_secondary": [("boarding_living_allowance", 125_000)],
            "senior_secondary": [("national_grant", 200_000), ("tuition_waiver", nil)],
            "vocational": [("national_grant", 200_000), ("tuition_waiver", nil)],
            "higher": [("national_grant", 330_000), ("work_study", nil), ("student_loan", nil)],
        ]
        for (stage, measures) in expected {
            let out = decide(["schoolStage": stage])
            XCTAssertEqual(out.map(\.program), measures.map(\.0), stage)
            XCTAssertEqual(out.map(\.amountFen), measures.map(\.1), stage)
            XCTAssertTrue(out.allSatisfy { $0.status == .granted }, stage)
        }
        XCTAssertTrue(decide(["schoolStage": "higher"])[2].reason.contains("12000.00 yuan"), "the loan ceiling is stated")
    }

    func testDeniedWithoutAKnownStage() {
        XCTAssertEqual(decide([:]).map(\.status), [.denied])
        XCTAssertEqual(decide(["school": "No. 3"]).map(\.status), [.denied])
        XCTAssertEqual(decide(["schoolStage": "doctoral"]).map(\.status), [.denied])
    }

    func testGrantIsPaidOncePerYear() {
        XCTAssertEqual(decide(["schoolStage": "primary"], paid: 99_999).first?.amountFen, 1)
        XCTAssertEqual(decide(["schoolStage": "primary"], paid: 100_000).first?.status, .denied)
        XCTAssertEqual(decide(["schoolStage": "primary"], paid: 100_001).first?.status, .denied)
        // Non-cash measures do not depend on what was paid; grants are published before denials.
        XCTAssertEqual(decide(["schoolStage": "senior_secondary"], paid: 200_000).map(\.status), [.granted, .denied])
    }
}
