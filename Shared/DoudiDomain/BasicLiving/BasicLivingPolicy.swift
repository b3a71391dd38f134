// The rules of the county's basic-living work (§4 preamble, §4.1.1 – §4.1.4): who reviews and
// confirms (审核确认: the county, or the township where the power is delegated, 实行权限下放的地方),
// whether the facts of a referral that fully establish eligibility are confirmed without a human,
// how a dibao amount is computed (per person or per household, with a minimum), and the tekun
// support (basic living standard plus a care subsidy by care level). Per region by division-code
// prefix (`RegionalRules`), from `DOUDI_BASIC_LIVING_RULES_FILE`; the dibao standard itself is the
// classifier's local standard (`LocalStandards`), so both read the same line.

/// Which office confirms (审核确认). `county`: the township's preliminary review (初审) is followed by
/// the county's confirmation; `township`: the region delegated the power, and the township's review confirms.
public enum ConfirmingOffice: String, Codable, Sendable, CaseIterable { case county, township }

/// `when_established`: a referral whose facts fully establish eligibility (or, for an exit, its
/// end) is reviewed and confirmed at its own event time, recorded as by the rules; `manual`: every
/// case waits for the operators.
public enum AutoReview: String, Codable, Sendable, CaseIterable {
    case manual
    case whenEstablished = "when_established"
}

/// `per_household`: (standard − per-capita income) × members, at least the minimum for the
/// household; `per_person`: each member gets (standard − per-capita income), at least the minimum each.
public enum AmountBasis: String, Codable, Sendable, CaseIterable {
    case perHousehold = "per_household"
    case perPerson = "per_person"
}

/// Tekun care levels (特困人员生活自理能力: 全护理, 半护理, 全自理).
public enum CareLevel: String, Codable, Sendable, CaseIterable, Comparable {
    case full, partial, none
    public static func < (a: CareLevel, b: CareLevel) -> Bool { a.rank < b.rank }
    private var rank: Int { self == .none ? 0 : self == .partial ? 1 : 2 }
}

public struct BasicLivingPolicy: DefaultedRules {
    /// Named in every decision beside the standards version. Default "2021-default".
    public var version: String
    public var confirmedBy: ConfirmingOffice
    /// Default `when_established` (the suite closes its loops without a human); a region that
    /// wants every case reviewed by people sets `manual`.
    public var autoReview: AutoReview
    /// Exits (`no_longer_eligible`) confirmed at the referral's time when `autoReview` allows it.
    /// Default true; false makes every exit wait for the township's verification and the county.
    public var autoExit: Bool
    public var amountBasis: AmountBasis
    /// The smallest monthly amount paid (保底), in fen, per household or per person as `amountBasis`
    /// says. Default 3,000 (30 yuan).
    public var minimumMonthlyFen: Int64
    /// Tekun basic living standard as a multiple of the dibao standard, in permille (the national
    /// floor is 1.3 times). Default 1,300.
    public var tekunBasicPermille: Int64
    /// Monthly care subsidy by care level, in fen. Defaults full 60,000, partial 30,000, none 0.
    public var careSubsidyFen: [String: Int64]
    /// Care level by disability grade ("1" … "4"); a grade not listed (or none) is `none`, a
    /// serious illness at least `seriousIllnessCare`. Defaults 1, 2 full; 3, 4 partial.
    public var careLevelByDisabilityGrade: [String: CareLevel]
    public var seriousIllnessCare: CareLevel

    public init() {
        version = "2021-default"
        confirmedBy = .county
        autoReview = .whenEstablished
        autoExit = true
        amountBasis = .perHousehold
        minimumMonthlyFen = 3_000
        tekunBasicPermille = 1_300
        careSubsidyFen = ["full": 60_000, "partial": 30_000, "none": 0]
        careLevelByDisabilityGrade = ["1": .full, "2": .full, "3": .partial, "4": .partial]
        seriousIllnessCare = .partial
    }

    private enum CodingKeys: String, CodingKey {
        case version, confirmedBy, autoReview, autoExit, amountBasis, minimumMonthlyFen, tekunBasicPermille
        case careSubsidyFen, careLevelByDisabilityGrade, seriousIllnessCare
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        version = try c.value(.version, or: d.version)
        confirmedBy = try c.value(.confirmedBy, or: d.confirmedBy)
        autoReview = try c.value(.autoReview, or: d.autoReview)
        autoExit = try c.value(.autoExit, or: d.autoExit)
        amountBasis = try c.value(.amountBasis, or: d.amountBasis)
        minimumMonthlyFen = try c.value(.minimumMonthlyFen, or: d.minimumMonthlyFen)
        tekunBasicPermille = try c.value(.tekunBasicPermille, or: d.tekunBasicPermille)
        careSubsidyFen = try c.value(.careSubsidyFen, or: d.careSubsidyFen)
        careLevelByDisabilityGrade = try c.value(.careLevelByDisabilityGrade, or: d.careLevelByDisabilityGrade)
        seriousIllnessCare = try c.value(.seriousIllnessCare, or: d.seriousIllnessCare)
    }

    /// What is wrong with the values (decoding already checked names and types), each naming its
    /// field under `path` (e.g. `regions.140105 (…).minimumMonthlyFen`).
    public func problems(at path: String) -> [String] {
        var out: [String] = []
        if version.isEmpty { out.append("\(path)version: must not be empty") }
        if minimumMonthlyFen < 0 { out.append("\(path)minimumMonthlyFen: must not be negative (fen)") }
        if !(1_000...5_000).contains(tekunBasicPermille) {
            out.append("\(path)tekunBasicPermille: \(tekunBasicPermille) is outside 1000–5000 (the national floor is 1300, 1.3 times the dibao standard)")
        }
        for key in careSubsidyFen.keys.sorted() where CareLevel(rawValue: key) == nil {
            out.append("\(path)careSubsidyFen.\(key): not a care level (full, partial, none)")
        }
        for (key, fen) in careSubsidyFen.sorted(by: { $0.key < $1.key }) where fen < 0 {
            out.append("\(path)careSubsidyFen.\(key): must not be negative (fen)")
        }
        for key in careLevelByDisabilityGrade.keys.sorted() where !["1", "2", "3", "4"].contains(key) {
            out.append("\(path)careLevelByDisabilityGrade.\(key): not a disability grade (1–4)")
        }
        return out
    }

    /// The care level of a tekun person from the referral's `health` and `disabilityGrade` facts.
    public func careLevel(health: String?, disabilityGrade: String?) -> CareLevel {
        let byGrade = disabilityGrade.flatMap { careLevelByDisabilityGrade[$0] } ?? CareLevel.none
        let byIllness = health == Health.seriousIllness.rawValue ? seriousIllnessCare : CareLevel.none
        return max(byGrade, byIllness)
    }

    public func careSubsidy(_ level: CareLevel) -> Int64 { careSubsidyFen[level.rawValue] ?? 0 }
}

extension RegionalRules where Rules == BasicLivingPolicy {
    /// Every value problem of the file, the default first, then each region by prefix.
    public func problems(label: (String) -> String) -> [String] {
        defaults.problems(at: "default.") + regions.entries.sorted { $0.key < $1.key }
            .flatMap { $0.value.problems(at: "regions.\($0.key) (\(label($0.key))).") }
    }
}
