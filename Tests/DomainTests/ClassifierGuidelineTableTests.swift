import XCTest
import DoudiDomain

/// Cases written from the guideline's text (guideline-2021.md), one per sentence that decides.
final class ClassifierGuidelineTableTests: XCTestCase {
    struct Case {
        let clause: String
        let text: String
        let profile: HouseholdProfile
        var context: ClassificationContext = .empty
        let category: Category
        let warnings: [String]
        /// A case where the clause's rule must not fire (so no reason cites it).
        var negative = false
    }

    static let dibao = Fx.program(.basicLiving, "dibao")

    let cases: [Case] = [
        Case(clause: "§4.1.1", text: "共同生活的家庭成员人均收入低于当地低保标准，且家庭财产状况符合当地相关规定",
             profile: Fx.household(members: Fx.adults(2), perCapitaMonthly: 59_999), category: .dibao,
             warnings: ["basic-living/not_covered"]),
        Case(clause: "§4.1.1", text: "人均收入低于低保标准 — 等于标准不属于“低于”",
             profile: Fx.household(members: Fx.adults(2), perCapitaMonthly: 60_000), category: .dibaoEdge, warnings: []),
        Case(clause: "§4.1.1", text: "家庭财产状况符合当地相关规定 — 财产超标不纳入",
             profile: Fx.household(perCapitaMonthly: 0, assets: Assets(vehicles: [Vehicle(kind: "car")])),
             category: .notLowIncome, warnings: []),
        Case(clause: "§2.1.3", text: "家庭人均收入低于当地低保标准 1.5 倍",
             profile: Fx.household(area: .urban, perCapitaMonthly: 119_999), category: .dibaoEdge, warnings: []),
        Case(clause: "§2.1.3", text: "乡村振兴部门认定的脱贫不稳定户、边缘易致贫户，也属于易返贫致贫人口",
             profile: Fx.household(perCapitaMonthly: 300_000, flags: ["unstable_after_poverty"]), category: .atRisk, warnings: []),
        Case(clause: "§4.1.2", text: "低保边缘家庭中的重残人员、重病患者…参照“单人户”纳入低保",
             profile: Fx.household(members: [Fx.member("户主"), Fx.member("重残", grade: 1)], perCapitaMonthly: 70_000),
             category: .dibaoEdge, warnings: ["basic-living/not_covered", "services/not_covered", "other/not_covered"]),
        Case(clause: "§4.1.3", text: "无劳动能力、无生活来源且无法定赡养、抚养、扶养义务人…的老年人",
             profile: Fx.household(members: [Fx.member(age: 82, occupation: .retired)]), category: .tekun,
             warnings: ["basic-living/not_covered"]),
        Case(clause: "§4.1.3", text: "法定义务人有赡养能力的不属于特困",
             profile: Fx.household(members: [Fx.member(age: 82, occupation: .retired)],
                                   supporters: [Supporter(relation: "son", name: "子", idNumber: "x", health: .healthy, occupation: .employed)]),
             category: .dibao, warnings: ["basic-living/not_covered"], negative: true),
        Case(clause: "§2.1.4", text: "因病…刚性支出较大…导致基本生活出现严重困难",
             profile: Fx.household(perCapitaMonthly: 100_000, expenses: Expenses(medicalFen: 600_000)),
             category: .expenditureHardship, warnings: ["medical/not_covered"]),
        Case(clause: "§2.1.5", text: "当地人民政府确定的其他特殊困难家庭或者人员",
             profile: Fx.household(perCapitaMonthly: 300_000, flags: ["other_low_income"]), category: .otherLowIncome, warnings: []),
        Case(clause: "§4.2.2", text: "对低收入家庭中符合条件的在校学生…实施教育救助",
             profile: Fx.household(members: [Fx.member("母"), Fx.member("子", age: 16, occupation: .student)],
                                   perCapitaMonthly: 50_000, programs: [dibao]),
             category: .dibao, warnings: ["education/policy_not_implemented"]),
        Case(clause: "§4.2.3", text: "对住房困难的农村低收入家庭给予农村危房改造",
             profile: Fx.household(perCapitaMonthly: 50_000, assets: Assets(houses: [House(areaM2: 50, safety: "unsafe")]),
                                   programs: [dibao]),
             category: .dibao, warnings: ["housing/policy_not_implemented"]),
        Case(clause: "§4.2.4", text: "对城市低收入家庭中有劳动能力并处于失业状态的家庭成员…就业救助",
             profile: Fx.household(area: .urban, members: [Fx.member(occupation: .unemployed)], perCapitaMonthly: 50_000,
                                   programs: [dibao]),
             category: .dibao, warnings: ["employment/policy_not_implemented"]),
        Case(clause: "§4.2.5", text: "对遭遇自然灾害的低收入家庭…给予必要的应急救助",
             profile: Fx.household(perCapitaMonthly: 50_000, programs: [dibao]),
             context: Fx.context { $0.disasterHit = true }, category: .dibao, warnings: ["disaster/policy_not_implemented"]),
        Case(clause: "§4.3", text: "遭遇突发性、紧迫性、灾难性困难…给予临时救助",
             profile: Fx.household(perCapitaMonthly: 500_000), context: Fx.context { $0.emergency = true },
             category: .expenditureHardship, warnings: ["emergency/not_covered"]),
        Case(clause: "§4.5", text: "对于遭遇重特大疾病的低收入人口，引导支持慈善组织…提供救助帮扶",
             profile: Fx.household(members: [Fx.member(health: .seriousIllness)], perCapitaMonthly: 50_000,
                                   programs: [dibao, Fx.program(.medical, "medical_assistance")]),
             category: .dibao, warnings: ["charity/policy_not_implemented"]),
        Case(clause: "§3.4", text: "对于监测预警不再符合救助条件的，要及时核实情况，并终止救助",
             profile: Fx.household(perCapitaMonthly: 500_000, programs: [dibao]), category: .notLowIncome,
             warnings: ["basic-living/no_longer_eligible"]),
        Case(clause: "§3.4", text: "特殊困难情形且缺乏相应救助政策的，及时启动县级…协调机制",
             profile: Fx.household(perCapitaMonthly: 50_000, programs: [dibao]),
             context: Fx.context { $0.uncoveredHardship = "no policy" }, category: .dibao,
             warnings: ["coordination/special_hardship"]),
        Case(clause: "§4", text: "如需获得救助，应授权…民政部门核查其家庭经济状况",
             profile: Fx.household(perCapitaMonthly: 0, authorized: false), category: .dibao, warnings: []),
    ]

    func testGuidelineCases() {
        for c in cases {
            let d = Fx.eval(c.profile, c.context)
            let label = "\(c.clause) \(c.text)"
            XCTAssertEqual(d.category, c.category, label)
            XCTAssertEqual(d.warningKinds, c.warnings, label)
            let cited = d.record.reasons.contains { $0.clause.contains(c.clause) }
            if c.negative { XCTAssertFalse(d.record.reasons.contains { $0.clause.contains(c.clause) && $0.rule.hasPrefix("category.") }, label); continue }
            XCTAssertTrue(cited
                          || d.needs.contains { $0.clause == c.clause }, "no reason or need cites \(label)")
        }
    }
}
