import XCTest
@testable import DoudiDomain

/// Identity numbers made by independent arithmetic: weight of position i (0-based) is
/// 2^(17-i) mod 11 and the check value is (12 - sum mod 11) mod 11, 10 written X — the
/// standard's formulation, not the table the code under test uses.
enum TestID {
    static func make(_ division: String = "110101", _ birth: String, _ sequence: String) -> String {
        let body = division + birth + sequence
        precondition(body.count == 17)
        var sum = 0
        for (i, ch) in body.enumerated() {
            var weight = 1
            for _ in 0..<(17 - i) { weight = weight * 2 % 11 }
            sum += Int(String(ch))! * weight
        }
        let check = (12 - sum % 11) % 11
        return body + (check == 10 ? "X" : String(check))
    }

    /// A different, still well-formed check character.
    static func withWrongCheck(_ id: String) -> String {
        let last = id.last!
        return String(id.dropLast()) + (last == "1" ? "2" : "1")
    }
}

enum Fixture {
    static let asOf = CivilDate(year: 2024, month: 6, day: 30)!
    static let applicantId = TestID.make("110101", "19800512", "123")  // male
    static let spouseId = TestID.make("110101", "19820304", "244")     // female
    static let childId = TestID.make("110101", "20100901", "315")      // male, 13 on 2024-06-01
    static let parentId = TestID.make("110101", "19500120", "017")     // male

    /// A complete, valid home-visit submission.
    static let text = """
    {
      "submissionId": "sub-0001", "channel": "home_visit", "regionCode": "110101001", "area": "urban",
      "registeredAddress": "北京市东城区东华门街道1号", "residenceAddress": "北京市东城区东华门街道1号",
      "applicant": {"name": "张三", "idNumber": "\(applicantId)", "phone": "13800138000"},
      "hardshipReasons": ["illness", "unemployment"], "requestsAssistance": true, "relativeOfStaff": false,
      "members": [
        {"relation": "self", "name": "张三", "idNumber": "\(applicantId)", "maritalStatus": "married",
         "health": "chronic_illness", "occupation": "unemployed", "laborAbility": "partial", "monthlyIncomeFen": 0, "statedAge": 44},
        {"relation": "spouse", "name": "李四", "idNumber": "\(spouseId)", "maritalStatus": "married",
         "health": "healthy", "occupation": "employed", "laborAbility": "full", "monthlyIncomeFen": 250000},
        {"relation": "child", "name": "张小明", "idNumber": "\(childId)", "health": "disabled", "disabilityGrade": 2,
         "disabilityKind": "intellectual", "occupation": "student", "laborAbility": "none"},
        {"relation": "parent", "name": "张老汉", "idNumber": "\(parentId)", "maritalStatus": "widowed",
         "health": "serious_illness", "occupation": "retired", "laborAbility": "none"}
      ],
      "supporters": [{"relation": "sibling", "name": "张二", "idNumber": "\(TestID.make("110102", "19780101", "011"))",
                      "annualSupportFen": 120000}],
      "income": {"wagesFen": 3000000, "businessFen": 0, "propertyFen": 0, "transferFen": 120000, "otherFen": 0},
      "expenses": {"livingFen": 1200000, "socialInsuranceFen": 50000, "employmentCostFen": 0, "medicalFen": 800000,
                   "disabilityFen": 100000, "otherFen": 0},
      "assets": {"depositsFen": 500000, "securitiesFen": 0, "fundsFen": 0, "commercialInsuranceFen": 0, "claimsFen": 0,
                 "business": [], "otherFen": 0,
                 "houses": [{"address": "北京市东城区东华门街道1号", "areaM2": 45.5, "nature": "private", "source": "inherited",
                             "acquiredOn": "2001-03-01", "safety": "safe"}],
                 "vehicles": [{"owner": "张三", "kind": "motorcycle", "plate": "京A 12345", "purchasedOn": "2015-06-01", "priceFen": 300000}]},
      "declarationSigned": true, "verificationAuthorized": true,
      "collectedAt": "2024-06-01T10:00:00+08:00", "collectedBy": "王协理员"
    }
    """

    static var document: JSONValue { json(text) }

    /// Deterministic stand-in for the HMAC (djb2).
    static func personKey(_ id: String) -> String { "pk-\(id.utf8.reduce(UInt64(5381)) { $0 &* 33 &+ UInt64($1) })" }

    static func validate(_ document: JSONValue, asOf: CivilDate = asOf) -> SubmissionValidation {
        SubmissionValidator().validate(document.serializedBytes, asOf: asOf, fallbackSubmissionId: "fallback-id",
                                       personKey: personKey)
    }

    static func errors(_ document: JSONValue) -> [FieldError] {
        if case .rejected(let rejection) = validate(document) { return rejection.errors }
        return []
    }

    static func accepted(_ document: JSONValue, file: StaticString = #filePath, line: UInt = #line) -> Submission? {
        let outcome = validate(document)
        guard case .accepted(let submission) = outcome else {
            XCTFail("expected acceptance, got \(outcome)", file: file, line: line)
            return nil
        }
        return submission
    }
}

func json(_ text: String) -> JSONValue {
    do { return try JSONParser.parse(Array(text.utf8)) } catch { fatalError("bad test JSON: \(error.reason)") }
}

/// Asserts that `document` is rejected with `code` at `field` (among possibly other errors).
func assertRejects(_ document: JSONValue, _ field: String, _ code: String, file: StaticString = #filePath, line: UInt = #line) {
    let errors = Fixture.errors(document)
    XCTAssertTrue(errors.contains { $0.field == field && $0.code == code },
                  "expected \(code) at \(field), got \(errors.map { "\($0.field):\($0.code)" })", file: file, line: line)
}

extension JSONValue {
    /// A copy with the value at `path` (`members[1].idNumber`, `income.wagesFen`) replaced,
    /// or removed when `newValue` is nil.
    func setting(_ path: String, _ newValue: JSONValue?) -> JSONValue {
        var components = path.split(separator: ".").map(String.init)[...]
        return replacing(&components, newValue)
    }

    func setting(_ path: String, json text: String) -> JSONValue { setting(path, json(text)) }

    private func replacing(_ components: inout ArraySlice<String>, _ newValue: JSONValue?) -> JSONValue {
        guard let component = components.popFirst() else { return newValue ?? .null }
        let parts = component.split(separator: "[")
        let key = String(parts[0])
        guard case .object(var fields) = self else { return self }
        if parts.count == 2, let index = Int(parts[1].dropLast()), case .array(var elements)? = fields[key] {
            guard elements.indices.contains(index) else { return self }
            elements[index] = elements[index].replacing(&components, newValue)
            fields[key] = .array(elements)
        } else if components.isEmpty, newValue == nil {
            fields[key] = nil
        } else {
            fields[key] = (fields[key] ?? .object([:])).replacing(&components, newValue)
        }
        return .object(fields)
    }
}

final class IntakeFixtureTests: XCTestCase {
    func testFixtureIsAccepted() {
        XCTAssertNotNil(Fixture.accepted(Fixture.document))
    }

    func testTestIDMatchesTheStandardsPublishedExample() {
        // GB 11643-1999's own example number.
        XCTAssertEqual(TestID.make("110105", "19491231", "002"), "11010519491231002X")
    }

    func testSettingReplacesAndRemoves() {
        let doc = Fixture.document.setting("members[1].name", .string("x")).setting("area", nil)
        XCTAssertEqual(doc.objectValue?["members"]?.arrayValue?[1].objectValue?["name"], .string("x"))
        XCTAssertNil(doc.objectValue?["area"])
    }
}
