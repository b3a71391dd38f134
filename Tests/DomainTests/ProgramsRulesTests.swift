import Foundation
import XCTest
@testable import DoudiDomain

final class ProgramsRulesTests: XCTestCase {
    func decode<R: DefaultedRules>(_ json: String, as: R.Type) throws -> RegionalRules<R> {
        try JSONDecoder().decode(RegionalRules<R>.self, from: Data(json.utf8))
    }

    func testRegionTableLongestPrefix() {
        let t = RegionTable(["14": "province", "1401": "city", "140105": "county"])
        XCTAssertEqual(t.lookup("140105001"), "county")
        XCTAssertEqual(t.lookup("140106001"), "city")
        XCTAssertEqual(t.lookup("141001001"), "province")
        XCTAssertNil(t.lookup("110101001"))
        XCTAssertNil(RegionTable<Int>([:]).lookup("14"))
    }

    func testPartialRegionalOverridesKeepDefaults() throws {
        let rules = try decode("""
            { "default": { "annualCapFen": 7000000 },
              "regions": { "1401": { "sharePercent": { "tekun": 90 } } } }
            """, as: MedicalRules.self)
        XCTAssertEqual(rules.defaults.annualCapFen, 7_000_000)
        XCTAssertEqual(rules.defaults.sharePercent, MedicalRules().sharePercent)
        let city = rules.rules(for: "140105001")
        XCTAssertEqual(city.sharePercent, ["tekun": 90])
        XCTAssertEqual(city.annualCapFen, MedicalRules().annualCapFen, "omitted fields keep built-in defaults")
        XCTAssertEqual(rules.rules(for: "150101001"), rules.defaults)
    }

    func testEveryRulesTypeDecodesFromAnEmptyObject() throws {
        XCTAssertEqual(try decode("{}", as: MedicalRules.self).defaults, MedicalRules())
        XCTAssertEqual(try decode("{}", as: EducationRules.self).defaults, EducationRules())
        XCTAssertEqual(try decode("{}", as: HousingRules.self).defaults, HousingRules())
        XCTAssertEqual(try decode("{}", as: EmploymentRules.self).defaults, EmploymentRules())
        XCTAssertEqual(try decode("{}", as: DisasterRules.self).defaults, DisasterRules())
        XCTAssertEqual(try decode("{}", as: ReliefStandards.self).defaults, ReliefStandards())
    }

    func testRulesSurviveAJSONRoundTrip() throws {
        var housing = HousingRules(); housing.standardAreaPerPersonM2 = 13
        let original = RegionalRules(defaults: EducationRules(), regions: ["14": EducationRules()])
        let back = try JSONDecoder().decode(RegionalRules<EducationRules>.self, from: JSONEncoder().encode(original))
        XCTAssertEqual(back, original)
        let h = RegionalRules(regions: ["1401": housing])
        XCTAssertEqual(try JSONDecoder().decode(RegionalRules<HousingRules>.self, from: JSONEncoder().encode(h)), h)
    }

    func testConfiguredMeasuresDecode() throws {
        let rules = try decode("""
            { "regions": { "14": { "stages": { "primary": [ { "program": "local_grant", "kind": "grant", "amountFen": 50000 } ] } } } }
            """, as: EducationRules.self)
        XCTAssertEqual(rules.rules(for: "140105").stages["primary"], [EducationMeasure("local_grant", .grant, 50_000)])
    }

    func testMalformedRulesAreRejected() {
        XCTAssertThrowsError(try decode(#"{ "default": { "annualCapFen": "lots" } }"#, as: MedicalRules.self))
    }
}
