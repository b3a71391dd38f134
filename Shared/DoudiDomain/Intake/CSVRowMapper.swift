// Turns a CSV row into the JSON object a validator reads. Cells are converted only as far as
// their column's type says; anything unconvertible is passed on as a string so the validator
// reports it with its usual path and code. An empty cell is an absent field.

public enum CSVHeaderError: Error, Sendable, Equatable {
    case duplicateColumn(String)

    public var reason: String {
        switch self { case .duplicateColumn(let name): "column \(name) appears twice in the header" }
    }
}

public enum CSVRowError: Error, Sendable, Equatable {
    case fieldCount(expected: Int, actual: Int)
    /// A JSON column (e.g. `members`) is not JSON; the reason names offsets only.
    case invalidJSON(column: String, reason: String)
    /// A `k=v;k=v` column with an empty key, a pair without `=`, or a key given twice.
    case invalidKeyValues(column: String)

    public var reason: String {
        switch self {
        case .fieldCount(let expected, let actual): "row has \(actual) fields, the header \(expected)"
        case .invalidJSON(let column, let reason): "column \(column): \(reason)"
        case .invalidKeyValues(let column): "column \(column): not a list of key=value pairs"
        }
    }
}

/// How a column's cell becomes a JSON value.
enum CSVCellKind: Sendable {
    case text
    /// A JSON number when the cell is one (`1200`, `-1`, `12.5`), else the text.
    case number
    /// `true/false`, `1/0`, `yes/no`, `y/n`, `是/否`, else the text.
    case boolean
    /// Codes separated by `;` (or `；`): an array of strings.
    case list
    /// A JSON value written into the cell (arrays of members, houses…).
    case json
    /// `k=v;k=v` into an object of strings; `\;`, `\=` and `\\` escape.
    case keyValues
}

public struct CSVColumn: Sendable {
    let name: String
    /// Where the value goes: `["applicant", "name"]`.
    let path: [String]
    let kind: CSVCellKind

    init(_ name: String, _ path: String, _ kind: CSVCellKind = .text) {
        self.name = name; self.path = path.split(separator: ".").map(String.init); self.kind = kind
    }
}

public struct CSVRowMapper: Sendable {
    /// The known column at each header position; nil for ignored ones.
    let columns: [CSVColumn?]
    let ignoredColumns: [String]
    let limits: JSONLimits
    /// Top-level objects every row gets (possibly empty) because the header has columns inside them.
    let blocks: [String]

    /// Header names are matched case-insensitively after trimming; unknown ones are ignored,
    /// like unknown JSON fields.
    init(header: [String], known: [CSVColumn], limits: JSONLimits, blocks: [String] = []) throws(CSVHeaderError) {
        var seen: Set<String> = []
        var columns: [CSVColumn?] = []
        var ignored: [String] = []
        for raw in header {
            let name = TextNormalization.identifier(raw)
            guard seen.insert(name.lowercased()).inserted else { throw .duplicateColumn(name) }
            let column = known.first { $0.name.lowercased() == name.lowercased() }
            if column == nil { ignored.append(name) }
            columns.append(column)
        }
        self.columns = columns; self.ignoredColumns = ignored; self.limits = limits
        self.blocks = blocks.filter { block in columns.contains { $0?.path.first == block && ($0?.path.count ?? 0) > 1 } }
    }

    func document(for row: [String]) throws(CSVRowError) -> JSONValue {
        // A row that does not line up with the header would put values into the wrong fields.
        guard row.count == columns.count else { throw .fieldCount(expected: columns.count, actual: row.count) }
        var root: [String: JSONValue] = [:]
        for block in blocks { root[block] = .object([:]) }
        for (column, cell) in zip(columns, row) {
            guard let column, let value = try Self.value(of: cell, column, limits: limits) else { continue }
            Self.insert(value, at: column.path[...], into: &root)
        }
        return .object(root)
    }

    private static func insert(_ value: JSONValue, at path: ArraySlice<String>, into object: inout [String: JSONValue]) {
        guard let key = path.first else { return }
        if path.count == 1 { object[key] = value; return }
        var child = object[key]?.objectValue ?? [:]
        insert(value, at: path.dropFirst(), into: &child)
        object[key] = .object(child)
    }

    private static func value(of cell: String, _ column: CSVColumn, limits: JSONLimits) throws(CSVRowError) -> JSONValue? {
        let trimmed = TextNormalization.identifier(cell)
        guard !trimmed.isEmpty else { return nil }
        switch column.kind {
        case .text:
            return .string(cell)
        case .number:
            if case .number(let n)? = try? JSONParser.parse(Array(trimmed.utf8), limits: limits) { return .number(n) }
            return .string(cell)
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "1", "yes", "y", "是": return .bool(true)
            case "false", "0", "no", "n", "否": return .bool(false)
            default: return .string(cell)
            }
        case .list:
            let items = trimmed.split(whereSeparator: { $0 == ";" || $0 == "；" })
                .map { TextNormalization.identifier(String($0)) }.filter { !$0.isEmpty }
            return .array(items.map(JSONValue.string))
        case .json:
            do { return try JSONParser.parse(Array(trimmed.utf8), limits: limits) } catch {
                throw .invalidJSON(column: column.name, reason: error.reason)
            }
        case .keyValues:
            guard let pairs = KeyValueCell.parse(trimmed) else { throw .invalidKeyValues(column: column.name) }
            return .object(pairs.mapValues(JSONValue.string))
        }
    }
}
