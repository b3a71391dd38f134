import XCTest
@testable import DoudiDomain

final class IdentityNumberTests: XCTestCase {
    let asOf = CivilDate(year: 2024, month: 6, day: 30)!

    private func parse(_ raw: String) -> Result<IdentityNumber, IdentityNumber.Problem> {
        IdentityNumber.parse(raw, asOf: asOf)
    }

    func testStandardExampleIsValid() throws {
        let id = try parse("11010519491231002X").get()
        XCTAssertEqual(id.value, "11010519491231002X")
        XCTAssertEqual(id.birthDate, CivilDate(year: 1949, month: 12, day: 31))
        XCTAssertEqual(id.gender, .female)
        XCTAssertEqual(id.provinceCode, "11")
        XCTAssertEqual(id.divisionCode, "110105")
    }

    func testManyGeneratedNumbersAreValidAndCarryTheirBirthDate() throws {
        let divisions = ["110101", "310104", "440305", "650102", "810000", "830000"]
        for (i, division) in divisions.enumerated() {
            for sequence in stride(from: 0, to: 1000, by: 37) {
                let seq = pad3(sequence)
                let birth = "19\(60 + i)0\(1 + i)1\(i)"
                let id = TestID.make(division, birth, seq)
                let parsed = try parse(id).get()
                XCTAssertEqual(parsed.value, id)
                XCTAssertEqual(parsed.birthDate, CivilDate(compact: birth))
                XCTAssertEqual(parsed.gender, sequence % 2 == 1 ? .male : .female, id)
            }
        }
    }

    func testCheckCharacterXIsAccepted() throws {
        let withX = (0..<1000).lazy.map { TestID.make("320102", "19900101", pad3($0)) }.first { $0.hasSuffix("X") }!
        XCTAssertNoThrow(try parse(withX).get())
        XCTAssertEqual(try parse(withX.lowercased()).get().value, withX, "lower-case x is normalised")
    }

    func testWrongCheckDigitIsReported() {
        XCTAssertEqual(parse(TestID.withWrongCheck(Fixture.applicantId)), .failure(.checkDigit))
        // A single transposed digit in the body is caught by the check character.
        var chars = Array(Fixture.applicantId)
        chars.swapAt(14, 15)
        if chars[14] != chars[15] { XCTAssertEqual(parse(String(chars)), .failure(.checkDigit)) }
    }

    func testFormatErrors() {
        let valid = Fixture.applicantId
        for bad in [String(valid.dropLast()), valid + "1", "1101011980051212AX", "11010119800512123Y", "", "abc",
                    "11010119800512X234", "１１０１０１"] {
            XCTAssertEqual(parse(bad), .failure(.format), bad)
        }
    }

    func testUnknownProvinceIsReported() {
        for division in ["990101", "000101", "100101", "720101"] {
            XCTAssertEqual(parse(TestID.make(division, "19800512", "123")), .failure(.province), division)
        }
    }

    func testImpossibleBirthDates() {
        for birth in ["19800230", "20030229", "19801301", "19800000", "20240701", "20300101"] {
            XCTAssertEqual(parse(TestID.make("110101", birth, "123")), .failure(.birthDate), birth)
        }
        XCTAssertNoThrow(try parse(TestID.make("110101", "20040229", "123")).get(), "leap day")
        XCTAssertNoThrow(try parse(TestID.make("110101", "20240630", "123")).get(), "born on the as-of date")
    }

    func testAgeBoundaryOf130Years() {
        XCTAssertNoThrow(try parse(TestID.make("110101", "18940101", "123")).get(), "130 years old")
        XCTAssertEqual(parse(TestID.make("110101", "18930630", "123")), .failure(.birthDate), "131 years old")
    }

    func testNormalisation() throws {
        let id = TestID.make("440305", "19900101", "456")
        let fullWidth = String(id.unicodeScalars.map { s in
            Character(Unicode.Scalar(s.value >= 48 && s.value <= 57 ? s.value + 0xFEE0 : s.value)!)
        })
        XCTAssertEqual(try parse(fullWidth).get().value, id)
        XCTAssertEqual(try parse("  \(id)\n").get().value, id)
        XCTAssertEqual(try parse("\u{3000}\(id)\u{3000}").get().value, id, "ideographic spaces")
        XCTAssertEqual(IdentityNumber.normalize(" 11010519491231002ｘ "), "11010519491231002X", "full-width x")
    }

    func testDescriptionDoesNotRevealTheNumber() throws {
        let id = try parse("11010519491231002X").get()
        XCTAssertFalse(id.description.contains("19491231"))
        XCTAssertFalse("\(id)".contains("002X"))
    }

    func testCheckCharacterFunctionAgreesWithIndependentArithmetic() {
        for n in 0..<200 {
            let id = TestID.make("510104", "19750815", pad3(n * 5))
            let digits = id.prefix(17).map { Int(String($0))! }
            XCTAssertEqual(IdentityNumber.checkCharacter(for: digits), id.last)
        }
        XCTAssertNil(IdentityNumber.checkCharacter(for: [1, 2, 3]))
    }
}

/// Zero-padded three digits.
func pad3(_ n: Int) -> String { String(repeating: "0", count: max(0, 3 - String(n).count)) + String(n) }
