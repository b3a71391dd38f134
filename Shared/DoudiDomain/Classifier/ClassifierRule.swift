// Rule ids with the guideline clause each implements (decision records, explanations).

public enum ClassifierRule: String, CaseIterable, Sendable {
    case standards = "standards.applied"
    case householdEmpty = "household.no_members"
    case deceasedExcluded = "household.deceased_excluded"
    case perCapitaIncome = "income.per_capita"
    case financialOverLimit = "assets.financial_over_limit"
    case vehicleNotExempt = "assets.vehicle_not_exempt"
    case urbanHousesOverLimit = "assets.urban_houses_over_limit"
    case tekun = "category.tekun"
    case dibao = "category.dibao"
    case singlePersonDibao = "category.single_person_dibao"
    case dibaoEdge = "category.dibao_edge"
    case atRisk = "category.at_risk"
    case riskEliminated = "category.at_risk.risk_eliminated"
    case hardshipAssetsOverLimit = "category.expenditure_hardship.assets_over_limit"
    case rigidSpending = "category.expenditure_hardship.rigid_spending"
    case sharpIncomeDrop = "category.expenditure_hardship.sharp_income_drop"
    case emergencyHardship = "category.expenditure_hardship.emergency"
    case otherLowIncome = "category.other_low_income"
    case notLowIncome = "category.not_low_income"
    case notCovered = "disposal.not_covered"
    case policyNotImplemented = "disposal.policy_not_implemented"
    case noLongerEligible = "disposal.no_longer_eligible"
    case gradualExit = "disposal.gradual_exit_pending"
    case specialHardship = "disposal.special_hardship"
    case authorizationGate = "gate.authorization_required"
    case staffRelative = "review.relative_of_staff"

    public var clause: String {
        switch self {
        case .standards, .householdEmpty, .deceasedExcluded, .perCapitaIncome,
             .financialOverLimit, .vehicleNotExempt, .urbanHousesOverLimit: "§4.1.1"
        case .dibao: "§2.1.1, §4.1.1"
        case .tekun: "§2.1.2, §4.1.3"
        case .singlePersonDibao: "§4.1.2"
        case .dibaoEdge, .atRisk, .riskEliminated: "§2.1.3"
        case .rigidSpending, .sharpIncomeDrop, .hardshipAssetsOverLimit: "§2.1.4"
        case .emergencyHardship: "§2.1.4, §4.3"
        case .otherLowIncome: "§2.1.5"
        case .notLowIncome: "§2.1"
        case .notCovered, .policyNotImplemented, .noLongerEligible, .specialHardship: "§3.2, §3.4"
        case .gradualExit: "§4.1.4"
        case .authorizationGate: "§4"
        case .staffRelative: "annex"
        }
    }

    func reason(_ detail: String) -> Reason { Reason(rule: rawValue, clause: clause, detail: detail) }
}
