// Per-region standards (RULES.md "Income and assets"): the numbers the guideline leaves to local
// government, keyed by division-code prefix ("" is the default, the longest prefix wins). Every
// value is an integer (fen, months, permille) so that comparisons at a threshold are exact.

/// The complete standards of one region, after inheritance. Defaults are RULES.md's.
public struct RegionStandards: Sendable, Equatable {
    /// 低保标准, fen per person per month (§4.1.1).
    public var dibaoUrbanFen: Int64 = 80_000
    public var dibaoRuralFen: Int64 = 60_000
    /// 低保边缘 line = multiplier × dibao standard, in permille: 1.5 by default, at most 2.0 (§2.1.3).
    public var edgeMultiplierPermille: Int64 = 1_500
    /// Financial assets may be at most this many months of the dibao standard per person.
    public var financialAssetMonths: Int64 = 24
    /// Vehicle kinds that do not count against eligibility.
    public var exemptVehicleKinds: [String] = Vehicle.exemptKinds.sorted()
    /// Houses an urban household may own and still qualify.
    public var maxUrbanHouses: Int = 1
    /// A fall of per-capita income by at least this share (permille) against the last profile is sharp (§2.1.4).
    public var sharpDropPermille: Int64 = 500
    /// Out-of-pocket medical spending above this share (permille) of annual income is a burden (§4.2.1).
    public var medicalBurdenPermille: Int64 = 100
    /// Whether grade-3 intellectual or mental disability also qualifies for single-person dibao (§4.1.2).
    public var singlePersonGrade3IntellectualMental = false
    /// 救助渐退期 for former registered poor single-person dibao cases (§4.1.4).
    public var gradualExitMonths = 6
    /// Warning deadlines in days by level (red, orange, yellow).
    public var redDeadlineDays = 3
    public var orangeDeadlineDays = 7
    public var yellowDeadlineDays = 15
    /// Urban housing standard: living area per person below this is a housing hardship (§4.2.3).
    public var housingAreaPerPersonM2: Int64 = 15
    /// Whether the region pays a heating subsidy to low-income households (§4.2.6).
    public var heatingSubsidy = false
    /// Whether the region extends the disability living subsidy and rehabilitation to low-income
    /// households beyond dibao and tekun (§4.2.6 "有条件的地方可将困难残疾人生活补贴延伸至低收入人口").
    public var disabilitySubsidy = false
    /// Edge households' asset limit in months of the dibao standard per person; nil means the dibao
    /// limit times the edge multiplier (§2.1.3 "家庭财产状况符合当地相关规定").
    public var edgeAssetMonths: Int64?
    /// Tekun persons' asset limit (特困人员财产状况规定) in months of the dibao standard per person;
    /// nil means the dibao limit.
    public var tekunAssetMonths: Int64?
    /// A sudden hardship declared on a form, or reported by a department, calls for temporary relief
    /// for this many days after it happened (§4.3).
    public var emergencyWindowDays = 90
    /// Last year's per-capita disposable income, fen per year: a supporter aged 70 or more, or
    /// severely disabled, whose own income is below it cannot support (特困人员认定办法 第十条).
    public var disposableIncomeUrbanAnnualFen: Int64 = 4_383_400
    public var disposableIncomeRuralAnnualFen: Int64 = 1_713_100

    public init() {}

    public func disposableIncomeAnnualFen(_ area: Area) -> Int64 {
        area == .urban ? disposableIncomeUrbanAnnualFen : disposableIncomeRuralAnnualFen
    }

    public func dibaoStandardFen(_ area: Area) -> Int64 { area == .urban ? dibaoUrbanFen : dibaoRuralFen }

    public func deadlineDays(_ level: WarningLevel) -> Int {
        switch level { case .red: redDeadlineDays; case .orange: orangeDeadlineDays; case .yellow: yellowDeadlineDays }
    }

    func isExempt(vehicleKind kind: String) -> Bool { exemptVehicleKinds.contains(kind) }
}

/// A partial set of standards for one prefix: absent fields inherit from shorter prefixes.
public struct RegionOverride: Sendable, Equatable {
    public var dibaoUrbanFen: Int64?
    public var dibaoRuralFen: Int64?
    public var edgeMultiplierPermille: Int64?
    public var financialAssetMonths: Int64?
    public var exemptVehicleKinds: [String]?
    public var maxUrbanHouses: Int?
    public var sharpDropPermille: Int64?
    public var medicalBurdenPermille: Int64?
    public var singlePersonGrade3IntellectualMental: Bool?
    public var gradualExitMonths: Int?
    public var redDeadlineDays: Int?
    public var orangeDeadlineDays: Int?
    public var yellowDeadlineDays: Int?
    public var housingAreaPerPersonM2: Int64?
    public var heatingSubsidy: Bool?
    public var disabilitySubsidy: Bool?
    public var edgeAssetMonths: Int64?
    public var tekunAssetMonths: Int64?
    public var emergencyWindowDays: Int?
    public var disposableIncomeUrbanAnnualFen: Int64?
    public var disposableIncomeRuralAnnualFen: Int64?

    public init() {}

    func applied(to base: RegionStandards) -> RegionStandards {
        var s = base
        if let v = dibaoUrbanFen { s.dibaoUrbanFen = v }
        if let v = dibaoRuralFen { s.dibaoRuralFen = v }
        if let v = edgeMultiplierPermille { s.edgeMultiplierPermille = v }
        if let v = financialAssetMonths { s.financialAssetMonths = v }
        if let v = exemptVehicleKinds { s.exemptVehicleKinds = v }
        if let v = maxUrbanHouses { s.maxUrbanHouses = v }
        if let v = sharpDropPermille { s.sharpDropPermille = v }
        if let v = medicalBurdenPermille { s.medicalBurdenPermille = v }
        if let v = singlePersonGrade3IntellectualMental { s.singlePersonGrade3IntellectualMental = v }
        if let v = gradualExitMonths { s.gradualExitMonths = v }
        if let v = redDeadlineDays { s.redDeadlineDays = v }
        if let v = orangeDeadlineDays { s.orangeDeadlineDays = v }
        if let v = yellowDeadlineDays { s.yellowDeadlineDays = v }
        if let v = housingAreaPerPersonM2 { s.housingAreaPerPersonM2 = v }
        if let v = heatingSubsidy { s.heatingSubsidy = v }
        if let v = disabilitySubsidy { s.disabilitySubsidy = v }
        if let v = edgeAssetMonths { s.edgeAssetMonths = v }
        if let v = tekunAssetMonths { s.tekunAssetMonths = v }
        if let v = emergencyWindowDays { s.emergencyWindowDays = v }
        if let v = disposableIncomeUrbanAnnualFen { s.disposableIncomeUrbanAnnualFen = v }
        if let v = disposableIncomeRuralAnnualFen { s.disposableIncomeRuralAnnualFen = v }
        return s
    }
}

/// The standards that apply to one household, with the prefix that supplied them (recorded in decisions).
public struct AppliedStandards: Sendable, Equatable {
    public let version: String
    /// The longest configured prefix of the region code ("" for the default).
    public let prefix: String
    public let values: RegionStandards
    /// The values as recorded in every decision (computed once per table, not per household).
    public let summary: String

    init(version: String, prefix: String, values v: RegionStandards) {
        self.version = version; self.prefix = prefix; self.values = v
        let multiplier = StandardsNumber.decimalText(permille: v.edgeMultiplierPermille)
        summary = "version=\(version) prefix=\"\(prefix)\" dibaoUrbanFen=\(v.dibaoUrbanFen) dibaoRuralFen=\(v.dibaoRuralFen) "
            + "edgeMultiplier=\(multiplier) financialAssetMonths=\(v.financialAssetMonths) "
            + "exemptVehicleKinds=\(v.exemptVehicleKinds.joined(separator: "|")) maxUrbanHouses=\(v.maxUrbanHouses) "
            + "sharpIncomeDrop=\(StandardsNumber.decimalText(permille: v.sharpDropPermille)) "
            + "medicalBurdenShare=\(StandardsNumber.decimalText(permille: v.medicalBurdenPermille)) "
            + "singlePersonGrade3IntellectualMental=\(v.singlePersonGrade3IntellectualMental) "
            + "gradualExitMonths=\(v.gradualExitMonths) deadlineDays=\(v.redDeadlineDays)/\(v.orangeDeadlineDays)/"
            + "\(v.yellowDeadlineDays) housingAreaPerPersonM2=\(v.housingAreaPerPersonM2) heatingSubsidy=\(v.heatingSubsidy) "
            + "disabilitySubsidy=\(v.disabilitySubsidy) edgeAssetMonths=\(v.edgeAssetMonths.map(String.init) ?? "dibao×multiplier") "
            + "tekunAssetMonths=\(v.tekunAssetMonths.map(String.init) ?? "dibao") emergencyWindowDays=\(v.emergencyWindowDays) "
            + "disposableIncomeFen=\(v.disposableIncomeUrbanAnnualFen)/\(v.disposableIncomeRuralAnnualFen)"
    }
}

/// Every problem found in a standards file or table, reported together.
public struct StandardsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public init(problems: [String]) { self.problems = problems }
    public var description: String { "invalid local standards:\n  - " + problems.joined(separator: "\n  - ") }
}

public struct LocalStandards: Sendable {
    public let version: String
    public let overrides: [String: RegionOverride]
    /// Fully inherited standards per configured prefix, index 0 being the default ("").
    private let applied: [AppliedStandards]
    /// Packed prefix (digits value << 4 | length) → index in `applied`; avoids string hashing per lookup.
    private let index: [UInt64: Int]
    /// Configured prefix lengths, longest first.
    private let lengths: [Int]

    /// RULES.md's defaults everywhere.
    public static let defaults = try! LocalStandards(version: "default", regions: [:])

    public static let maxPrefixLength = 12

    /// Validates every prefix and value; throws one error listing all problems.
    public init(version: String, regions: [String: RegionOverride]) throws(StandardsError) {
        var problems: [String] = []
        if version.isEmpty { problems.append("version: must not be empty") }
        for (prefix, override) in regions.sorted(by: { $0.key < $1.key }) {
            if !Self.isValidPrefix(prefix) {
                problems.append("regions[\"\(prefix)\"]: a prefix must be \"\" or 1–\(Self.maxPrefixLength) ASCII digits")
            }
            problems += StandardsValidation.problems(in: override, at: Self.path(prefix))
        }
        guard problems.isEmpty else { throw StandardsError(problems: problems) }

        self.version = version
        self.overrides = regions
        // Shorter prefixes first, so each entry inherits from its already-resolved ancestors.
        let prefixes = ([""] + regions.keys.filter { !$0.isEmpty }).sorted { ($0.count, $0) < ($1.count, $1) }
        var applied: [AppliedStandards] = []
        var index: [UInt64: Int] = [:]
        for prefix in prefixes {
            var values = RegionStandards()
            for ancestor in prefixes where prefix.hasPrefix(ancestor) && ancestor.count <= prefix.count {
                if let o = regions[ancestor] { values = o.applied(to: values) }
            }
            index[Self.packedKey(prefix)] = applied.count
            applied.append(AppliedStandards(version: version, prefix: prefix, values: values))
        }
        self.applied = applied
        self.index = index
        self.lengths = Set(prefixes.map(\.count)).filter { $0 > 0 }.sorted(by: >)
    }

    /// The standards of the longest configured prefix of `regionCode`.
    public func lookup(regionCode: String) -> AppliedStandards {
        // Read up to 12 leading digits once, then test prefixes by integer division.
        var value: UInt64 = 0
        var digits = 0
        for u in regionCode.utf8 {
            guard digits < Self.maxPrefixLength, u >= 48, u <= 57 else { break }
            value = value * 10 + UInt64(u - 48)
            digits += 1
        }
        for length in lengths where length <= digits {
            var v = value
            for _ in 0..<(digits - length) { v /= 10 }
            if let i = index[v << 4 | UInt64(length)] { return applied[i] }
        }
        return applied[0]
    }

    /// `regions["140105"] (140105 太原市小店区)`: where a problem is, named by the region directory.
    static func path(_ prefix: String) -> String {
        "regions[\"\(prefix)\"]" + (prefix.isEmpty || !isValidPrefix(prefix) ? "" : " (\(RegionNames.label(prefix)))")
    }

    static func isValidPrefix(_ prefix: String) -> Bool {
        prefix.utf8.count <= maxPrefixLength && prefix.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    private static func packedKey(_ prefix: String) -> UInt64 {
        prefix.utf8.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 48) } << 4 | UInt64(prefix.utf8.count)
    }
}
