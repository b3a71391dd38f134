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
    /// Members who are tekun (judged per person).
    var tekunPersons: [Int] = []
    var tekunEligible: Bool { !tekunPersons.isEmpty }
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
            "annualIncomeFen=\(f.annualIncomeFen) (income \(f.ownIncomeFen): block \(f.profile.income.totalFen), members' own "
            + "incomes \(f.ownIncomeFen == f.profile.income.totalFen ? "not more" : "more"); support \(f.supportFen)) "
            + "members=\(f.n) perCapitaMonthlyFen=\(f.perCapitaMonthlyFen) area=\(f.profile.area.rawValue) "
            + "dibaoStandardFen=\(f.dibaoStandardFen) edgeLineFen=\(f.edgeLineFen)"))
        recordAssetFailures(f, &reasons)
        let assetsOK = f.assetsWithinLimits

        for person in TekunRules.persons(f) {
            out.tekunPersons.append(person.index)
            reasons.append(ClassifierRule.tekun.reason(person.detail))
        }
        if out.tekunEligible { out.categories.append(.tekun) }
        if f.incomeBelowDibao && assetsOK {
            out.categories.append(.dibao)
            reasons.append(ClassifierRule.dibao.reason(
                "perCapitaMonthlyFen=\(f.perCapitaMonthlyFen) < dibaoStandardFen=\(f.dibaoStandardFen); assets within limits"))
        } else if !out.tekunEligible && f.belowEdgeLine(f.annualIncomeFen) && f.edgeAssetsWithinLimits {
            out.categories.append(.dibaoEdge)
            reasons.append(ClassifierRule.dibaoEdge.reason(
                "perCapitaMonthlyFen=\(f.perCapitaMonthlyFen) < edgeLineFen=\(f.edgeLineFen) (multiplier "
                + "\(StandardsNumber.decimalText(permille: f.standards.edgeMultiplierPermille))), not dibao; assets "
                + "\(f.countableAssetsFen) within the edge limit \(f.edgeAssetLimitFen)"))
            out.singlePerson = singlePersonDibao(f, &reasons)
        }
        if f.listedAtRisk {
            out.categories.append(.atRisk)
            let status = f.ruralStatus.map { "\($0.code ?? "?") on \($0.on)" } ?? "flags=\(f.profile.flags)"
            reasons.append(ClassifierRule.atRisk.reason("listed by rural revitalization: \(status)"))
        } else if let lifted = f.riskEliminatedOn {
            reasons.append(ClassifierRule.riskEliminated.reason("rural revitalization removed the household from monitoring on \(lifted)"))
        }
        if expenditureHardship(f, &reasons) { out.categories.append(.expenditureHardship) }
        if let d = f.designation, d.designated {
            out.categories.append(.otherLowIncome)
            reasons.append(ClassifierRule.otherLowIncome.reason("designated by the county" + (d.reason.isEmpty ? "" : ": \(d.reason)")))
        }
        if out.categories.isEmpty {
            out.categories = [.notLowIncome]
            reasons.append(ClassifierRule.notLowIncome.reason(
                "perCapitaMonthlyFen=\(f.perCapitaMonthlyFen) edgeLineFen=\(f.edgeLineFen) assetsWithinLimits=\(assetsOK) "
                + "edgeAssetsWithinLimits=\(f.edgeAssetsWithinLimits)"))
        }
        return out
    }

    private static func recordAssetFailures(_ f: HouseholdFacts, _ reasons: inout [Reason]) {
        if !f.financialWithinLimit {
            reasons.append(ClassifierRule.financialOverLimit.reason(
                "assetsFen=\(f.countableAssetsFen) (financial \(f.profile.assets.financialFen), business \(f.businessCapitalFen), "
                + "other \(f.profile.assets.otherFen)) > limitFen=\(f.dibaoAssetLimitFen) "
                + "(\(f.standards.financialAssetMonths) months × \(f.dibaoStandardFen) × \(f.n) members); edge limit \(f.edgeAssetLimitFen)"))
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

    /// §2.1.4: rigid spending of the last 12 months leaves income below the edge line; or income
    /// fell sharply and is now below it; or a sudden catastrophic hardship (§4.3). The guideline
    /// requires the hardship to be serious ("导致基本生活出现严重困难"): the household's assets must be
    /// within the limits (the edge household's), and a sharp fall alone does not qualify.
    private static func expenditureHardship(_ f: HouseholdFacts, _ reasons: inout [Reason]) -> Bool {
        var fired = false
        let rigid = f.rigidFen > 0 && f.belowEdgeLine(f.annualIncomeFen - f.rigidFen)
        let drop = f.sharpIncomeDrop && f.belowEdgeLine(f.annualIncomeFen)
        let sudden = f.emergency
        guard rigid || drop || sudden != nil else { return false }
        guard f.edgeAssetsWithinLimits else {
            reasons.append(ClassifierRule.hardshipAssetsOverLimit.reason(
                "assetsFen=\(f.countableAssetsFen) > edge limit \(f.edgeAssetLimitFen), or property over the limits: "
                + "no serious hardship (rigid=\(rigid) sharpDrop=\(drop) sudden=\(sudden != nil))"))
            return false
        }
        if rigid {
            fired = true
            reasons.append(ClassifierRule.rigidSpending.reason(
                "annualIncomeFen=\(f.annualIncomeFen) - rigidFen=\(f.rigidFen) of the last 12 months (medical \(f.medicalFen), "
                + "disability \(f.declaredRecent ? f.profile.expenses.disabilityFen : 0), disaster \(f.disasterLossFen), accident "
                + "\(f.accidentFen)) below edge line \(f.edgeLineFen) × 12 × \(f.n)"))
        }
        if drop {
            fired = true
            reasons.append(ClassifierRule.sharpIncomeDrop.reason(
                "perCapitaMonthlyFen=\(f.perCapitaMonthlyFen) vs previous \(f.profile.previousPerCapitaMonthlyFen ?? 0): "
                + "fell by >= \(StandardsNumber.decimalText(permille: f.standards.sharpDropPermille)), below edge line \(f.edgeLineFen)"))
        }
        if let e = sudden {
            fired = true
            reasons.append(ClassifierRule.emergencyHardship.reason("sudden hardship: \(e.kind)" + (e.on.map { " on \($0)" } ?? "")))
        }
        return fired
    }
}
