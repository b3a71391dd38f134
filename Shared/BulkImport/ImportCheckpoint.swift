import Foundation

/// `FILE.doudi-import.checkpoint`: where the last acknowledged batch ended. Written (atomically)
/// only after the broker acknowledged every event of the batch, so a resumed import never skips
/// a row; at most the one batch in flight at a crash is sent again, with the same event ids.
public struct ImportCheckpoint: Codable, Sendable, Equatable {
    /// Offset just past the last row of the acknowledged batch.
    public var offset: UInt64
    /// Its line number.
    public var line: Int
    public var rows: Int
    public var produced: Int
    public var invalid: Int
    /// Size of the error report at that point: a resumed import truncates it there, so no
    /// row is reported twice.
    public var reportBytes: UInt64
    /// The input's size and format when the import started: a changed file is not resumed.
    public var inputBytes: UInt64
    public var format: String
    public var complete: Bool

    public static func path(for input: String) -> String { input + ".doudi-import.checkpoint" }

    public static func load(for input: String) throws -> ImportCheckpoint? {
        let path = path(for: input)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try JSONDecoder().decode(ImportCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func save(for input: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: Self.path(for: input)), options: .atomic)
    }
}
