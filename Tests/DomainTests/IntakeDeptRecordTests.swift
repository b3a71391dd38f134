import XCTest
@testable import DoudiDomain

final class IntakeDeptRecordTests: XCTestCase {
    static let personId = TestID.make("420102", "19650310", "533")

    static let text = """
    {"recordId": "mi-2024-000123", "department": "medical_insurance", "kind": "medical_expense",
     "idNumber": "\(personId)", "name": "刘某", "regionCode": "420102002", "occurredOn": "2024-05-20",
     "amountFen": 4500000, "attributes": {"hospital": "武汉协和医院", "selfPaidFen": 1200000, "inpatient": true}}
    """

    private func validate(_ document: JSONValue) -> DeptRecordValidation {
        DeptRecordValidator().validate(document.serializedBytes, asOf: Fixture.asOf, personKey: Fixture.personKey)
    }

    func testValidRecordIsNormalised() throws {
        let doc = json(Self.text).setting("idNumber", .string(" \(Self.personId.lowercased()) ")).setting("department", .string("Medical_Insurance"))
        guard case .accepted(let accepted) = validate(doc) else { return XCTFail("\(validate(doc))") }
        XCTAssertEqual(accepted.record.idNumber, Self.personId)
        XCTAssertEqual(accepted.record.department, .medicalInsurance)
        XCTAssertEqual(accepted.record.kind, .medicalExpense)
        XCTAssertEqual(accepted.record.attributes, ["hospital": "武汉协和医院", "selfPaidFen": "1200000", "inpatient": "true"])
        XCTAssertEqual(accepted.personKey, Fixture.personKey(Self.personId))
        XCTAssertEqual(accepted.gender, .male)
        XCTAssertEqual(accepted.birthDate, CivilDate(year: 1965, month: 3, day: 10))
        XCTAssertNil(validate(doc).deadLetterReason)
    }

    func testEveryDepartmentAndKind() {
        for department in Department.allCases {
            guard case .accepted = validate(json(Self.text).setting("department", .string(department.rawValue))) else {
                return XCTFail(department.rawValue)
            }
        }
        // The attributes the rules read (the phase, the incident, the decision and its reason) come with their kinds.
        let attributes: [DeptRecordKind: String] = [
            .suddenEvent: #"{"incidentKind": "fire"}"#, .lowIncomeDesignation: #"{"designated": "true", "reason": "caring for a disabled son"}"#,
            .uncoveredHardship: #"{"hardship": "stranded relative"}"#]
        for kind in DeptRecordKind.allCases {
            var doc = json(Self.text).setting("kind", .string(kind.rawValue))
            if let a = attributes[kind] { doc = doc.setting("attributes", json: a).setting("department", .string("civil_affairs")) }
            guard case .accepted = validate(doc) else { return XCTFail(kind.rawValue) }
        }
    }

    /// What the classifier reads from a record must be readable: otherwise a dead letter naming the attribute.
    func testAttributesTheRulesRead() {
        func errors(_ kind: DeptRecordKind, _ attributes: String, department: String = "civil_affairs") -> [String] {
            let doc = json(Self.text).setting("kind", .string(kind.rawValue)).setting("department", .string(department))
                .setting("attributes", json: attributes)
            guard case .rejected(_, let errors) = validate(doc) else { return [] }
            return errors.map { "\($0.field) \($0.code)" }
        }
        XCTAssertEqual(errors(.disasterVictim, #"{"phase": "transition"}"#), [])
        XCTAssertEqual(errors(.disasterVictim, #"{"phase": "冬春"}"#), [])
        XCTAssertEqual(errors(.disasterVictim, #"{"phase": "aftermath"}"#), ["attributes.phase unknown_value"])
        XCTAssertEqual(errors(.suddenEvent, #"{}"#), ["attributes.incidentKind required"])
        XCTAssertEqual(errors(.suddenEvent, #"{"incidentKind": "illness"}"#), ["attributes.incidentKind unknown_value"],
                       "a lasting illness is not a sudden event")
        XCTAssertEqual(errors(.lowIncomeDesignation, #"{"designated": "maybe", "reason": "r"}"#), ["attributes.designated unknown_value"])
        XCTAssertEqual(errors(.lowIncomeDesignation, #"{"designated": "true"}"#), ["attributes.reason required"])
        XCTAssertEqual(errors(.lowIncomeDesignation, #"{"reason": "r"}"#, department: "health"), ["department unknown_value"])
        XCTAssertEqual(errors(.uncoveredHardship, #"{"status": "resolved"}"#), [])
        XCTAssertEqual(errors(.uncoveredHardship, #"{}"#), ["attributes.hardship required"])
    }

    func testInvalidIdentityNumberGivesADeadLetterReasonWithoutTheNumber() throws {
        let wrong = TestID.withWrongCheck(Self.personId)
        let outcome = validate(json(Self.text).setting("idNumber", .string(wrong)))
        guard case .rejected(let recordId, let errors) = outcome else { return XCTFail() }
        XCTAssertEqual(recordId, "mi-2024-000123")
        XCTAssertEqual(errors.map(\.code), ["id_check_digit"])
        let reason = try XCTUnwrap(outcome.deadLetterReason)
        XCTAssertEqual(reason, "invalid dept.record.v1: idNumber: id_check_digit")
        XCTAssertFalse(reason.contains(wrong))
    }

    func testAllErrorsAtOnce() {
        let doc = json(Self.text)
            .setting("recordId", nil).setting("department", .string("tax")).setting("kind", .string("x"))
            .setting("idNumber", .string("123")).setting("name", .string("")).setting("regionCode", .string("12345"))
            .setting("occurredOn", .string("2024-02-30")).setting("amountFen", json: "-5").setting("attributes", json: "[1]")
        guard case .rejected(nil, let errors) = validate(doc) else { return XCTFail() }
        XCTAssertEqual(Set(errors.map { "\($0.field) \($0.code)" }),
                       ["recordId required", "department unknown_value", "kind unknown_value", "idNumber invalid_id_number",
                        "name required", "regionCode invalid_region_code", "occurredOn invalid_date", "amountFen negative_amount",
                        "attributes wrong_type"])
    }

    func testAttributeRules() {
        let tooLong = json(Self.text).setting("attributes.note", .string(String(repeating: "x", count: 501)))
        guard case .rejected(_, let errors) = validate(tooLong) else { return XCTFail() }
        XCTAssertEqual(errors.map { "\($0.field) \($0.code)" }, ["attributes.note too_long"])
        guard case .rejected = validate(json(Self.text).setting("attributes.list", json: "[1]")) else { return XCTFail() }
        guard case .accepted = validate(json(Self.text).setting("attributes", nil).setting("amountFen", nil).setting("regionCode", nil))
        else { return XCTFail("optional fields") }
    }

    func testFutureAndUndecodable() {
        guard case .rejected(_, let errors) = validate(json(Self.text).setting("occurredOn", .string("2025-01-01"))) else { return XCTFail() }
        XCTAssertEqual(errors.map(\.code), ["date_in_future"])
        let outcome = DeptRecordValidator().validate(Array("{\"recordId\":".utf8), asOf: Fixture.asOf, personKey: Fixture.personKey)
        guard case .undecodable = outcome else { return XCTFail() }
        XCTAssertNotNil(outcome.deadLetterReason)
    }
}
