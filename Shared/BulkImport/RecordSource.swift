import DoudiDomain
import Foundation

/// The input formats of a bulk import.
public enum ImportFormat: String, Sendable, CaseIterable {
    /// One JSON object per line.
    case jsonl
    /// RFC 4180 CSV with a header row; quoted fields may span lines.
    case csv

    /// `.csv` and `.xlsx` (its first sheet, read as CSV) are CSV, anything else JSON Lines.
    public static func guess(path: String) -> ImportFormat {
        let lower = path.lowercased()
        return lower.hasSuffix(".csv") || lower.hasSuffix(".xlsx") ? .csv : .jsonl
    }
}

/// One row of the input, as the mapper sees it.
public struct SourceRecord: Sendable {
    public enum Content: Sendable {
        /// A JSON Lines line (not yet parsed).
        case json([UInt8])
        /// A CSV record's fields; `header` is the file's header row.
        case csv(header: [String], fields: [String])
        /// A CSV record that is not valid CSV; the reason names positions only.
        case malformed(String)
    }

    /// The 1-based line where the row starts: what the error report names.
    public let line: Int
    /// Offset just past the row: where an import resumed after it starts reading.
    public let endOffset: UInt64
    public let content: Content
}

/// Streams records from a file, from the start or from a checkpoint's offset.
struct RecordSource {
    private var reader: LineReader
    private let format: ImportFormat
    private(set) var header: [String] = []
    /// The line number of the last physical line read.
    private var line: Int

    /// - Parameters: `offset`/`line`: a checkpoint's position (0/0 for the start). CSV reads its
    ///   header from the start first.
    init(path: String, format: ImportFormat, offset: UInt64, line: Int) throws {
        self.format = format
        self.line = 0
        var headerEnd: UInt64 = 0
        if format == .csv {
            var headReader = try LineReader(path: path)
            defer { headReader.close() }
            var lines = 0
            guard let (record, end, _) = try Self.csvRecord(&headReader, line: &lines) else {
                throw ImportError.emptyInput
            }
            switch record {
            case .csv(_, let fields): header = fields
            case .malformed(let reason): throw ImportError.badHeader(reason)
            case .json: break
            }
            headerEnd = end
            self.line = lines
        }
        let start = max(offset, headerEnd)
        reader = try LineReader(path: path, from: start)
        if offset >= headerEnd && offset > 0 { self.line = line }
    }

    func close() { reader.close() }

    mutating func next() throws -> SourceRecord? {
        switch format {
        case .jsonl:
            while let (bytes, end) = try reader.next() {
                line += 1
                if bytes.isBlankLine { continue }
                return SourceRecord(line: line, endOffset: end, content: .json(Array(bytes.trimmingLineBreak)))
            }
            return nil
        case .csv:
            guard let (content, end, first) = try Self.csvRecord(&reader, line: &line) else { return nil }
            if case .csv(_, let fields) = content { return SourceRecord(line: first, endOffset: end, content: .csv(header: header, fields: fields)) }
            return SourceRecord(line: first, endOffset: end, content: content)
        }
    }

    /// The next non-blank CSV record: physical lines are joined while a quoted field is open
    /// (an odd number of quotes so far; doubled quotes inside a field keep the count even).
    private static func csvRecord(_ reader: inout LineReader, line: inout Int) throws -> (SourceRecord.Content, UInt64, Int)? {
        var raw: [UInt8] = []
        var quotes = 0
        var first = 0
        var lastEnd: UInt64 = 0
        while let (bytes, end) = try reader.next() {
            line += 1
            lastEnd = end
            if raw.isEmpty && bytes.isBlankLine { continue }
            if raw.isEmpty { first = line }
            raw.append(contentsOf: bytes)
            quotes += bytes.reduce(0) { $0 + ($1 == 0x22 ? 1 : 0) }
            guard quotes % 2 == 0 else { continue }
            return (parse(raw), end, first)
        }
        return raw.isEmpty ? nil : (parse(raw), lastEnd, first)
    }

    private static func parse(_ raw: [UInt8]) -> SourceRecord.Content {
        let text = String(decoding: ArraySlice(raw).trimmingLineBreak, as: UTF8.self)
        do { return .csv(header: [], fields: try CSV.fields(ofLine: text)) }
        catch { return .malformed(error.reason) }
    }
}

public enum ImportError: Error, CustomStringConvertible, Sendable {
    case emptyInput
    case badHeader(String)
    case checkpointMismatch(String)
    case alreadyComplete(String)

    public var description: String {
        switch self {
        case .emptyInput: "the input has no header row"
        case .badHeader(let reason): "the header row is not valid CSV: \(reason)"
        case .checkpointMismatch(let why): "the checkpoint does not match the input (\(why)); use --restart to import from the start"
        case .alreadyComplete(let path): "\(path) was imported completely already; use --restart to import it again"
        }
    }
}
