import DoudiDomain
import Foundation

/// One problem with one row, for the error report. Never a value of the row: messages state
/// rules, `field` is a path, `id` is the row's submission/record id (not personal data).
public struct RowIssue: Codable, Sendable, Equatable, Error {
    public var field: String
    public var code: String
    public var message: String

    public init(field: String, code: String, message: String) { self.field = field; self.code = code; self.message = message }
    public init(_ e: FieldError) { self.init(field: e.field, code: e.code, message: e.messageEn) }
}

/// `FILE.doudi-import.errors.jsonl`: one JSON object per rejected row,
/// `{"line":12,"id":"historical-x-12","errors":[{"field","code","message"}]}`.
final class ImportReport {
    struct Entry: Codable { var line: Int; var id: String?; var errors: [RowIssue] }

    let path: String
    private let handle: FileHandle
    private let encoder: JSONEncoder = { let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]; return e }()

    static func path(for input: String) -> String { input + ".doudi-import.errors.jsonl" }

    /// Opens the report, truncated to `keepingBytes` (0 for a fresh import).
    init(input: String, keepingBytes: UInt64) throws {
        path = Self.path(for: input)
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: keepingBytes)
        try handle.seekToEnd()
    }

    func append(_ entries: [Entry]) throws -> UInt64 {
        var data = Data()
        for e in entries { data.append(try encoder.encode(e)); data.append(0x0A) }
        if !data.isEmpty { try handle.write(contentsOf: data) }
        try handle.synchronize()
        return try handle.offset()
    }

    func close() { try? handle.close() }
}
