import XCTest
@testable import DoudiDomain

final class IntakeAmountTests: XCTestCase {
    /// Every money field of the form with its documented bound.
    static let amounts: [(path: String, bound: Int64)] = [
        ("income.wagesFen", IntakeLimits.annualFenMax), ("income.businessFen", IntakeLimits.annualFenMax),
        ("income.propertyFen", IntakeLimits.annualFenMax), ("income.transferFen", IntakeLimits.annualFenMax),
        ("income.otherFen", IntakeLimits.annualFenMax),
        ("expenses.livingFen", IntakeLimits.annualFenMax), ("expenses.socialInsuranceFen", IntakeLimits.annualFenMax),
        ("expenses.employmentCostFen", IntakeLimits.annualFenMax), ("expenses.medicalFen", IntakeLimits.annualFenMax),
        ("expenses.disabilityFen", IntakeLimits.annualFenMax), ("expenses.otherFen", IntakeLimits.annualFenMax),
        ("assets.depositsFen", IntakeLimits.assetFenMax), ("assets.securitiesFen", IntakeLimits.assetFenMax),
        ("assets.fundsFen", IntakeLimits.assetFenMax), ("assets.commercialInsuranceFen", IntakeLimits.assetFenMax),
        ("assets.claimsFen", IntakeLimits.assetFenMax), ("assets.otherFen", IntakeLimits.assetFenMax),
        ("assets.vehicles[0].priceFen", IntakeLimits.assetFenMax),
        ("members[1].monthlyIncomeFen", IntakeLimits.monthlyFenMax),
        ("supporters[0].annualSupportFen", IntakeLimits.annualFenMax),
    ]

    func testDocumentedBounds() {
        XCTAssertEqual(IntakeLimits.annualFenMax, 100_000_000_000)
        XCTAssertEqual(IntakeLimits.monthlyFenMax, 1_000_000_000)
        XCTAssertEqual(IntakeLimits.assetFenMax, 1_000_000_000_000)
    }

    func testZeroAndTheBoundAreAccepted() {
        for (path, bound) in Self.amounts {
            XCTAssertNotNil(Fixture.accepted(Fixture.document.setting(path, json: "0")), path)
            XCTAssertNotNil(Fixture.accepted(Fixture.document.setting(path, json: String(bound))), path)
        }
    }

    func testMinusOneAndBoundPlusOneAreRejected() {
        for (path, bound) in Self.amounts {
            assertRejects(Fixture.document.setting(path, json: "-1"), path, "negative_amount")
            assertRejects(Fixture.document.setting(path, json: String(bound + 1)), path, "amount_too_large")
        }
    }

    func testNonIntegersAndHugeNumbers() {
        let path = "income.wagesFen"
        assertRejects(Fixture.document.setting(path, json: "100.5"), path, "not_integer")
        assertRejects(Fixture.document.setting(path, json: "1e-2"), path, "not_integer")
        assertRejects(Fixture.document.setting(path, json: "1e30"), path, "amount_too_large")
        assertRejects(Fixture.document.setting(path, json: "-99999999999999999999"), path, "negative_amount")
        assertRejects(Fixture.document.setting(path, json: "\"100\""), path, "wrong_type")
        XCTAssertEqual(Fixture.accepted(Fixture.document.setting(path, json: "100.0"))?.income.wagesFen, 100,
                       "an integral decimal is the integer")
        XCTAssertEqual(Fixture.accepted(Fixture.document.setting(path, json: "1.5e3"))?.income.wagesFen, 1500)
    }

    func testOtherNumericRanges() {
        assertRejects(Fixture.document.setting("assets.houses[0].areaM2", json: "0"), "assets.houses[0].areaM2", "out_of_range")
        assertRejects(Fixture.document.setting("assets.houses[0].areaM2", json: "-3"), "assets.houses[0].areaM2", "out_of_range")
        assertRejects(Fixture.document.setting("assets.houses[0].areaM2", json: "100001"), "assets.houses[0].areaM2", "out_of_range")
        XCTAssertNotNil(Fixture.accepted(Fixture.document.setting("assets.houses[0].areaM2", json: "100000")))
        assertRejects(Fixture.document.setting("members[0].statedAge", json: "-1"), "members[0].statedAge", "out_of_range")
        assertRejects(Fixture.document.setting("members[0].statedAge", json: "151"), "members[0].statedAge", "out_of_range")
        assertRejects(Fixture.document.setting("members[0].statedAge", json: "44.5"), "members[0].statedAge", "not_integer")
    }
}
