// Employment assistance (§4.2.4): urban members able to work and unemployed get loan interest
// subsidies, tax relief, training, social-insurance subsidies or public-welfare jobs; rural
// members able to work get industry support, labour export, workshop jobs, work-for-relief or
// rural public-welfare posts.

public struct EmploymentMeasure: Codable, Sendable, Equatable {
    public var program: String
    /// Cash the programme pays, in fen; nil for a placement, a loan interest subsidy paid to
    /// the bank or a tax relief.
    public var amountFen: Int64?
    public init(_ program: String, _ amountFen: Int64? = nil) { self.program = program; self.amountFen = amountFen }
}

public struct EmploymentRules: DefaultedRules {
    /// Working age, inclusive. Default 16 to 59.
    public var minWorkingAge: Int
    public var maxWorkingAge: Int
    /// From this age a fully able job-seeker is "hard to employ" (the 40/50 groups) and gets
    /// placements rather than start-up measures. Default 40.
    public var olderWorkerAge: Int
    /// Annual cap on cash per person, in fen. Default 500,000 (5,000 yuan).
    public var annualCashCapFen: Int64
    /// Measures by profile `<area>_<full|older|partial>`; defaults in `init()`.
    public var measures: [String: [EmploymentMeasure]]

    public init() {
        minWorkingAge = 16; maxWorkingAge = 59; olderWorkerAge = 40; annualCashCapFen = 500_000
        measures = [
            "urban_full": [.init("training_subsidy", 150_000), .init("guaranteed_loan_interest_subsidy"), .init("tax_relief")],
            "urban_older": [.init("public_welfare_job"), .init("social_insurance_subsidy", 200_000),
                            .init("training_subsidy", 150_000)],
            "urban_partial": [.init("public_welfare_job"), .init("social_insurance_subsidy", 200_000)],
            "rural_full": [.init("labour_export", 50_000), .init("industry_support", 300_000), .init("workshop_job")],
            "rural_older": [.init("industry_support", 300_000), .init("workshop_job"), .init("work_for_relief")],
            "rural_partial": [.init("rural_public_welfare_post"), .init("workshop_job")],
        ]
    }

    private enum CodingKeys: String, CodingKey { case minWorkingAge, maxWorkingAge, olderWorkerAge, annualCashCapFen, measures }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        minWorkingAge = try c.value(.minWorkingAge, or: d.minWorkingAge)
        maxWorkingAge = try c.value(.maxWorkingAge, or: d.maxWorkingAge)
        olderWorkerAge = try c.value(.olderWorkerAge, or: d.olderWorkerAge)
        annualCashCapFen = try c.value(.annualCashCapFen, or: d.annualCashCapFen)
        measures = try c.value(.measures, or: d.measures)
    }
}

public struct EmploymentProgramme: Programme {
    public static let domain = Domain.employment
    public static let program = "employment_assistance"
    public var rules: RegionalRules<EmploymentRules>
    public init(rules: RegionalRules<EmploymentRules> = .init()) { self.rules = rules }

    public func assess(_ need: Need, in referral: Referral, rules: EmploymentRules, paid: inout PaidToDate,
                       on date: CivilDate) -> [ProgrammeDecision] {
        let p = Self.program
        guard let area = referral.area else { return [.deny(p, "urban or rural area unknown (§4.2.4)")] }
        guard let ability = need.facts["laborAbility"].flatMap(LaborAbility.init(rawValue:)), ability != .none else {
            return [.deny(p, "no labour ability (§4.2.4)")]
        }
        guard let age = need.integer("age") else { return [.deny(p, "age unknown (§4.2.4)")] }
        guard age >= rules.minWorkingAge, age <= rules.maxWorkingAge else {
            return [.deny(p, "age \(age) outside working age \(rules.minWorkingAge)–\(rules.maxWorkingAge) (§4.2.4)")]
        }
        let profile = "\(area.rawValue)_\(ability == .partial ? "partial" : age >= rules.olderWorkerAge ? "older" : "full")"
        guard let measures = rules.measures[profile], !measures.isEmpty else {
            return [.deny(p, "no measure configured for \(profile) (§4.2.4)")]
        }
        let recipient = need.recipient(in: referral)
        return measures.map { m in
            guard let want = m.amountFen else { return .grant(m.program, nil, "\(profile): \(m.program) (§4.2.4)") }
            return paid.cash(m.program, want, cap: rules.annualCashCapFen, for: recipient,
                             what: "\(profile): \(m.program) \(FenMath.yuan(want))", clause: "§4.2.4")
        }
    }
}
