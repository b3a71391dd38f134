import XCTest
@testable import DoudiDomain

final class IntakeSubmissionValidatorTests: XCTestCase {
    func testAcceptedSubmissionCarriesDerivedFields() throws {
        let s = try XCTUnwrap(Fixture.accepted(Fixture.document))
        XCTAssertEqual(s.submissionId, "sub-0001")
        XCTAssertEqual(s.channel, .homeVisit)
        XCTAssertEqual(s.regionCode, "110101001")
        XCTAssertEqual(s.applicant.personKey, Fixture.personKey(Fixture.applicantId))
        XCTAssertEqual(s.applicant.gender, .male, "derived from the identity number")
        XCTAssertEqual(s.members.map(\.personKey), [Fixture.applicantId, Fixture.spouseId, Fixture.childId, Fixture.parentId].map(Fixture.personKey))
        XCTAssertEqual(s.members.map(\.birthDate), ["1980-05-12", "1982-03-04", "2010-09-01", "1950-01-20"])
        XCTAssertEqual(s.members.map(\.age), [44, 42, 13, 74], "ages on the collection date 2024-06-01")
        XCTAssertEqual(s.members.map(\.gender), [.male, .female, .male, .male])
        XCTAssertEqual(s.supporters.first?.personKey?.hasPrefix("pk-"), true)
        XCTAssertEqual(s.authorizationRequired, false)
        XCTAssertNil(s.acceptedAt, "left for the caller")
        XCTAssertEqual(s.income.totalFen, 3_120_000)
        XCTAssertEqual(s.assets.houses.first?.areaM2, 45.5)
        XCTAssertEqual(s.assets.vehicles.first?.plate, "京A12345")
        XCTAssertEqual(s.collectedAt, "2024-06-01T10:00:00+08:00")
    }

    func testAssistanceWithoutAuthorisationIsAcceptedAndFlagged() throws {
        let s = try XCTUnwrap(Fixture.accepted(Fixture.document.setting("verificationAuthorized", .bool(false))))
        XCTAssertEqual(s.authorizationRequired, true)
        let noRequest = Fixture.document.setting("verificationAuthorized", nil).setting("requestsAssistance", nil)
        XCTAssertEqual(Fixture.accepted(noRequest)?.authorizationRequired, false)
    }

    func testFallbackSubmissionIdIsUsedWhenAbsent() throws {
        let s = try XCTUnwrap(Fixture.accepted(Fixture.document.setting("submissionId", nil)))
        XCTAssertEqual(s.submissionId, "fallback-id")
        guard case .rejected(let r) = Fixture.validate(Fixture.document.setting("submissionId", json: "42").setting("area", nil))
        else { return XCTFail() }
        XCTAssertEqual(r.submissionId, "fallback-id")
        XCTAssertTrue(r.errors.contains { $0.field == "submissionId" && $0.code == "wrong_type" })
        assertRejects(Fixture.document.setting("submissionId", .string("a b/c")), "submissionId", "invalid_identifier")
    }

    func testRejectionCarriesIdChannelAndRegion() {
        guard case .rejected(let r) = Fixture.validate(Fixture.document.setting("area", nil)) else { return XCTFail() }
        XCTAssertEqual(r.submissionId, "sub-0001")
        XCTAssertEqual(r.channel, "home_visit")
        XCTAssertEqual(r.regionCode, "110101001")
        XCTAssertEqual(r.errors.map(\.field), ["area"])
    }

    func testUndecodableInput() {
        let validator = SubmissionValidator()
        func outcome(_ bytes: [UInt8]) -> SubmissionValidation {
            validator.validate(bytes, asOf: Fixture.asOf, fallbackSubmissionId: "f", personKey: Fixture.personKey)
        }
        let cases: [[UInt8]] = [
            Array("not json".utf8), Array("[1,2]".utf8), Array("\"text\"".utf8), Array("42".utf8), [],
            [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D],
            Array((String(repeating: "{\"a\":", count: 40) + "1" + String(repeating: "}", count: 40)).utf8),
            Array("{\"name\":\"\(String(repeating: "长", count: 30_000))\"}".utf8),
            Array(Fixture.text.utf8.dropLast(5)),
        ]
        for bytes in cases {
            guard case .undecodable(let reason) = outcome(bytes) else { return XCTFail("decoded \(bytes.prefix(20))") }
            XCTAssertFalse(reason.isEmpty)
            XCTAssertFalse(reason.contains("长"), "reasons never echo content")
        }
    }

    func testRequiredTopLevelFields() {
        for field in ["channel", "regionCode", "area", "applicant", "members", "collectedAt", "applicant.name",
                      "applicant.idNumber", "members[1].relation", "members[1].name", "members[1].idNumber",
                      "members[1].health", "members[1].occupation", "members[1].laborAbility", "collectedBy",
                      "supporters[0].relation", "supporters[0].name", "supporters[0].idNumber", "assets.houses[0].areaM2",
                      "assets.vehicles[0].kind"] {
            assertRejects(Fixture.document.setting(field, nil), field, "required")
            assertRejects(Fixture.document.setting(field, .null), field, "required")
        }
        assertRejects(Fixture.document.setting("applicant.name", .string("  \u{3000} ")), "applicant.name", "required")
    }

    func testOptionalBlocksMayBeAbsent() throws {
        var doc = Fixture.document.setting("income", json: "{}")
        for field in ["expenses", "assets", "supporters", "hardshipReasons", "registeredAddress",
                      "residenceAddress", "members[0].statedAge", "members[0].maritalStatus", "members[0].monthlyIncomeFen"] {
            doc = doc.setting(field, nil)
        }
        let s = try XCTUnwrap(Fixture.accepted(doc))
        XCTAssertEqual(s.income, Income())
        XCTAssertEqual(s.assets, Assets())
        XCTAssertEqual(s.supporters, [])
    }

    /// The income block is required, as the schema says; an empty block declares no income.
    func testIncomeBlockIsRequired() {
        assertRejects(Fixture.document.setting("income", nil), "income", "required")
        assertRejects(Fixture.document.setting("income", .null), "income", "required")
        XCTAssertEqual(Fixture.accepted(Fixture.document.setting("income", json: "{}"))?.income, Income())
    }

    func testWrongTypes() {
        let cases: [(String, String)] = [("channel", "1"), ("applicant", "[]"), ("members", "{}"), ("members[0]", "\"x\""),
                                         ("income", "5"), ("income.wagesFen", "\"100\""), ("requestsAssistance", "\"true\""),
                                         ("members[0].statedAge", "\"44\""), ("hardshipReasons", "\"illness\""),
                                         ("hardshipReasons[0]", "3"), ("assets.houses[0].areaM2", "\"45\""),
                                         ("applicant.name", "{}"), ("members[2].disabilityGrade", "true")]
        for (field, value) in cases {
            assertRejects(Fixture.document.setting(field, json: value), field, "wrong_type")
        }
    }

    func testEveryErrorIsReportedAtOnce() throws {
        let doc = Fixture.document
            .setting("channel", .string("fax"))
            .setting("regionCode", .string("990101001"))
            .setting("income.wagesFen", json: "-1")
            .setting("expenses.medicalFen", json: "12.5")
            .setting("applicant.phone", .string("12345"))
            .setting("members[1].idNumber", .string(TestID.withWrongCheck(Fixture.spouseId)))
            .setting("members[2].health", .string("sick"))
            .setting("members[3].statedAge", json: "30")
            .setting("assets.houses[0].acquiredOn", .string("2001-02-30"))
            .setting("collectedAt", .string("yesterday"))
        guard case .rejected(let rejection) = Fixture.validate(doc) else { return XCTFail() }
        let found = Set(rejection.errors.map { "\($0.field) \($0.code)" })
        let expected: Set<String> = ["channel unknown_value", "regionCode invalid_region_code", "income.wagesFen negative_amount",
                                     "expenses.medicalFen not_integer", "applicant.phone invalid_phone",
                                     "members[1].idNumber id_check_digit", "members[2].health unknown_value",
                                     "members[3].statedAge age_mismatch", "assets.houses[0].acquiredOn invalid_date",
                                     "collectedAt invalid_date"]
        XCTAssertEqual(found, expected)
        XCTAssertNil(rejection.channel, "unknown channels are not echoed")
        XCTAssertNil(rejection.regionCode)
    }

    func testMessagesAreBilingualAndNeverEchoPersonalData() {
        let doc = Fixture.document
            .setting("members[1].idNumber", .string(TestID.withWrongCheck(Fixture.spouseId)))
            .setting("applicant.name", .string("王五"))
            .setting("members[3].name", .string(String(repeating: "赵", count: 51)))
            .setting("applicant.phone", .string("1380013800"))
        let errors = Fixture.errors(doc)
        XCTAssertGreaterThanOrEqual(errors.count, 4)
        for error in errors {
            XCTAssertFalse(error.message.isEmpty || error.messageEn.isEmpty)
            for secret in [Fixture.spouseId, TestID.withWrongCheck(Fixture.spouseId), "王五", "张三", "赵赵", "1380013800"] {
                XCTAssertFalse(error.message.contains(secret) || error.messageEn.contains(secret) || error.field.contains(secret))
            }
            XCTAssertNotNil(IntakeErrorCode(rawValue: error.code), error.code)
        }
    }

    func testUnknownFieldsAreIgnored() {
        XCTAssertNotNil(Fixture.accepted(Fixture.document.setting("futureField", json: #"{"x":[1,2]}"#)
            .setting("members[0].hobby", .string("chess"))))
    }
}
