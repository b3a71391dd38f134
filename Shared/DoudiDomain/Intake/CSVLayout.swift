// What every CSV import layout shares: a fixed set of known columns mapped onto a JSON document.

/// A CSV layout: its known columns, and a mapper built from a file's header row.
public protocol CSVLayout: Sendable {
    static var knownColumns: [CSVColumn] { get }
    /// Objects a row always has when the header has any column inside them (an empty cell is an
    /// absent amount, but the block itself was declared): e.g. `income`.
    static var declaredBlocks: [String] { get }
    var mapper: CSVRowMapper { get }
    init(mapper: CSVRowMapper)
}

extension CSVLayout {
    public static var declaredBlocks: [String] { [] }

    /// Reads the header row (columns matched case-insensitively, unknown ones ignored).
    public init(header: [String], limits: JSONLimits = .standard) throws(CSVHeaderError) {
        self.init(mapper: try CSVRowMapper(header: header, known: Self.knownColumns, limits: limits, blocks: Self.declaredBlocks))
    }

    /// Every column this layout knows, in the documented order (a template header).
    public static var columns: [String] { knownColumns.map(\.name) }

    /// Header columns this layout does not know; they are ignored.
    public var ignoredColumns: [String] { mapper.ignoredColumns }

    /// The row as a JSON document, for the validator's `validate(document:…)`.
    public func document(for row: [String]) throws(CSVRowError) -> JSONValue { try mapper.document(for: row) }

    /// The same serialised: the value of the event the row becomes.
    public func payload(for row: [String]) throws(CSVRowError) -> [UInt8] { try document(for: row).serializedBytes }
}
