// Department feeds delivered as CSV files, to `dept.record.v1`.

/// Maps a header row and data rows to the JSON object `DeptRecordValidator` takes.
///
/// Columns (case-insensitive, any order, unknown ignored, empty cell = absent): `recordId`,
/// `department`, `kind`, `idNumber`, `name`, `regionCode`, `occurredOn`, `amountFen` (number),
/// `attributes` as `key=value;key=value` (a backslash escapes `;`, `=` and itself).
public struct DeptRecordCSV: CSVLayout {
    public static let knownColumns: [CSVColumn] = [
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

    public let mapper: CSVRowMapper
    public init(mapper: CSVRowMapper) { self.mapper = mapper }
}
