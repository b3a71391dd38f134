// RFC 4180 CSV: fields separated by commas, records by CRLF (LF and CR alone are accepted),
// quoted fields may hold commas, line breaks and doubled quotes. Strict about stray quotes:
// a half-quoted field is a broken export, and guessing would shift every column after it.

public enum CSVError: Error, Sendable, Equatable {
    /// A quoted field runs to the end of the input. `line` is where the record starts (1-based).
    case unterminatedQuote(line: Int)
    /// A quote inside an unquoted field (`ab"c`).
    case quoteInUnquotedField(line: Int, field: Int)
    /// Something other than a comma or line break after a closing quote (`"ab"c`).
    case textAfterClosingQuote(line: Int, field: Int)

    public var reason: String {
        switch self {
        case .unterminatedQuote(let line): "unterminated quoted field in the record starting on line \(line)"
        case .quoteInUnquotedField(let line, let field): "quote inside unquoted field \(field) on line \(line)"
        case .textAfterClosingQuote(let line, let field): "text after the closing quote of field \(field) on line \(line)"
        }
    }
}

public enum CSV {
    /// Every record of a document; a leading byte-order mark and empty lines are skipped.
    public static func records(_ text: String) throws(CSVError) -> [[String]] {
        var scanner = CSVScanner(bytes: Array(text.utf8))
        var records: [[String]] = []
        while let record = try scanner.nextRecord() {
            if record != [""] { records.append(record) }
        }
        return records
    }

    /// The fields of one record; line breaks may appear only inside quotes.
    public static func fields(ofLine line: String) throws(CSVError) -> [String] {
        try records(line).first ?? [""]
    }

    /// Quotes a field when it needs it (comma, quote, line break, surrounding blanks).
    public static func escape(_ field: String) -> String {
        let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || field.first == " " || field.last == " "
        guard needsQuotes else { return field }
        return "\"" + field.replacingQuotes() + "\""
    }

    public static func line(_ fields: [String]) -> String { fields.map(escape).joined(separator: ",") }
}

private extension String {
    func replacingQuotes() -> String {
        var out = ""
        for ch in self { out.append(ch); if ch == "\"" { out.append("\"") } }
        return out
    }
}

struct CSVScanner {
    let bytes: [UInt8]
    var offset = 0
    var line = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    private static func endsField(_ b: UInt8) -> Bool { b == comma || b == cr || b == lf }

    /// nil at the end of the input.
    mutating func nextRecord() throws(CSVError) -> [String]? {
        guard offset < bytes.count else { return nil }
        let startLine = line
        var fields: [String] = []
        while true {
            let field = fields.count + 1
            let value = offset < bytes.count && bytes[offset] == Self.quote
                ? try quotedField(startLine: startLine, field: field)
                : try plainField(field: field)
            fields.append(value)
            guard offset < bytes.count else { return fields }
            if bytes[offset] == Self.comma { offset += 1; continue }
            consumeLineBreak()
            return fields
        }
    }

    private mutating func plainField(field: Int) throws(CSVError) -> String {
        let start = offset
        while offset < bytes.count, !Self.endsField(bytes[offset]) {
            if bytes[offset] == Self.quote { throw .quoteInUnquotedField(line: line, field: field) }
            offset += 1
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    private mutating func quotedField(startLine: Int, field: Int) throws(CSVError) -> String {
        offset += 1
        var value: [UInt8] = []
        while offset < bytes.count {
            let b = bytes[offset]
            offset += 1
            if b == Self.quote {
                if offset < bytes.count, bytes[offset] == Self.quote { value.append(b); offset += 1; continue }
                guard offset >= bytes.count || Self.endsField(bytes[offset]) else {
                    throw .textAfterClosingQuote(line: line, field: field)
                }
                return String(decoding: value, as: UTF8.self)
            }
            if b == Self.lf || (b == Self.cr && (offset >= bytes.count || bytes[offset] != Self.lf)) { line += 1 }
            value.append(b)
        }
        throw .unterminatedQuote(line: startLine)
    }

    private mutating func consumeLineBreak() {
        if bytes[offset] == Self.cr { offset += 1 }
        if offset < bytes.count, bytes[offset] == Self.lf { offset += 1 }
        line += 1
    }
}
