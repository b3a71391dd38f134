// Random checks (§3.3.2 随机调查, RULES.md "Monitoring methods"): each period a reproducible
// sample of monitored households, stratified by county (first 6 digits of the region code) and
// category, at a rate (default 5%), at least one per non-empty stratum. Each household gets a
// score from a SplitMix64 stream seeded by FNV-1a(period) and the seed; the lowest scores of a
// stratum are drawn. The result depends only on (period, seed, rate, set of households): not on
// input order, and adding a household to one stratum never changes another's draw.

public struct SampleCandidate: Sendable, Equatable {
    public var householdId: String
    public var regionCode: String
    public var category: Category
    public init(householdId: String, regionCode: String, category: Category) {
        self.householdId = householdId; self.regionCode = regionCode; self.category = category
    }
}

public struct SampleStratum: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// County code: the first 6 digits of the region code.
    public var county: String
    public var category: Category
    public init(county: String, category: Category) { self.county = county; self.category = category }
    public static func < (a: Self, b: Self) -> Bool { (a.county, a.category.rawValue) < (b.county, b.category.rawValue) }
    public var description: String { "\(county)/\(category.rawValue)" }
}

public enum RandomSample {
    public static let defaultRate = 0.05

    /// The drawn household ids, ordered by stratum then id.
    public static func draw(_ candidates: [SampleCandidate], period: String, seed: UInt64 = 0,
                            rate: Double = defaultRate) -> [String] {
        drawByStratum(candidates, period: period, seed: seed, rate: rate).flatMap(\.ids)
    }

    /// Every non-empty stratum with its population size and the ids drawn from it.
    public static func drawByStratum(_ candidates: [SampleCandidate], period: String, seed: UInt64 = 0,
                                     rate: Double = defaultRate) -> [(stratum: SampleStratum, population: Int, ids: [String])] {
        var stream = SplitMix64(seed: FNV1a.hash(period) ^ seed)
        let periodKey = stream.next()
        // One stratum per household even if it is listed twice: the smallest (id, stratum) wins.
        var strata: [SampleStratum: [(score: UInt64, id: String)]] = [:]
        var seen: Set<String> = []
        let unique = candidates.map { (id: $0.householdId, stratum: stratum(of: $0)) }
            .sorted { ($0.id, $0.stratum) < ($1.id, $1.stratum) }
        for c in unique where seen.insert(c.id).inserted {
            strata[c.stratum, default: []].append((SplitMix64.mix(periodKey ^ FNV1a.hash(c.id)), c.id))
        }
        let perMillion = Int64((min(1, max(0, rate)) * 1_000_000).rounded())
        return strata.keys.sorted().map { key in
            let members = strata[key]!
            let size = Int64(members.count)
            let wanted = Int(min(size, max(1, (size * perMillion + 500_000) / 1_000_000)))
            let drawn = members.sorted { ($0.score, $0.id) < ($1.score, $1.id) }.prefix(wanted).map(\.id).sorted()
            return (key, members.count, drawn)
        }
    }

    public static func stratum(of c: SampleCandidate) -> SampleStratum {
        SampleStratum(county: String(c.regionCode.prefix(6)), category: c.category)
    }

    /// `random_check` tasks for the drawn households, with ids stable per period.
    public static func tasks(_ candidates: [SampleCandidate], period: String, seed: UInt64 = 0, rate: Double = defaultRate,
                             dueBy: CivilDate) -> [WorkTask] {
        let region = Dictionary(candidates.map { ($0.householdId, $0.regionCode) }, uniquingKeysWith: min)
        return draw(candidates, period: period, seed: seed, rate: rate).map { id in
            WorkTask(taskId: "t-\(id)-random_check-\(period)", householdId: id, regionCode: region[id] ?? "",
                     kind: .randomCheck, reason: "random check \(period) (§3.3.2)", dueBy: dueBy.description)
        }
    }
}
