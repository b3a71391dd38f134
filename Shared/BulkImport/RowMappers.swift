import DoudiDomain
import Envelope
import Foundation

/// A row as a JSON object, whatever the file's format; or why it is none.
struct RowDocument {
    /// Parses a JSON Lines row or maps a CSV row with `csv` (built once from the header).
    static func fields<M>(of record: SourceRecord, csv: inout LazyCSV<M>) -> Result<[String: JSONValue], RowIssue> {
        let document: JSONValue
        switch record.content {
        case .json(let bytes):
            do { document = try JSONParser.parse(bytes) } catch {
                return .failure(RowIssue(field: "", code: "invalid_json", message: "not JSON: \(error.reason)"))
            }
        case .csv(let header, let fields):
            switch csv.document(header: header, row: fields) {
            case .success(let d): document = d
            case .failure(let issue): return .failure(issue)
            }
        case .malformed(let reason):
            return .failure(RowIssue(field: "", code: "invalid_csv", message: reason))
        }
        guard case .object(let fields) = document else {
            return .failure(RowIssue(field: "", code: "not_an_object", message: "the row is not a JSON object"))
        }
        if let field = garbledField(fields) {
            return .failure(RowIssue(field: field, code: "garbled_text",
                                     message: "\(field) holds garbled text (replacement or control characters, or GBK read as Latin-1): "
                                        + "the file's encoding was misread upstream; export it again as UTF-8 or GB18030"))
        }
        return .success(fields)
    }

    /// The path of the first string value that is garbled text (`members[0].name`), if any.
    static func garbledField(_ fields: [String: JSONValue], prefix: String = "") -> String? {
        for key in fields.keys.sorted() {
            if let path = garbled(fields[key]!, path: prefix.isEmpty ? key : "\(prefix).\(key)") { return path }
        }
        return nil
    }

    private static func garbled(_ value: JSONValue, path: String) -> String? {
        switch value {
        case .string(let s): return GarbledText.isGarbled(s) ? path : nil
        case .array(let items):
            for (i, item) in items.enumerated() { if let p = garbled(item, path: "\(path)[\(i)]") { return p } }
            return nil
        case .object(let o): return garbledField(o, prefix: path)
        default: return nil
        }
    }

    /// The default id of a row: `<prefix>-<file name>-<line>`, the same on every run.
    static func defaultId(prefix: String, path: String, line: Int) -> String {
        let name = (path as NSString).lastPathComponent.unicodeScalars.map {
            CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) ? String($0) : "_"
        }.joined()
        return "\(prefix)-\(name.prefix(80))-\(line)"
    }
}

/// A CSV mapping (`SubmissionCSV`, `DeptRecordCSV`) built from the header on the first row.
struct LazyCSV<Mapping> {
    let make: ([String]) throws(CSVHeaderError) -> Mapping
    let map: (Mapping, [String]) throws(CSVRowError) -> JSONValue
    private var built: Result<Mapping, RowIssue>?

    init(make: @escaping ([String]) throws(CSVHeaderError) -> Mapping,
         map: @escaping (Mapping, [String]) throws(CSVRowError) -> JSONValue) {
        self.make = make; self.map = map
    }

    mutating func document(header: [String], row: [String]) -> Result<JSONValue, RowIssue> {
        if built == nil {
            let make = make
            built = Result { () throws(CSVHeaderError) in try make(header) }
                .mapError { RowIssue(field: "", code: "invalid_header", message: $0.reason) }
        }
        let map = map
        return built!.flatMap { mapping in
            Result { () throws(CSVRowError) in try map(mapping, row) }
                .mapError { RowIssue(field: "", code: "invalid_row", message: $0.reason) }
        }
    }
}

/// Historical registers and data-comparison lists to `intake.submission.v1` on
/// `intake.submissions`. Rows are validated here too, so the error report names every field
/// error with its line; only valid rows are sent (intake validates them again).
public struct SubmissionRowMapper: RowMapper {
    let channel: Channel
    let path: String
    let asOf: CivilDate
    let keyer: PersonKeyer
    let validator = SubmissionValidator()
    private var csv = LazyCSV<SubmissionCSV>(make: { (h) throws(CSVHeaderError) in try SubmissionCSV(header: h) },
                                             map: { (m, row) throws(CSVRowError) in try m.document(for: row) })

    public init(channel: Channel, path: String, asOf: CivilDate, keyer: PersonKeyer) {
        self.channel = channel; self.path = path; self.asOf = asOf; self.keyer = keyer
    }

    public mutating func map(_ record: SourceRecord) -> RowOutcome {
        let defaultId = RowDocument.defaultId(prefix: channel.rawValue, path: path, line: record.line)
        var fields: [String: JSONValue]
        switch RowDocument.fields(of: record, csv: &csv) {
        case .success(let f): fields = f
        case .failure(let issue): return .invalid(id: defaultId, [issue])
        }
        if fields["submissionId"] == nil { fields["submissionId"] = .string(defaultId) }
        if let given = fields["channel"], given != .string(channel.rawValue) {
            return .invalid(id: fields["submissionId"]?.stringValue ?? defaultId, [RowIssue(
                field: "channel", code: "channel_mismatch", message: "the row's channel differs from the import's --channel")])
        }
        fields["channel"] = .string(channel.rawValue)
        let document = JSONValue.object(fields)
        switch validator.validate(document: document, asOf: asOf, fallbackSubmissionId: defaultId, personKey: keyer.key(for:)) {
        case .accepted(let s):
            return .event(CloudEvent(id: EventID.derived(EventType.intakeSubmission.rawValue, s.submissionId), source: "/doudi/import",
                                     type: EventType.intakeSubmission.rawValue, time: Timestamp.rfc3339(), subject: nil,
                                     key: s.applicant.personKey, data: document.serializedBytes))
        case .rejected(let r):
            return .invalid(id: r.submissionId, r.errors.map(RowIssue.init))
        case .undecodable(let reason):
            return .invalid(id: defaultId, [RowIssue(field: "", code: "undecodable", message: reason)])
        }
    }

}

/// Department feeds to `dept.record.v1` on `dept.records` (`doudi import --dept`). Rows are
/// validated as the matcher will; invalid ones go to the error report only.
public struct DeptRecordRowMapper: RowMapper {
    let path: String
    let asOf: CivilDate
    let keyer: PersonKeyer
    let validator = DeptRecordValidator()
    private var csv = LazyCSV<DeptRecordCSV>(make: { (h) throws(CSVHeaderError) in try DeptRecordCSV(header: h) },
                                             map: { (m, row) throws(CSVRowError) in try m.document(for: row) })

    public init(path: String, asOf: CivilDate, keyer: PersonKeyer) {
        self.path = path; self.asOf = asOf; self.keyer = keyer
    }

    public mutating func map(_ record: SourceRecord) -> RowOutcome {
        let defaultId = RowDocument.defaultId(prefix: "dept", path: path, line: record.line)
        var fields: [String: JSONValue]
        switch RowDocument.fields(of: record, csv: &csv) {
        case .success(let f): fields = f
        case .failure(let issue): return .invalid(id: defaultId, [issue])
        }
        if fields["recordId"] == nil { fields["recordId"] = .string(defaultId) }
        let document = JSONValue.object(fields)
        switch validator.validate(document: document, asOf: asOf, personKey: keyer.key(for:)) {
        case .accepted(let accepted):
            return .event(CloudEvent(id: EventID.derived(EventType.deptRecord.rawValue, accepted.record.recordId), source: "/doudi/import",
                                     type: EventType.deptRecord.rawValue, time: Timestamp.rfc3339(), subject: nil,
                                     key: accepted.personKey, data: document.serializedBytes))
        case .rejected(let id, let errors):
            return .invalid(id: id ?? defaultId, errors.map(RowIssue.init))
        case .undecodable(let reason):
            return .invalid(id: defaultId, [RowIssue(field: "", code: "undecodable", message: reason)])
        }
    }

}
