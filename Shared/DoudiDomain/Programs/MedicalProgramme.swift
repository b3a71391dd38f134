// Medical assistance (§4.2.1): a share of the policy-compliant out-of-pocket cost left after
// basic medical insurance, serious-illness insurance and other supplementary insurance.

public struct MedicalRules: DefaultedRules {
    /// Share paid, in percent, by category code. Defaults: tekun 100, dibao 70, dibao_edge 60,
    /// at_risk / expenditure_hardship / other_low_income 50; a category not listed (not_low_income) gets nothing.
    public var sharePercent: [String: Int]
    /// Deductible (起付线) per claim, in fen, for categories not deductible-free. Default 50,000 (500 yuan).
    public var deductibleFen: Int64
    /// Categories paid from the first fen. Default tekun and dibao.
    public var deductibleFree: Set<String>
    /// Annual cap per person, in fen. Default 6,000,000 (60,000 yuan).
    public var annualCapFen: Int64

    public init() {
        sharePercent = ["tekun": 100, "dibao": 70, "dibao_edge": 60, "at_risk": 50,
                        "expenditure_hardship": 50, "other_low_income": 50]
        deductibleFen = 50_000
        deductibleFree = ["tekun", "dibao"]
        annualCapFen = 6_000_000
    }

    private enum CodingKeys: String, CodingKey { case sharePercent, deductibleFen, deductibleFree, annualCapFen }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        sharePercent = try c.value(.sharePercent, or: d.sharePercent)
        deductibleFen = try c.value(.deductibleFen, or: d.deductibleFen)
        deductibleFree = try c.value(.deductibleFree, or: d.deductibleFree)
        annualCapFen = try c.value(.annualCapFen, or: d.annualCapFen)
    }
}

public struct MedicalProgramme: Programme {
    public static let domain = Domain.medical
    public static let program = "medical_assistance"
    public var rules: RegionalRules<MedicalRules>
    public init(rules: RegionalRules<MedicalRules> = .init()) { self.rules = rules }

    /// Out-of-pocket: `outOfPocketFen`, else `medicalFen − insuranceReimbursedFen`. The person's
    /// own `category` fact (e.g. single-person dibao) takes precedence over the household's.
    /// payable = ⌊(out-of-pocket − deductible) × share⌋, then limited by the annual cap.
    public func assess(_ need: Need, in referral: Referral, rules: MedicalRules, paid: inout PaidToDate,
                       on date: CivilDate) -> [ProgrammeDecision] {
        let p = Self.program
        guard let outOfPocket = need.integer("outOfPocketFen")
                ?? need.integer("medicalFen").map({ max(0, $0 - (need.integer("insuranceReimbursedFen") ?? 0)) }) else {
            return [.deny(p, "no policy-compliant out-of-pocket cost given (§4.2.1)")]
        }
        let category = need.facts["category"] ?? referral.category?.rawValue ?? "unknown"
        guard let percent = rules.sharePercent[category], percent > 0 else {
            return [.deny(p, "category \(category) is not covered by medical assistance (§4.2.1)")]
        }
        let deductible = rules.deductibleFree.contains(category) ? 0 : rules.deductibleFen
        guard outOfPocket > deductible else {
            return [.deny(p, "out-of-pocket \(FenMath.yuan(outOfPocket)) does not exceed the deductible \(FenMath.yuan(deductible)) (§4.2.1)")]
        }
        let payable = FenMath.share(of: outOfPocket - deductible, percent: percent)
        return [paid.cash(p, payable, cap: rules.annualCapFen, for: need.recipient(in: referral),
                          what: "\(percent)% of \(FenMath.yuan(outOfPocket - deductible)) out-of-pocket after a deductible of "
                              + "\(FenMath.yuan(deductible)) for \(category)", clause: "§4.2.1")]
    }
}
