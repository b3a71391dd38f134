import XCTest
@testable import DoudiDomain

final class IntakeRegionCodeTests: XCTestCase {
    static let provinces = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                            "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
                            "71", "81", "82"]

    func testEveryProvinceIsAccepted() throws {
        for province in Self.provinces {
            let code = try RegionCode.parse("\(province)0101001").get()
            XCTAssertEqual(code.provinceCode, province)
            XCTAssertEqual(code.level, .township)
        }
        XCTAssertEqual(RegionCode.provinceCodes.count, Self.provinces.count)
    }

    func testEveryOtherTwoDigitPrefixIsRejected() {
        for n in 0..<100 {
            let prefix = pad3(n).suffix(2)
            guard !Self.provinces.contains(String(prefix)) else { continue }
            XCTAssertEqual(RegionCode.parse("\(prefix)0101001"), .failure(.province), String(prefix))
        }
    }

    func testVillageAndCounty() throws {
        let village = try RegionCode.parse("110101001001").get()
        XCTAssertEqual(village.level, .village)
        XCTAssertEqual(village.countyCode, "110101")
        XCTAssertEqual(village.townshipCode, "110101001")
        XCTAssertEqual(try RegionCode.parse("441900003").get().countyCode, "441900", "city without counties")
    }

    func testTwelveDigitTownshipSpellingIsNormalisedToNineDigits() throws {
        let code = try RegionCode.parse("110101001000").get()
        XCTAssertEqual(code.value, "110101001")
        XCTAssertEqual(code.level, .township)
    }

    func testFormatErrors() {
        for bad in ["", "11010100", "1101010010", "11010100100", "1101010010011", "11010100a", "110101-001", "11 0101001"] {
            XCTAssertEqual(RegionCode.parse(bad), .failure(.format), bad)
        }
    }

    func testEmptyLevelsAreRejected() {
        XCTAssertEqual(RegionCode.parse("110000001"), .failure(.emptyLevel), "no city level")
        XCTAssertEqual(RegionCode.parse("110101000"), .failure(.emptyLevel), "no township")
    }

    func testNormalisation() throws {
        XCTAssertEqual(try RegionCode.parse(" １１０１０１００１ ").get().value, "110101001")
        XCTAssertEqual(try RegionCode.parse("\t110101001001\n").get().value, "110101001001")
    }
}
