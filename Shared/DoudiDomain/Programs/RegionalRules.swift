// Configuration shared by the programmes and the relief standards: built-in defaults, refined
// per region by division-code prefix (longest wins), decodable from a JSON file such as
//   { "default": { "annualCapFen": 6000000 }, "regions": { "1401": { "annualCapFen": 8000000 } } }
// Every field may be omitted; an omitted field keeps its built-in default, so a regional entry
// only lists what differs.

/// A rules struct whose `init()` gives the documented defaults.
public protocol DefaultedRules: Codable, Sendable, Equatable { init() }

public struct RegionalRules<Rules: DefaultedRules>: Codable, Sendable, Equatable {
    public var defaults: Rules
    public var regions: RegionTable<Rules>

    public init(defaults: Rules = Rules(), regions: [String: Rules] = [:]) {
        self.defaults = defaults; self.regions = RegionTable(regions)
    }

    /// The rules of the longest matching prefix, else the defaults.
    public func rules(for regionCode: String) -> Rules { regions.lookup(regionCode) ?? defaults }

    private enum CodingKeys: String, CodingKey { case defaults = "default", regions }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        defaults = try c.value(.defaults, or: Rules())
        regions = try c.value(.regions, or: RegionTable([:]))
    }
}

extension KeyedDecodingContainer {
    /// The decoded value when the key is present, else `fallback` (lenient rules files).
    func value<T: Decodable>(_ key: Key, or fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }
}
