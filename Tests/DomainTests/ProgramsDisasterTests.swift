import XCTest
@testable import DoudiDomain

final class ProgramsDisasterTests: XCTestCase {
    let disaster = DisasterProgramme()

    func decide(_ facts: [String: String], person: String? = "pk-a", paid: Int64 = 0) -> [Outcome] {
        ProgramsFixture.decisions(disaster.decide(
            referral: ProgramsFixture.referral(.disaster, [ProgramsFixture.need(.disaster, person: person, facts)], area: .rural),
            history: [person ?? "hh-1": paid], on: ProgramsFixture.day))
    }

    func testEveryPhasePerPerson() {
        for (phase, program, amount) in [("emergency", "emergency_relief", Int64(30_000)),
                                         ("transitional", "transitional_relief", 180_000),
                                         ("drought", "drought_relief", 30_000),
                                         ("winter_spring", "winter_spring_relief", 50_000),
                                         ("reconstruction", "housing_reconstruction", 500_000)] {
            let out = decide(["phase": phase, "lossFen": "9000000"])
            XCTAssertEqual(out.map(\.program), [program], phase)
            XCTAssertEqual(out.first?.amountFen, amount, phase)
        }
    }

    func testHouseholdNeedCountsAffectedPersons() {
        XCTAssertEqual(decide(["phase": "winter_spring", "affectedPersons": "3"], person: nil).first?.amountFen, 150_000)
        XCTAssertEqual(decide(["phase": "winter_spring", "affectedPersons": "3"]).first?.amountFen, 50_000,
                       "a person's need is one person")
        XCTAssertEqual(decide(["phase": "winter_spring"], person: nil).first?.amountFen, 50_000)
    }

    func testReconstructionIsLimitedByTheLoss() {
        XCTAssertEqual(decide(["phase": "reconstruction", "lossFen": "499999"]).first?.amountFen, 499_999)
        XCTAssertEqual(decide(["phase": "reconstruction", "lossFen": "500000"]).first?.amountFen, 500_000)
        XCTAssertEqual(decide(["phase": "reconstruction", "lossFen": "500001"]).first?.amountFen, 500_000)
        XCTAssertEqual(decide(["phase": "reconstruction"]).first?.status, .denied)
        XCTAssertEqual(decide(["phase": "reconstruction", "lossFen": "0"]).first?.status, .denied)
    }

    func testAnnualCapPerPerson() {
        let cap = DisasterRules().annualCapPerPersonFen
        XCTAssertEqual(decide(["phase": "emergency"], paid: cap - 30_001).first?.amountFen, 30_000)
        XCTAssertEqual(decide(["phase": "emergency"], paid: cap - 30_000).first?.amountFen, 30_000)
        XCTAssertEqual(decide(["phase": "emergency"], paid: cap - 29_999).first?.amountFen, 29_999)
        XCTAssertEqual(decide(["phase": "emergency"], paid: cap).first?.status, .denied)
        XCTAssertEqual(decide(["phase": "emergency"], paid: cap + 1).first?.status, .denied)
    }

    func testDeniedWithoutAKnownPhase() {
        XCTAssertEqual(decide([:]).map(\.status), [.denied])
        XCTAssertEqual(decide(["phase": "aftermath"]).map(\.status), [.denied])
    }

    func testAbsurdPersonCountDoesNotTrap() {
        XCTAssertEqual(decide(["phase": "emergency", "affectedPersons": "9223372036854775807"], person: nil).first?.status, .granted)
    }
}
