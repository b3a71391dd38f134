import XCTest
import DoudiDomain

/// Thresholds one fen below, at and one fen above, for every category rule (§2.1, §4.1).
final class ClassifierCategoryTests: XCTestCase {
    func category(_ p: HouseholdProfile, _ c: ClassificationContext = .empty) -> Category { Fx.eval(p, c).category }

    // §4.1.1: per-capita income below the dibao standard; at the standard is not below it.
    func testDibaoThresholdRuralAndUrban() {
        for (area, std) in [(Area.rural, Fx.ruralStd), (.urban, Fx.urbanStd)] {
            for n in [1, 3] {
                let members = Fx.adults(n)
                XCTAssertEqual(category(Fx.household(area: area, members: members, perCapitaMonthly: std - 1)), .dibao)
                XCTAssertEqual(category(Fx.household(area: area, members: members, perCapitaMonthly: std)), .dibaoEdge)
                XCTAssertEqual(category(Fx.household(area: area, members: members, perCapitaMonthly: std + 1)), .dibaoEdge)
            }
        }
    }

    /// Exact comparison on the annual total: one fen short of the line is below it, even when the
    /// per-capita amount would round to the standard.
    func testDibaoComparisonIsExactOnAnnualTotals() {
        let line = Fx.ruralStd * 12 * 3
        XCTAssertEqual(category(Fx.household(members: Fx.adults(3), income: Income(wagesFen: line - 1))), .dibao)
        XCTAssertEqual(category(Fx.household(members: Fx.adults(3), income: Income(wagesFen: line))), .dibaoEdge)
        // Supporters' payments count as income (RULES.md).
        let support = [Supporter(relation: "child", name: "李四", idNumber: "x", annualSupportFen: 1)]
        XCTAssertEqual(category(Fx.household(members: Fx.adults(3), income: Income(wagesFen: line - 1), supporters: support)), .dibaoEdge)
    }

    // §2.1.3: below 1.5 × standard; at it is not below.
    func testEdgeThreshold() {
        let edge = Fx.ruralStd * 3 / 2
        XCTAssertEqual(category(Fx.household(perCapitaMonthly: edge - 1)), .dibaoEdge)
        XCTAssertEqual(category(Fx.household(perCapitaMonthly: edge)), .notLowIncome)
        XCTAssertEqual(category(Fx.household(perCapitaMonthly: edge + 1)), .notLowIncome)
        let wide = try! LocalStandards(json: #"{"version":"v","regions":{"":{"edgeMultiplier":2}}}"#)
        XCTAssertEqual(Fx.eval(Fx.household(perCapitaMonthly: 2 * Fx.ruralStd - 1), standards: wide).category, .dibaoEdge)
        XCTAssertEqual(Fx.eval(Fx.household(perCapitaMonthly: 2 * Fx.ruralStd), standards: wide).category, .notLowIncome)
    }

    // RULES.md: financial assets at most 24 months of the standard per person (dibao); an edge
    // household has its own limit, by default the dibao limit × the edge multiplier (§2.1.3).
    func testFinancialAssetLimit() {
        let limit = Fx.ruralStd * 24 * 2, edgeLimit = limit * 3 / 2
        func d(_ deposits: Int64) -> Classifier.Decision {
            Fx.eval(Fx.household(members: Fx.adults(2), perCapitaMonthly: 0,
                                 assets: Assets(depositsFen: deposits, houses: [House(areaM2: 80, safety: "safe")])))
        }
        XCTAssertEqual(d(limit - 1).category, .dibao)
        XCTAssertEqual(d(limit).category, .dibao)
        XCTAssertEqual(d(limit + 1).category, .dibaoEdge, "over the dibao limit, within the edge household's")
        XCTAssertTrue(d(limit + 1).fired(.financialOverLimit))
        XCTAssertFalse(d(limit).fired(.financialOverLimit))
        XCTAssertEqual(d(edgeLimit).category, .dibaoEdge)
        XCTAssertEqual(d(edgeLimit + 1).category, .notLowIncome)
        // Every kind of financial asset counts.
        let mixed = Assets(depositsFen: limit / 2, securitiesFen: limit / 4, fundsFen: limit / 8,
                           commercialInsuranceFen: limit / 8, claimsFen: 1)
        XCTAssertEqual(Fx.eval(Fx.household(members: Fx.adults(2), perCapitaMonthly: 0, assets: mixed)).category, .dibaoEdge)
    }

    func testVehiclesAndHouses() {
        func cat(_ area: Area, _ assets: Assets) -> Category {
            Fx.eval(Fx.household(area: area, perCapitaMonthly: 0, assets: assets)).category
        }
        for exempt in ["motorcycle", "agricultural", "disability_adapted"] {
            XCTAssertEqual(cat(.rural, Assets(vehicles: [Vehicle(kind: exempt)])), .dibao, exempt)
        }
        XCTAssertEqual(cat(.rural, Assets(vehicles: [Vehicle(kind: "car")])), .notLowIncome)
        XCTAssertEqual(cat(.urban, Assets(houses: [House(areaM2: 40)])), .dibao)
        XCTAssertEqual(cat(.urban, Assets(houses: [House(areaM2: 40), House(areaM2: 40)])), .notLowIncome)
        XCTAssertEqual(cat(.rural, Assets(houses: [House(areaM2: 40), House(areaM2: 40)])), .dibao)
        // A car registered with 公安 counts even when the form did not list it.
        let registered = Fx.context { $0.registeredVehicleKinds = ["car"] }
        XCTAssertEqual(category(Fx.household(perCapitaMonthly: 0), registered), .notLowIncome)
    }

    // §4.1.3: no labour ability, no income, no supporter able to support.
    func testTekun() {
        XCTAssertEqual(category(Fx.household(members: [Fx.member(age: 60, occupation: .retired)])), .tekun)
        XCTAssertEqual(category(Fx.household(members: [Fx.member(age: 59, occupation: .unemployed)])), .dibao)
        // An income below the dibao standard is no means of living (第七条): an old person on a small pension is tekun.
        XCTAssertEqual(category(Fx.household(members: [Fx.member(age: 70)], income: Income(transferFen: 1))), .tekun)
        XCTAssertEqual(category(Fx.household(members: [Fx.member(age: 70)], income: Income(transferFen: Fx.ruralStd * 12))), .dibaoEdge)
        XCTAssertEqual(category(Fx.household(members: [Fx.member(age: 15, occupation: .student)])), .tekun)
        XCTAssertEqual(category(Fx.household(members: [Fx.member(age: 16, occupation: .unemployed)])), .dibao)
        XCTAssertEqual(category(Fx.household(members: [Fx.member(age: 17, occupation: .student)])), .tekun)   // 未成年人 at school
        XCTAssertEqual(category(Fx.household(members: [Fx.member(age: 40, health: .disabled, grade: 1, labor: .none)])), .tekun)
        // The measures, not the declared field, say who has no labour ability (第六条).
        XCTAssertEqual(category(Fx.household(members: [Fx.member(age: 40, health: .disabled, grade: 1, labor: .partial)])), .tekun)
        XCTAssertEqual(category(Fx.household(members: [Fx.member(age: 40, occupation: .unemployed, labor: .none)])), .dibao)
        // An adult able to work in the household is a supporter.
        XCTAssertEqual(category(Fx.household(members: [Fx.member(age: 70), Fx.member("子", age: 40, occupation: .unemployed)])), .dibao)
        let elderly = [Fx.member(age: 75, occupation: .retired)]
        let paying = Supporter(relation: "child", name: "李四", idNumber: "x", annualSupportFen: 1)
        let ableButPaysNothing = Supporter(relation: "child", name: "李四", idNumber: "x", health: .healthy, occupation: .employed)
        let unable = Supporter(relation: "child", name: "李四", idNumber: "x", health: .seriousIllness, occupation: .unemployed)
        XCTAssertEqual(category(Fx.household(members: elderly, supporters: [paying])), .dibao)
        XCTAssertEqual(category(Fx.household(members: elderly, supporters: [ableButPaysNothing])), .dibao)
        XCTAssertEqual(category(Fx.household(members: elderly, supporters: [unable])), .tekun)
        let d = Fx.eval(Fx.household(members: elderly))
        XCTAssertEqual(d.categories.prefix(2), [.tekun, .dibao])
    }

    // §4.1.2: single-person dibao in an edge household.
    func testSinglePersonDibao() {
        let edge = Fx.ruralStd + 1
        func spd(_ m: Member, standards: LocalStandards = .defaults, perCapita: Int64 = edge) -> [String] {
            Fx.eval(Fx.household(members: [Fx.member("户主"), m], perCapitaMonthly: perCapita), standards: standards)
                .singlePersonDibao.map(\.name)
        }
        XCTAssertEqual(spd(Fx.member("重残", grade: 2)), ["重残"])
        XCTAssertEqual(spd(Fx.member("一级", grade: 1)), ["一级"])
        XCTAssertEqual(spd(Fx.member("重病", health: .seriousIllness)), ["重病"])
        XCTAssertEqual(spd(Fx.member("慢病", health: .chronicIllness)), [])
        XCTAssertEqual(spd(Fx.member("三级智力", grade: 3, kind: "intellectual")), [])
        let option = try! LocalStandards(json: #"{"version":"v","regions":{"":{"singlePersonGrade3IntellectualMental":true}}}"#)
        XCTAssertEqual(spd(Fx.member("三级智力", grade: 3, kind: "intellectual"), standards: option), ["三级智力"])
        XCTAssertEqual(spd(Fx.member("三级精神", grade: 3, kind: "精神"), standards: option), ["三级精神"])
        XCTAssertEqual(spd(Fx.member("三级肢体", grade: 3, kind: "physical"), standards: option), [])
        XCTAssertEqual(spd(Fx.member("重残", grade: 2), perCapita: Fx.ruralStd - 1), [])   // a dibao household: no need
        XCTAssertEqual(spd(Fx.member("重残", grade: 2), perCapita: Fx.ruralStd * 3 / 2), [])  // not edge
        // A serious-illness diagnosis seen in department data counts too.
        let diagnosed = Fx.context { $0.seriousIllness = ["pk-病"] }
        let d = Fx.eval(Fx.household(members: [Fx.member("户主"), Fx.member("病", key: "pk-病")], perCapitaMonthly: edge), diagnosed)
        XCTAssertEqual(d.singlePersonDibao.first?.idNumber, Fx.member("病").idNumber)
    }

    // §2.1.3: listed by rural revitalization.
    func testAtRisk() {
        XCTAssertEqual(category(Fx.household(perCapitaMonthly: 500_000, flags: ["unstable_after_poverty"])), .atRisk)
        XCTAssertEqual(category(Fx.household(perCapitaMonthly: 500_000, flags: ["edge_at_risk"])), .atRisk)
        XCTAssertEqual(category(Fx.household(perCapitaMonthly: 500_000), Fx.context { $0.monitoredByRuralRevitalization = true }), .atRisk)
        XCTAssertEqual(Fx.eval(Fx.household(perCapitaMonthly: 0, flags: ["edge_at_risk"])).categories, [.dibao, .atRisk])
    }

    // §2.1.4: rigid spending leaving income below the edge line.
    func testRigidSpendingThreshold() {
        let income: Int64 = 1_500_000, edgeAnnual = Fx.ruralStd * 3 / 2 * 12
        func cat(_ medical: Int64) -> Category {
            category(Fx.household(income: Income(wagesFen: income), expenses: Expenses(medicalFen: medical)))
        }
        XCTAssertEqual(cat(income - edgeAnnual - 1), .notLowIncome)
        XCTAssertEqual(cat(income - edgeAnnual), .notLowIncome)
        XCTAssertEqual(cat(income - edgeAnnual + 1), .expenditureHardship)
        // Disability spending, disaster loss and accident costs are rigid too; department medical
        // figures replace a smaller declared one rather than adding to it.
        XCTAssertEqual(category(Fx.household(income: Income(wagesFen: income), expenses: Expenses(disabilityFen: income))), .expenditureHardship)
        XCTAssertEqual(category(Fx.household(income: Income(wagesFen: income)), Fx.context { $0.disasterLossFen = income }), .expenditureHardship)
        let declared = Fx.household(income: Income(wagesFen: income), expenses: Expenses(medicalFen: income - edgeAnnual))
        XCTAssertEqual(category(declared, Fx.context { $0.medicalExpenseFen = ["pk-成员1": income - edgeAnnual] }), .notLowIncome)
    }

    // §2.1.4: a sharp income drop (by half) that leaves basic living in serious hardship; a household
    // whose assets exceed the limits is in no serious hardship.
    func testSharpIncomeDrop() {
        func d(_ now: Int64, _ before: Int64?, assets: Assets? = nil) -> Classifier.Decision {
            Fx.eval(Fx.household(perCapitaMonthly: now, assets: assets, previousPerCapita: before))
        }
        func hardship(_ now: Int64, _ before: Int64?) -> Bool { d(now, before).categories.contains(.expenditureHardship) }
        XCTAssertTrue(hardship(85_000, 170_000))    // exactly half
        XCTAssertTrue(hardship(84_999, 170_000))
        XCTAssertFalse(hardship(85_001, 170_000))   // fell by less than half
        XCTAssertFalse(hardship(85_000, nil))
        XCTAssertFalse(hardship(100_000, 400_000))  // halved but above the edge line (90,000)
        let rich = d(85_000, 170_000, assets: Assets(depositsFen: 100_000_000, houses: [House(areaM2: 80, safety: "safe")]))
        XCTAssertEqual(rich.category, .notLowIncome)
        XCTAssertTrue(rich.fired(.hardshipAssetsOverLimit))
    }

    func testEmergencyOtherAndNotLowIncome() {
        XCTAssertEqual(category(Fx.household(perCapitaMonthly: 500_000), Fx.context { $0.emergency = true }), .expenditureHardship)
        XCTAssertEqual(category(Fx.household(perCapitaMonthly: 500_000, flags: ["other_low_income"])), .otherLowIncome)
        XCTAssertEqual(category(Fx.household(perCapitaMonthly: 500_000), Fx.context { $0.designatedOtherLowIncome = true }), .otherLowIncome)
        let d = Fx.eval(Fx.household(perCapitaMonthly: 500_000))
        XCTAssertEqual(d.categories, [.notLowIncome])
        XCTAssertTrue(d.fired(.notLowIncome))
    }

    func testDeceasedMembersLeaveTheHousehold() {
        let p = Fx.household(members: Fx.adults(2), income: Income(wagesFen: Fx.ruralStd * 12 * 2 - 2))
        XCTAssertEqual(Fx.eval(p).category, .dibao)
        let d = Fx.eval(p, Fx.context { $0.deaths = ["pk-2"] })
        XCTAssertEqual(d.record.householdSize, 1)
        XCTAssertEqual(d.category, .notLowIncome)       // the same income now shared by one person
        XCTAssertTrue(d.fired(.deceasedExcluded))
        XCTAssertEqual(Fx.eval(Fx.household(members: [])).category, .notLowIncome)
    }
}
