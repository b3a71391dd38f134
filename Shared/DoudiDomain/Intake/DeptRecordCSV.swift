// Department feeds delivered as CSV files, to `dept.record.v1`.

/// Maps a header row and data rows to the JSON object `DeptRecordValidator` takes.
///
/// Columns (case-insensitive, any order, unknown ignored, empty cell = absent): `recordId`,
/// `department`, `kind`, `idNumber`, `name`, `regionCode`, `occurredOn`, `amountFen` (number),
/// `attributes` as `key=value;key=value` (a backslash escapes `;`, `=` and itself).
public struct DeptRecordCSV: Sendable {
    static let knownColumns: [CSVColumn] = [
        CSVColumn("recordId", "recordId"),
        CSVColumn("department", "department"),
        CSVColumn("kind", "kind"),
        CSVColumn("idNumber", "idNumber"),
        CSVColumn("name", "name"),
        CSVColumn("regionCode", "regionCode"),
        CSVColumn("occurredOn", "occurredOn"),
        CSVColumn("amountFen", "amountFen", .number),
        CSVColumn("attributes", "attributes", .keyValues),
    ]

    public static var columns: [String] { knownColumns.map(\.name) }

    private let mapper: CSVRowMapper

    public var ignoredColumns: [String] { mapper.ignoredColumns }

    public init(header: [String], limits: JSONLimits = .standard) throws(CSVHeaderError) {
        mapper = try CSVRowMapper(header: header, known: Self.knownColumns, limits: limits)
    }

    public func document(for row: [String]) throws(CSVRowError) -> JSONValue { try mapper.document(for: row) }

    /// The value of a `dept.record.v1` event.
    public func payload(for row: [String]) throws(CSVRowError) -> [UInt8] { try document(for: row).serializedBytes }
}
