// Local amounts for emergency temporary relief (§4.3), per region of the incident (the
// application is handled where the emergency happened), keyed by division-code prefix.

public struct ReliefStandards: DefaultedRules {
    /// Dibao standard per person per month, in fen. Default 80,000 (800 yuan, the urban default).
    public var dibaoMonthlyFen: Int64
    /// Months of the dibao standard per household member. Default 3.
    public var monthsPerMember: Int
    /// Ceiling of one case, in fen. Default 1,000,000 (10,000 yuan).
    public var perCaseCapFen: Int64
    /// Totals up to this are approved by the township; above it the county approves. Default 300,000 (3,000 yuan).
    public var townshipApprovalLimitFen: Int64
    /// Paid at once to urgent cases from the township reserve fund (先行救助). Default 100,000 (1,000 yuan).
    public var aidFirstLimitFen: Int64
    /// Monthly stages the rest of an approved total is paid in. Default 3.
    public var monthlyStages: Int
    /// Applications of the same person for the same kind of incident this many days apart or
    /// less are one case. Default 30.
    public var duplicateWindowDays: Int
    /// A hardship is sudden (§4.3) when applied for at most this many days after it happened. Default 90.
    public var incidentWindowDays: Int

    public init() {
        dibaoMonthlyFen = 80_000; monthsPerMember = 3; perCaseCapFen = 1_000_000
        townshipApprovalLimitFen = 300_000; aidFirstLimitFen = 100_000; monthlyStages = 3; duplicateWindowDays = 30
        incidentWindowDays = 90
    }

    /// Everything wrong with these standards, empty when they are usable.
    public var problems: [ReliefStandardsProblem] {
        var found: [ReliefStandardsProblem] = []
        if dibaoMonthlyFen <= 0 { found.append(.notPositive("dibaoMonthlyFen")) }
        if monthsPerMember <= 0 { found.append(.notPositive("monthsPerMember")) }
        if perCaseCapFen <= 0 { found.append(.notPositive("perCaseCapFen")) }
        if monthlyStages <= 0 { found.append(.notPositive("monthlyStages")) }
        if townshipApprovalLimitFen < 0 { found.append(.negative("townshipApprovalLimitFen")) }
        if aidFirstLimitFen < 0 { found.append(.negative("aidFirstLimitFen")) }
        if duplicateWindowDays < 0 { found.append(.negative("duplicateWindowDays")) }
        if incidentWindowDays < 0 { found.append(.negative("incidentWindowDays")) }
        // Aid first is paid on the township's own authority, before any county approval.
        if aidFirstLimitFen > townshipApprovalLimitFen {
            found.append(.aidFirstAboveTownshipLimit(aidFirstFen: aidFirstLimitFen, townshipFen: townshipApprovalLimitFen))
        }
        if aidFirstLimitFen > perCaseCapFen {
            found.append(.aidFirstAboveCap(aidFirstFen: aidFirstLimitFen, capFen: perCaseCapFen))
        }
        return found
    }

    /// Throws the first problem, if any.
    public func validate() throws(ReliefStandardsProblem) {
        if let first = problems.first { throw first }
    }

    private enum CodingKeys: String, CodingKey {
        case dibaoMonthlyFen, monthsPerMember, perCaseCapFen, townshipApprovalLimitFen, aidFirstLimitFen
        case monthlyStages, duplicateWindowDays, incidentWindowDays
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        dibaoMonthlyFen = try c.value(.dibaoMonthlyFen, or: d.dibaoMonthlyFen)
        monthsPerMember = try c.value(.monthsPerMember, or: d.monthsPerMember)
        perCaseCapFen = try c.value(.perCaseCapFen, or: d.perCaseCapFen)
        townshipApprovalLimitFen = try c.value(.townshipApprovalLimitFen, or: d.townshipApprovalLimitFen)
        aidFirstLimitFen = try c.value(.aidFirstLimitFen, or: d.aidFirstLimitFen)
        monthlyStages = try c.value(.monthlyStages, or: d.monthlyStages)
        duplicateWindowDays = try c.value(.duplicateWindowDays, or: d.duplicateWindowDays)
        incidentWindowDays = try c.value(.incidentWindowDays, or: d.incidentWindowDays)
    }
}

public enum ReliefStandardsProblem: Error, Equatable, CustomStringConvertible {
    case notPositive(String)
    case negative(String)
    case aidFirstAboveTownshipLimit(aidFirstFen: Int64, townshipFen: Int64)
    case aidFirstAboveCap(aidFirstFen: Int64, capFen: Int64)

    public var description: String {
        switch self {
        case .notPositive(let field): "\(field) must be greater than zero"
        case .negative(let field): "\(field) must not be negative"
        case .aidFirstAboveTownshipLimit(let a, let t):
            "aidFirstLimitFen (\(a)) must not exceed townshipApprovalLimitFen (\(t)): aid first is a township payment"
        case .aidFirstAboveCap(let a, let c): "aidFirstLimitFen (\(a)) must not exceed perCaseCapFen (\(c))"
        }
    }
}

/// A problem in one region's standards ("default" for the defaults).
public struct ReliefStandardsError: Error, Equatable, CustomStringConvertible {
    public var region: String
    public var problem: ReliefStandardsProblem
    public var description: String { "relief standards for \(region): \(problem)" }
}

extension RegionalRules where Rules == ReliefStandards {
    /// Checks the defaults and every region; throws the first problem found (regions in order).
    public func validate() throws(ReliefStandardsError) {
        if let p = defaults.problems.first { throw ReliefStandardsError(region: "default", problem: p) }
        for prefix in regions.entries.keys.sorted() {
            if let p = regions.entries[prefix]?.problems.first { throw ReliefStandardsError(region: prefix, problem: p) }
        }
    }
}
