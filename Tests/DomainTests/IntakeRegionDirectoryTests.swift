import XCTest
@testable import DoudiDomain

/// Intake's region checks against the directory: submissions and department records agree
/// (docs/regions.md). Identity numbers are not checked against it (docs/intake.md).
final class IntakeRegionDirectoryTests: XCTestCase {
    func testSubmissionWithANonExistentCountyIsRejectedNamingTheField() throws {
        let errors = Fixture.errors(Fixture.document.setting("regionCode", .string("110199001")))
        let error = try XCTUnwrap(errors.first { $0.field == "regionCode" })
        XCTAssertEqual(error.code, "unknown_region")
        XCTAssertEqual(error.message, "区划代码中的县级区划在区划目录中不存在；最近的有效上级区划：11 北京市")
        assertRejects(Fixture.document.setting("regionCode", .string("110101999")), "regionCode", "unknown_region")
        XCTAssertNotNil(Fixture.accepted(Fixture.document.setting("regionCode", .string("110101001001"))), "village digits are not checked")
    }

    func testRetiredCodeIsAcceptedWithAWarningAndMapped() throws {
        // 密云县 (110228) became 密云区 (110118) in 2015.
        let s = try XCTUnwrap(Fixture.accepted(Fixture.document.setting("regionCode", .string("110228100"))))
        XCTAssertEqual(s.regionCode, "110118100")
        let warning = try XCTUnwrap(s.warnings?.first)
        XCTAssertEqual(warning.field, "regionCode")
        XCTAssertEqual(warning.code, "retired_region")
        XCTAssertEqual(warning.message, "区划代码中的县级区划密云县已于 2015 年撤县设区，已改用现行区划 110118 北京市密云区")
        XCTAssertNil(try XCTUnwrap(Fixture.accepted(Fixture.document)).warnings, "no warnings, no field")
    }

    func testIdentityNumbersKeepRetiredDivisionCodes() throws {
        // Numbers issued under 110228 (密云县) are still valid: people keep their numbers.
        let old = TestID.make("110228", "19700101", "123")
        guard case .success = IdentityNumber.parse(old, asOf: Fixture.asOf) else { return XCTFail("retired division rejected") }
    }

    func testDepartmentRecordRegionCodes() throws {
        let record = json(IntakeDeptRecordTests.text)
        func validate(_ d: JSONValue) -> DeptRecordValidation {
            DeptRecordValidator().validate(d.serializedBytes, asOf: Fixture.asOf, personKey: Fixture.personKey)
        }
        let unknown = validate(record.setting("regionCode", .string("420199001")))
        XCTAssertEqual(unknown.deadLetterReason, "invalid dept.record.v1: regionCode: unknown_region", "field and code, never the value")
        guard case .accepted(let mapped) = validate(record.setting("regionCode", .string("350427100"))) else { return XCTFail() }
        XCTAssertEqual(mapped.record.regionCode, "350405100", "a retired county is mapped to its successor")
    }
}
