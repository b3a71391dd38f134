import XCTest
@testable import DoudiDomain

final class ProgramsHousingTests: XCTestCase {
    let housing = HousingProgramme()

    func decide(_ facts: [String: String], area: Area? = .urban, paid: Int64 = 0,
                rules: HousingRules = HousingRules()) -> [Outcome] {
        ProgramsFixture.decisions(HousingProgramme(rules: RegionalRules(defaults: rules)).decide(
            referral: ProgramsFixture.referral(.housing, [ProgramsFixture.need(.housing, person: nil, facts)], area: area),
            history: ["hh-1": paid], on: ProgramsFixture.day))
    }

    func testUrbanNoHomeGetsPublicRentalHousing() {
        let out = decide(["housingStatus": "no_home", "householdSize": "3"])
        XCTAssertEqual(out.map(\.program), ["public_rental_housing"])
        XCTAssertEqual(out.first?.status, .granted)
        var rules = HousingRules(); rules.publicRentalForNoHome = false
        let subsidy = decide(["housingStatus": "no_home", "householdSize": "3"], rules: rules)
        XCTAssertEqual(subsidy.first?.program, "rental_subsidy")
        XCTAssertEqual(subsidy.first?.amountFen, 45 * 2_000, "the whole standard area of 3 × 15 m²")
    }

    func testUrbanRentalSubsidyAtTheStandardArea() {
        let size = ["householdSize": "2", "housingStatus": "crowded"]
        XCTAssertEqual(decide(size.merging(["areaM2": "30"]) { $1 }).first?.status, .denied, "exactly the standard")
        XCTAssertEqual(decide(size.merging(["areaM2": "30.01"]) { $1 }).first?.status, .denied)
        XCTAssertEqual(decide(size.merging(["areaM2": "29.99"]) { $1 }).first?.amountFen, 20, "0.01 m² short")
        XCTAssertEqual(decide(size.merging(["areaM2": "25.5"]) { $1 }).first?.amountFen, 9_000)
        XCTAssertEqual(decide(size.merging(["areaM2": "20"]) { $1 }).first?.amountFen, 20_000)
        XCTAssertEqual(decide(["areaM2": "14"]).first?.amountFen, 2_000, "one member when the size is unknown")
    }

    func testUrbanDeniedWithoutAUsableArea() {
        for bad in [[:], ["areaM2": "twelve"], ["areaM2": "-3"], ["areaM2": "1.234"], ["householdSize": "500", "areaM2": "1"]] {
            XCTAssertEqual(decide(bad).map(\.status), [.denied], "\(bad)")
        }
    }

    func testRuralRenovationByGrade() {
        XCTAssertEqual(decide(["houseGrade": "C"], area: .rural).first?.amountFen, 800_000)
        XCTAssertEqual(decide(["houseGrade": "d"], area: .rural).first?.amountFen, 2_000_000)
        XCTAssertEqual(decide(["houseGrade": "D"], area: .rural).first?.program, "dangerous_house_renovation")
        XCTAssertEqual(decide(["houseGrade": "B"], area: .rural).first?.status, .denied)
        XCTAssertEqual(decide([:], area: .rural).first?.status, .denied)
    }

    func testRuralGrantOncePerYear() {
        XCTAssertEqual(decide(["houseGrade": "C"], area: .rural, paid: 799_999).first?.amountFen, 1)
        XCTAssertEqual(decide(["houseGrade": "C"], area: .rural, paid: 800_000).first?.status, .denied)
        XCTAssertEqual(decide(["houseGrade": "C"], area: .rural, paid: 800_001).first?.status, .denied)
    }

    func testUnknownAreaIsDenied() {
        XCTAssertEqual(decide(["houseGrade": "D"], area: nil).map(\.status), [.denied])
    }
}
