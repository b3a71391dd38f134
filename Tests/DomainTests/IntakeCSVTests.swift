import XCTest
@testable import DoudiDomain

final class IntakeCSVTests: XCTestCase {
    private func records(_ text: String) -> Result<[[String]], CSVError> {
        Result { () throws(CSVError) in try CSV.records(text) }
    }

    func testPlainAndQuotedFields() throws {
        XCTAssertEqual(try CSV.fields(ofLine: "a,b,c"), ["a", "b", "c"])
        XCTAssertEqual(try CSV.fields(ofLine: "a,,c,"), ["a", "", "c", ""])
        XCTAssertEqual(try CSV.fields(ofLine: #""a,b","say ""hi""","""#), ["a,b", #"say "hi""#, ""])
        XCTAssertEqual(try CSV.fields(ofLine: #""""""#), [#"""#])
        XCTAssertEqual(try CSV.fields(ofLine: " a , b "), [" a ", " b "], "blanks are data")
        XCTAssertEqual(try CSV.fields(ofLine: "中文,全角，逗号"), ["中文", "全角，逗号"])
        XCTAssertEqual(try CSV.fields(ofLine: ""), [""])
    }

    func testRecordsWithLineBreaks() throws {
        let text = "\u{FEFF}h1,h2\r\n\"multi\r\nline\",x\n\nlast,\"q\"\r\n"
        XCTAssertEqual(try CSV.records(text), [["h1", "h2"], ["multi\r\nline", "x"], ["last", "q"]])
        XCTAssertEqual(try CSV.records("a\rb"), [["a"], ["b"]], "bare CR")
        XCTAssertEqual(try CSV.records("a,b"), [["a", "b"]], "no final line break")
    }

    func testMalformedCSV() {
        XCTAssertEqual(records("a,\"open\nnever closed"), .failure(.unterminatedQuote(line: 1)))
        XCTAssertEqual(records("ok\nab\"c,d"), .failure(.quoteInUnquotedField(line: 2, field: 1)))
        XCTAssertEqual(records("x,\"ab\"c"), .failure(.textAfterClosingQuote(line: 1, field: 2)))
        XCTAssertFalse(CSVError.unterminatedQuote(line: 3).reason.isEmpty)
    }

    func testEscapeRoundTrips() throws {
        let fields = ["plain", "with,comma", #"with "quotes""#, "line\nbreak", " padded ", "", "crlf\r\nx", #"[{"a":1}]"#]
        XCTAssertEqual(try CSV.fields(ofLine: CSV.line(fields)), fields)
        XCTAssertEqual(CSV.escape("plain"), "plain")
        XCTAssertEqual(CSV.escape(#"a"b"#), #""a""b""#)
    }

    // MARK: Submissions

    private var members: String {
        let m = json(Fixture.text).objectValue!["members"]!
        return m.serialized
    }

    private func submissionRow(_ overrides: [String: String] = [:]) -> (header: [String], row: [String]) {
        var cells: [String: String] = [
            "submissionId": "bulk-1", "channel": "historical", "regionCode": "110101001", "area": "urban",
            "applicantName": "张三", "applicantIdNumber": Fixture.applicantId, "applicantPhone": "138-0013-8000",
            "hardshipReasons": "illness; unemployment", "requestsAssistance": "是", "verificationAuthorized": "否",
            "declarationSigned": "1", "collectedAt": "2024-06-01", "wagesFen": "3000000", "otherIncomeFen": "5",
            "medicalFen": "800000", "otherExpensesFen": "7", "depositsFen": "500000", "otherAssetsFen": "9",
            "members": members, "houses": #"[{"areaM2": 60, "address": "东城区, 1号"}]"#, "unknownColumn": "ignored",
        ]
        for (k, v) in overrides { cells[k] = v }
        let header = cells.keys.sorted()
        return (header, header.map { cells[$0]! })
    }

    /// Through the whole path: CSV text → fields → JSON → validator.
    private func validateRow(_ overrides: [String: String] = [:]) throws -> SubmissionValidation {
        let (header, row) = submissionRow(overrides)
        let parsed = try CSV.records(CSV.line(header) + "\r\n" + CSV.line(row) + "\r\n")
        let mapping = try SubmissionCSV(header: parsed[0])
        XCTAssertEqual(mapping.ignoredColumns, ["unknownColumn"])
        let payload = try mapping.payload(for: parsed[1])
        return SubmissionValidator().validate(payload, asOf: Fixture.asOf, fallbackSubmissionId: "f", personKey: Fixture.personKey)
    }

    func testSubmissionRowIsAccepted() throws {
        guard case .accepted(let s) = try validateRow() else { return XCTFail("\(try validateRow())") }
        XCTAssertEqual(s.submissionId, "bulk-1")
        XCTAssertEqual(s.applicant.phone, "13800138000")
        XCTAssertEqual(s.hardshipReasons, ["illness", "unemployment"])
        XCTAssertEqual(s.requestsAssistance, true)
        XCTAssertEqual(s.authorizationRequired, true)
        XCTAssertEqual(s.income.wagesFen, 3_000_000)
        XCTAssertEqual(s.income.otherFen, 5)
        XCTAssertEqual(s.expenses.otherFen, 7)
        XCTAssertEqual(s.assets.otherFen, 9)
        XCTAssertEqual(s.assets.houses.first?.address, "东城区, 1号")
        XCTAssertEqual(s.members.count, 4)
    }

    func testCellsThatDoNotConvertReachTheValidatorWithTheirPath() throws {
        guard case .rejected(let r) = try validateRow(["wagesFen": "3,000", "requestsAssistance": "maybe", "depositsFen": "-1", "area": ""])
        else { return XCTFail() }
        XCTAssertEqual(Set(r.errors.map { "\($0.field) \($0.code)" }),
                       ["income.wagesFen wrong_type", "requestsAssistance wrong_type", "assets.depositsFen negative_amount", "area required"])
    }

    func testRowErrors() throws {
        let (header, row) = submissionRow(["members": "[{\"relation\":"])
        let mapping = try SubmissionCSV(header: header)
        XCTAssertThrowsError(try mapping.document(for: row)) { error in
            guard case CSVRowError.invalidJSON(let column, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(column, "members")
        }
        XCTAssertThrowsError(try mapping.document(for: Array(row.dropLast()))) { error in
            XCTAssertEqual(error as? CSVRowError, .fieldCount(expected: header.count, actual: header.count - 1))
        }
        XCTAssertThrowsError(try SubmissionCSV(header: ["channel", " Channel "])) { error in
            XCTAssertEqual(error as? CSVHeaderError, .duplicateColumn("Channel"))
        }
        XCTAssertTrue(SubmissionCSV.columns.contains("members"))
    }

    // MARK: Department records

    func testDeptRecordRow() throws {
        let id = IntakeDeptRecordTests.personId
        let text = "recordId,department,kind,idNumber,name,regionCode,occurredOn,amountFen,attributes\n"
            + #"r-1,education,student_enrollment,\#(id),刘某,,2024-03-01,,"school=第一中学;stage=high\;senior;note=a\=b""#
        let rows = try CSV.records(text)
        let mapping = try DeptRecordCSV(header: rows[0])
        let outcome = DeptRecordValidator().validate(try mapping.payload(for: rows[1]), asOf: Fixture.asOf, personKey: Fixture.personKey)
        guard case .accepted(let accepted) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(accepted.record.attributes, ["school": "第一中学", "stage": "high;senior", "note": "a=b"])
        XCTAssertNil(accepted.record.regionCode)
        XCTAssertNil(accepted.record.amountFen)
    }

    func testKeyValueCells() {
        XCTAssertEqual(KeyValueCell.parse("a=1; b = 2 ;;"), ["a": "1", "b": "2"])
        XCTAssertEqual(KeyValueCell.parse("a="), ["a": ""])
        XCTAssertEqual(KeyValueCell.parse(#"k\\=v"#), [#"k\"#: "v"])
        for bad in ["a", "=1", "a=1;a=2", "a=1;b", #"a=1\"#] { XCTAssertNil(KeyValueCell.parse(bad), bad) }
        let mapping = try? DeptRecordCSV(header: ["attributes"])
        XCTAssertThrowsError(try mapping?.document(for: ["a=1;a=2"]))
    }
}
