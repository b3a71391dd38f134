// Categories (RULES.md "Categories", guideline §2.1 and §4.1). The primary category is the first
// that applies in the order tekun, dibao, dibao_edge, at_risk, expenditure_hardship,
// other_low_income; single-person dibao is recorded on the person.

/// Codes of `HouseholdProfile.flags` the classifier reads.
public enum HouseholdFlag: String, CaseIterable, Sendable {
    /// 脱贫不稳定户 and 边缘易致贫户, listed by rural revitalization (§2.1.3).
    case unstableAfterPoverty = "unstable_after_poverty"
    case edgeAtRisk = "edge_at_risk"
    /// 原建档立卡贫困户 (§4.1.4).
    case formerRegisteredPoor = "former_registered_poor"
    /// Designated by the local government (§2.1.5).
    case otherLowIncome = "other_low_income"
}

struct CategoryOutcome {
    var categories: [Category] = []
    var singlePerson: [Int] = []
    var tekunEligible = false
    var primary: Category { categories.first ?? .notLowIncome }
    var isLowIncome: Bool { primary != .notLowIncome }
}

enum CategoryRules {
    static func evaluate(_ f: HouseholdFacts, reasons: inout [Reason]) -> CategoryOutcome {
        var out = CategoryOutcome()
        guard f.n > 0 else {
            reasons.append(ClassifierRule.householdEmpty.reason("members=0"))
            out.categories = [.notLowIncome]
            return out
        }
        if f.deceasedCount > 0 {
            reasons.append(ClassifierRule.deceasedExcluded.reason("deceased=\(f.deceasedCount) members=\(f.n)"))
        }
        reasons.append(ClassifierRule.perCapitaIncome.reason(
            "annualIncomeFen=\(f.annualIncomeFen) (income \(f.profile.income.totalFen) + support \(f.supportFen)) "
            + "members=\(f.n) perCapitaMonthlyFen=\(f.perCapitaMonthlyFen) area=\(f.profile.area.rawValue) "
            + "dibaoStandardFen=\(f.dibaoStandardFen) edgeLineFen=\(f.edgeLineFen)"))
        recordAssetFailures(f, &reasons)
        let assetsOK = f.assetsWithinLimits

        if isTekun(f) {
            out.tekunEligible = true
            out.categories.append(.tekun)
            reasons.append(ClassifierRule.tekun.reason(
                "every member lacks labour ability, no income, no supporter able to support (members=\(f.n))"))
        }
        if f.incomeBelowDibao && assetsOK {
            out.categories.append(.dibao)
            reasons.append(ClassifierRule.dibao.reason(
                "perCapitaMonthlyFen=\(f.perCapitaMonthlyFen) < dibaoStandardFen=\(f.dibaoStandardFen); assets within limits"))
        } else if !out.tekunEligible && f.belowEdgeLine(f.annualIncomeFen) && assetsOK {
            out.categories.append(.dibaoEdge)
            reasons.append(ClassifierRule.dibaoEdge.reason(
                "dibaoStandardFen=\(f.dibaoStandardFen) <= perCapitaMonthlyFen=\(f.perCapitaMonthlyFen) < edgeLineFen="
                + "\(f.edgeLineFen) (multiplier \(StandardsNumber.decimalText(permille: f.standards.edgeMultiplierPermille)))"))
            out.singlePerson = singlePersonDibao(f, &reasons)
        }
        if f.hasFlag(.unstableAfterPoverty) || f.hasFlag(.edgeAtRisk) || f.context.monitoredByRuralRevitalization {
            out.categories.append(.atRisk)
            reasons.append(ClassifierRule.atRisk.reason("listed by rural revitalization: flags=\(f.profile.flags)"))
        }
        if expenditureHardship(f, &reasons) { out.categories.append(.expenditureHardship) }
        if f.hasFlag(.otherLowIncome) || f.context.designatedOtherLowIncome {
            out.categories.append(.otherLowIncome)
            reasons.append(ClassifierRule.otherLowIncome.reason("designated by the local government"))
        }
        if out.categories.isEmpty {
            out.categories = [.notLowIncome]
            reasons.append(ClassifierRule.notLowIncome.reason(
                "perCapitaMonthlyFen=\(f.perCapitaMonthlyFen) edgeLineFen=\(f.edgeLineFen) assetsWithinLimits=\(assetsOK)"))
        }
        return out
    }

    private static func recordAssetFailures(_ f: HouseholdFacts, _ reasons: inout [Reason]) {
        if !f.financialWithinLimit {
            reasons.append(ClassifierRule.financialOverLimit.reason(
                "financialFen=\(f.profile.assets.financialFen) > limitFen=\(f.financialLimitFen) "
                + "(\(f.standards.financialAssetMonths) months × \(f.dibaoStandardFen) × \(f.n) members)"))
        }
        if !f.nonExemptVehicles.isEmpty {
            reasons.append(ClassifierRule.vehicleNotExempt.reason(
                "vehicles=\(f.nonExemptVehicles) exempt=\(f.standards.exemptVehicleKinds)"))
        }
        if !f.urbanHousesWithinLimit {
            reasons.append(ClassifierRule.urbanHousesOverLimit.reason(
                "houses=\(f.houseCount) > maxUrbanHouses=\(f.standards.maxUrbanHouses)"))
        }
    }

    /// §4.1.3: no labour ability, no source of income, and no legal supporter able to support.
    /// A member with labour ability is a supporter inside the household, so every member must lack it.
    static func isTekun(_ f: HouseholdFacts) -> Bool {
        guard f.profile.income.totalFen == 0, f.supportFen == 0 else { return false }
        for m in f.members where !m.hasNoLaborAbility || (m.member.monthlyIncomeFen ?? 0) > 0 { return false }
        return !f.profile.supporters.contains(where: isAbleSupporter)
    }

    /// A supporter who pays nothing is still able when healthy and earning (法定义务人有能力).
    static func isAbleSupporter(_ s: Supporter) -> Bool {
        if s.annualSupportFen > 0 { return true }
        guard let occupation = s.occupation else { return false }
        let healthy = s.health != .seriousIllness && s.health != .disabled
        return healthy && [.employed, .selfEmployed, .farming, .retired].contains(occupation)
    }

    /// §4.1.2: in an edge household, grade 1–2 disability (grade 3 intellectual or mental where
    /// the region allows) or a serious illness.
    private static func singlePersonDibao(_ f: HouseholdFacts, _ reasons: inout [Reason]) -> [Int] {
        var persons: [Int] = []
        for (i, m) in f.members.enumerated() {
            let grade = m.disabilityGrade ?? 0
            let severe = grade == 1 || grade == 2
            let grade3 = grade == 3 && f.standards.singlePersonGrade3IntellectualMental && isIntellectualOrMental(m.member)
            guard severe || grade3 || m.seriouslyIll else { continue }
            persons.append(i)
            let why = m.seriouslyIll && !severe && !grade3 ? "serious illness" : "disability grade \(grade)"
            reasons.append(ClassifierRule.singlePersonDibao.reason(
                "member \(i + 1) (\(why)) taken into dibao alone; grade3Option=\(f.standards.singlePersonGrade3IntellectualMental)"))
        }
        return persons
    }

    static func isIntellectualOrMental(_ m: Member) -> Bool {
        guard let kind = m.disabilityKind else { return false }
        return ["intellectual", "mental", "智力", "精神"].contains(kind.lowercased())
    }

    /// §2.1.4: rigid spending leaves income below the edge line; or income fell sharply and is
    /// now below it; or a sudden catastrophic hardship. The guideline requires the hardship to
    /// be serious ("导致基本生活出现严重困难"), so a sharp fall alone does not qualify.
    private static func expenditureHardship(_ f: HouseholdFacts, _ reasons: inout [Reason]) -> Bool {
        var fired = false
        if f.rigidFen > 0 && f.belowEdgeLine(f.annualIncomeFen - f.rigidFen) {
            fired = true
            reasons.append(ClassifierRule.rigidSpending.reason(
                "annualIncomeFen=\(f.annualIncomeFen) - rigidFen=\(f.rigidFen) (medical \(f.medicalFen), disability "
                + "\(f.profile.expenses.disabilityFen), disaster \(f.context.disasterLossFen), accident "
                + "\(f.context.accidentExpenseFen)) below edge line \(f.edgeLineFen) × 12 × \(f.n)"))
        }
        if f.sharpIncomeDrop && f.belowEdgeLine(f.annualIncomeFen) {
            fired = true
            reasons.append(ClassifierRule.sharpIncomeDrop.reason(
                "perCapitaMonthlyFen=\(f.perCapitaMonthlyFen) vs previous \(f.profile.previousPerCapitaMonthlyFen ?? 0): "
                + "fell by >= \(StandardsNumber.decimalText(permille: f.standards.sharpDropPermille)), below edge line \(f.edgeLineFen)"))
        }
        if f.context.emergency {
            fired = true
            reasons.append(ClassifierRule.emergencyHardship.reason("sudden hardship: \(f.context.emergencyKind ?? "unspecified")"))
        }
        return fired
    }
}
