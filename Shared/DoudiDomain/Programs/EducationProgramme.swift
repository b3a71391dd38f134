// Education assistance (§4.2.2): grants, fee waivers, work-study posts and student loans for
// students of low-income households, by school stage.

public struct EducationMeasure: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case grant, feeWaiver = "fee_waiver", workStudy = "work_study", loan }
    public var program: String
    public var kind: Kind
    /// Grant: yuan paid per school year, in fen. Loan: the ceiling. Otherwise nil.
    public var amountFen: Int64?
    public init(_ program: String, _ kind: Kind, _ amountFen: Int64? = nil) {
        self.program = program; self.kind = kind; self.amountFen = amountFen
    }
}

public struct EducationRules: DefaultedRules {
    /// Measures by `schoolStage` fact. Defaults (per year; national reference amounts):
    /// preschool: grant 1,000 yuan + fee waiver; primary: boarding living allowance 1,000;
    /// junior_secondary: boarding living allowance 1,250; senior_secondary and vocational:
    /// national grant 2,000 + tuition waiver; higher: national grant 3,300 + work-study post +
    /// student loan up to 12,000.
    public var stages: [String: [EducationMeasure]]

    public init() {
        stages = [
            "preschool": [.init("preschool_grant", .grant, 100_000), .init("preschool_fee_waiver", .feeWaiver)],
            "primary": [.init("boarding_living_allowance", .grant, 100_000)],
            "junior_secondary": [.init("boarding_living_allowance", .grant, 125_000)],
            "senior_secondary": [.init("national_grant", .grant, 200_000), .init("tuition_waiver", .feeWaiver)],
            "vocational": [.init("national_grant", .grant, 200_000), .init("tuition_waiver", .feeWaiver)],
            "higher": [.init("national_grant", .grant, 330_000), .init("work_study", .workStudy),
                       .init("student_loan", .loan, 1_200_000)],
        ]
    }

    private enum CodingKeys: String, CodingKey { case stages }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        stages = try c.value(.stages, or: Self().stages)
    }
}

public struct EducationProgramme: Programme {
    public static let domain = Domain.education
    public static let program = "education_assistance"
    public var rules: RegionalRules<EducationRules>
    public init(rules: RegionalRules<EducationRules> = .init()) { self.rules = rules }

    /// Grants are paid once per year: the stage's grants together are an annual cap, so a
    /// grant already paid this year (in part) is only topped up. Waivers, work-study posts and
    /// loans pay nothing themselves and carry no amount (a loan's ceiling is in the reason).
    public func assess(_ need: Need, in referral: Referral, rules: EducationRules, paid: inout PaidToDate,
                       on date: CivilDate) -> [ProgrammeDecision] {
        guard let stage = need.facts["schoolStage"] else {
            return [.deny(Self.program, "no school stage given (§4.2.2)")]
        }
        guard let measures = rules.stages[stage], !measures.isEmpty else {
            return [.deny(Self.program, "no measure for school stage \(stage) (§4.2.2)")]
        }
        let recipient = need.recipient(in: referral)
        let yearCap = measures.filter { $0.kind == .grant }.reduce(Int64(0)) { $0 + ($1.amountFen ?? 0) }
        return measures.map { m in
            switch m.kind {
            case .grant:
                return paid.cash(m.program, m.amountFen ?? 0, cap: yearCap, for: recipient,
                                 what: "\(stage) \(m.program) \(FenMath.yuan(m.amountFen ?? 0)) per year", clause: "§4.2.2")
            case .loan:
                return .grant(m.program, nil, "\(stage) \(m.program) up to \(FenMath.yuan(m.amountFen ?? 0)) (§4.2.2)")
            case .feeWaiver, .workStudy:
                return .grant(m.program, nil, "\(stage) \(m.program) (§4.2.2)")
            }
        }
    }
}
