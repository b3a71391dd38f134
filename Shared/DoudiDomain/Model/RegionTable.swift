// Per-region values keyed by division-code prefix (RULES.md: "the longest prefix wins"), so a
// province-wide value ("14") can be refined for a county ("140105") or a township.

public struct RegionTable<Value> {
    public let entries: [String: Value]
    /// Prefixes from longest to shortest, so the first match is the most specific.
    private let prefixes: [String]

    public init(_ entries: [String: Value]) {
        self.entries = entries
        self.prefixes = entries.keys.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// The value of the longest prefix of `regionCode`, or nil when none matches.
    public func lookup(_ regionCode: String) -> Value? {
        for prefix in prefixes where regionCode.hasPrefix(prefix) { return entries[prefix] }
        return nil
    }

    public var isEmpty: Bool { entries.isEmpty }
}

extension RegionTable: Sendable where Value: Sendable {}
extension RegionTable: Equatable where Value: Equatable {
    public static func == (a: Self, b: Self) -> Bool { a.entries == b.entries }
}

/// Encoded as a plain JSON object `{ "<prefix>": value }`.
extension RegionTable: Codable where Value: Codable {
    public init(from decoder: Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: Value].self))
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(entries)
    }
}
