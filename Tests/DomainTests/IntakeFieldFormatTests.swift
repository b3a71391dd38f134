import XCTest
@testable import DoudiDomain

final class IntakeFieldFormatTests: XCTestCase {
    func testPhoneNumbers() {
        let valid = ["13800138000": "13800138000", "138-0013-8000": "13800138000", "138 0013 8000": "13800138000",
                     "+86 13800138000": "13800138000", "008613800138000": "13800138000", "010-12345678": "01012345678",
                     "0755-1234567": "07551234567", "０１０－１２３４５６７８": "01012345678", " 19912345678 ": "19912345678"]
        for (raw, normalised) in valid {
            XCTAssertEqual(PhoneNumber.normalize(raw), normalised, raw)
            XCTAssertEqual(Fixture.accepted(Fixture.document.setting("applicant.phone", .string(raw)))?.applicant.phone, normalised, raw)
        }
        for raw in ["12345", "12800138000", "1380013800", "138001380000", "138--0013-8000", "-13800138000", "13800138000-",
                    "(010)12345678", "12345678", "0012345678", "138OO138000", "+86 010-12345678"] {
            XCTAssertNil(PhoneNumber.normalize(raw), raw)
            assertRejects(Fixture.document.setting("applicant.phone", .string(raw)), "applicant.phone", "invalid_phone")
        }
    }

    func testCollectedAtFormats() {
        for stamp in ["2024-06-01", "2024-06-01T10:00:00Z", "2024-06-01t10:00:00z", "2024-06-01T10:00:00.123+08:00",
                      "2024-06-01 10:00:00-05:30", "2024-06-01T23:59:60Z"] {
            XCTAssertNotNil(Fixture.accepted(Fixture.document.setting("collectedAt", .string(stamp))), stamp)
        }
        XCTAssertEqual(Fixture.accepted(Fixture.document.setting("collectedAt", .string("2024-06-01t10:00:00z")))?.collectedAt,
                       "2024-06-01T10:00:00Z")
        for stamp in ["2024-06-31", "2024-6-1", "2024-06-01T10:00", "2024-06-01T24:00:00Z", "2024-06-01T10:00:00",
                      "2024-06-01T10:00:00+0800", "2024-06-01T10:00:00.Z", "01/06/2024", "1899-12-31", "2024-06-01Txx"] {
            assertRejects(Fixture.document.setting("collectedAt", .string(stamp)), "collectedAt", "invalid_date")
        }
        XCTAssertNotNil(Fixture.accepted(Fixture.document.setting("collectedAt", .string("2024-07-01"))), "one day of tolerance")
        assertRejects(Fixture.document.setting("collectedAt", .string("2024-07-02")), "collectedAt", "date_in_future")
    }

    func testAssetDates() {
        assertRejects(Fixture.document.setting("assets.houses[0].acquiredOn", .string("2001-13-01")), "assets.houses[0].acquiredOn", "invalid_date")
        assertRejects(Fixture.document.setting("assets.vehicles[0].purchasedOn", .string("2030-01-01")), "assets.vehicles[0].purchasedOn", "date_in_future")
        XCTAssertEqual(Fixture.accepted(Fixture.document.setting("assets.vehicles[0].purchasedOn", .string("2015-06-01T08:00:00Z")))?
            .assets.vehicles[0].purchasedOn, "2015-06-01", "normalised to the date")
    }

    func testTextLengths() {
        for (path, max) in [("applicant.name", 50), ("members[1].name", 50), ("registeredAddress", 200), ("residenceAddress", 200),
                            ("assets.houses[0].address", 200), ("collectedBy", 50), ("supporters[0].relation", 50)] {
            let edited = path == "applicant.name" ? "members[0].name" : nil
            var atMax = Fixture.document.setting(path, .string(String(repeating: "字", count: max)))
            if let edited { atMax = atMax.setting(edited, .string(String(repeating: "字", count: max))) }
            XCTAssertNotNil(Fixture.accepted(atMax), "\(path) at \(max)")
            assertRejects(Fixture.document.setting(path, .string(String(repeating: "字", count: max + 1))), path, "too_long")
        }
        assertRejects(Fixture.document.setting("registeredAddress", .string(String(repeating: "x", count: 60_000))), "registeredAddress", "too_long")
    }

    func testControlCharactersAreRejected() {
        assertRejects(Fixture.document.setting("residenceAddress", .string("东城区\u{0007}1号")), "residenceAddress", "invalid_characters")
        assertRejects(Fixture.document.setting("members[1].name", .string("李\u{0000}四")), "members[1].name", "invalid_characters")
    }

    func testNormalisation() throws {
        let fullWidthId = String(Fixture.applicantId.unicodeScalars.map { s in
            Character(Unicode.Scalar(s.value >= 48 && s.value <= 57 ? s.value + 0xFEE0 : s.value)!)
        })
        let doc = Fixture.document
            .setting("applicant.idNumber", .string(" \(fullWidthId)\u{3000}"))
            .setting("members[0].idNumber", .string("\u{FEFF}\(Fixture.applicantId)\n"))
            .setting("members[1].idNumber", .string("11010519491231002x"))
            .setting("members[1].name", .string("  阿依古丽•买买提 "))
            .setting("regionCode", .string("１１０１０１００１００１"))
            .setting("residenceAddress", .string("  北京市\n东城区   1号  "))
            .setting("assets.vehicles[0].plate", .string("京a·12345"))
        let s = try XCTUnwrap(Fixture.accepted(doc))
        XCTAssertEqual(s.applicant.idNumber, Fixture.applicantId)
        XCTAssertEqual(s.members[0].idNumber, Fixture.applicantId)
        XCTAssertEqual(s.members[1].idNumber, "11010519491231002X")
        XCTAssertEqual(s.members[1].personKey, Fixture.personKey("11010519491231002X"), "keyed on the normalised number")
        XCTAssertEqual(s.members[1].name, "阿依古丽·买买提")
        XCTAssertEqual(s.regionCode, "110101001001")
        XCTAssertEqual(s.residenceAddress, "北京市 东城区 1号")
        XCTAssertEqual(s.assets.vehicles[0].plate, "京A12345")
    }

    func testChannelRequirements() {
        let selfDeclared = Fixture.document.setting("channel", .string("self_declared"))
        assertRejects(selfDeclared.setting("declarationSigned", nil), "declarationSigned", "declaration_required")
        assertRejects(selfDeclared.setting("declarationSigned", .bool(false)), "declarationSigned", "declaration_required")
        assertRejects(selfDeclared.setting("applicant.phone", nil), "applicant.phone", "required")
        XCTAssertNotNil(Fixture.accepted(selfDeclared.setting("collectedBy", nil)), "no collector needed")
        XCTAssertEqual(Fixture.errors(selfDeclared.setting("declarationSigned", .string("yes"))).map(\.code), ["wrong_type"],
                       "a wrong type is not also reported as a missing declaration")

        assertRejects(Fixture.document.setting("collectedBy", nil), "collectedBy", "required")
        let grassroots = Fixture.document.setting("channel", .string("grassroots_report"))
        assertRejects(grassroots.setting("collectedBy", .string(" ")), "collectedBy", "required")
        assertRejects(Fixture.document.setting("channel", .string("hotline_petition")).setting("applicant.phone", nil), "applicant.phone", "required")

        var bare = Fixture.document.setting("channel", .string("historical"))
        for field in ["collectedBy", "declarationSigned", "verificationAuthorized", "applicant.phone"] { bare = bare.setting(field, nil) }
        XCTAssertNotNil(Fixture.accepted(bare))
        XCTAssertNotNil(Fixture.accepted(bare.setting("channel", .string("data_comparison"))))
    }

    func testVehicleKindIsACode() {
        XCTAssertEqual(Fixture.accepted(Fixture.document.setting("assets.vehicles[0].kind", .string(" Disability_Adapted ")))?
            .assets.vehicles[0].kind, "disability_adapted")
        assertRejects(Fixture.document.setting("assets.vehicles[0].kind", .string("小汽车")), "assets.vehicles[0].kind", "invalid_code")
    }
}

/// Finding 6 of issue 13: names carried markup and bidirectional controls into referrals and exports.
final class PersonNameTests: XCTestCase {
    func testLettersMarksSpacesAndTheMiddleDotAreNames() {
        for name in ["张三", "艾力·买买提", "阿依古丽·吐尔逊", "Anna Müller", "José María", "ທອງ", "김민준", "Nguyễn Văn A", "王〇"] {
            XCTAssertTrue(PersonName.isAcceptable(TextNormalization.personName(name)), name)
        }
        // The dot variants of transliterated names are unified before the check.
        XCTAssertTrue(PersonName.isAcceptable(TextNormalization.personName("艾力•买买提")))
    }

    func testMarkupSymbolsAndDirectionControlsAreNot() {
        for name in ["<svg onload=1>", "张\u{202E}三", "王五\u{200F}", "a&b", "李四1", "赵六;", "·张三", "张三·", "张··三", "😀", "O'Brien", "Ⅷ世"] {
            XCTAssertFalse(PersonName.isAcceptable(TextNormalization.personName(name)), name.debugDescription)
        }
    }

    func testTheValidatorNamesTheFieldAndBothLanguages() {
        let errors = Fixture.errors(Fixture.document.setting("members[1].name", .string("<svg onload=1>")))
        let error = errors.first { $0.code == "invalid_name" }
        XCTAssertEqual(error?.field, "members[1].name")
        XCTAssertTrue(error?.message.contains("姓名") == true)
        XCTAssertTrue(error?.messageEn.contains("name") == true)
        XCTAssertFalse(error?.messageEn.contains("svg") == true, "the error never repeats the value")
        assertRejects(Fixture.document.setting("applicant.name", .string("张\u{202E}三")), "applicant.name", "invalid_name")
    }
}
