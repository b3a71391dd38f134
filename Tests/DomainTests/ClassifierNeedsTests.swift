import XCTest
import DoudiDomain

/// Needs by domain (§4.2 – §4.5) with their clause and facts; dibao households by default so
/// that needs apply (the guideline offers them to low-income households). They receive dibao, so
/// a need not met yet is policy_not_implemented (§3.2).
final class ClassifierNeedsTests: XCTestCase {
    func dibao(_ members: [Member], area: Area = .rural, assets: Assets? = nil, expenses: Expenses = .init(),
               _ c: ClassificationContext = .empty, programs: [Program] = [Fx.program(.basicLiving, "dibao")]) -> Classifier.Decision {
        Fx.eval(Fx.household(area: area, members: members, perCapitaMonthly: 10_000, expenses: expenses, assets: assets,
                             programs: programs), c)
    }

    func testEducationCopiesPersonAndStage() throws {
        let d = dibao([Fx.member("户主"), Fx.member("学生", key: "pk-s", age: 13, occupation: .student)])
        let need = try XCTUnwrap(d.needs(in: .education).first)
        XCTAssertEqual(need.clause, "§4.2.2")
        XCTAssertEqual(need.personKey, "pk-s")
        XCTAssertEqual(need.name, "学生")
        XCTAssertEqual(need.idNumber, Fx.member(age: 13).idNumber)
        XCTAssertEqual(need.facts["schoolStage"], "junior_secondary")
        let enrolled = dibao([Fx.member("户主"), Fx.member("学生", key: "pk-s", age: 19, occupation: .other)],
                             Fx.context { $0.enrolled = ["pk-s": "vocational"] })
        XCTAssertEqual(enrolled.needs(in: .education).first?.facts["schoolStage"], "vocational")
        XCTAssertEqual(enrolled.warning(.education, .policyNotImplemented)?.level, .yellow)
    }

    // §4.2.1: out-of-pocket medical above 10% of annual income; at 10% it is not above.
    func testMedicalBurdenThreshold() {
        let income: Int64 = 10_000 * 12
        func burden(_ medical: Int64) -> [Need] {
            dibao([Fx.member()], expenses: Expenses(medicalFen: medical)).needs(in: .medical).filter { $0.reason == "medical_burden" }
        }
        XCTAssertEqual(burden(income / 10 - 1), [])
        XCTAssertEqual(burden(income / 10), [])
        XCTAssertEqual(burden(income / 10 + 1).first?.facts["medicalFen"], String(income / 10 + 1))
    }

    func testIllnessNeedsAndLevels() {
        let ill = [Fx.member("病人", health: .seriousIllness)]
        let light = dibao(ill)
        XCTAssertEqual(light.needs(in: .medical).map(\.reason), ["serious_illness"])
        XCTAssertEqual(light.warning(.medical, .policyNotImplemented)?.level, .orange)
        XCTAssertEqual(light.needs(in: .charity).first?.clause, "§4.5")   // §4.5: every serious illness
        XCTAssertEqual(light.warning(.charity, .policyNotImplemented)?.level, .yellow)
        let heavy = dibao(ill, expenses: Expenses(medicalFen: 500_000))
        XCTAssertEqual(heavy.warning(.medical, .policyNotImplemented)?.level, .red)
        XCTAssertEqual(heavy.warning(.charity, .policyNotImplemented)?.level, .red)
        let chronic = dibao([Fx.member(health: .chronicIllness)])
        XCTAssertEqual(chronic.needs(in: .medical).first?.facts["illness"], "chronic_illness")
        XCTAssertEqual(chronic.needs(in: .charity), [])
    }

    // §4.2.3: urban no home / too little area; rural unsafe house.
    func testHousing() {
        let three = Fx.adults(3)
        XCTAssertEqual(dibao(three, area: .urban, assets: Assets()).needs(in: .housing).first?.facts["housingStatus"], "no_home")
        let small = dibao(three, area: .urban, assets: Assets(houses: [House(areaM2: 44.99)])).needs(in: .housing)
        XCTAssertEqual(small.first?.facts["areaM2"], "44.99")
        XCTAssertEqual(small.first?.facts["householdSize"], "3")
        XCTAssertEqual(dibao(three, area: .urban, assets: Assets(houses: [House(areaM2: 45)])).needs(in: .housing), [])
        let unsafe = dibao(three, assets: Assets(houses: [House(areaM2: 60, safety: "unsafe")]))
        XCTAssertEqual(unsafe.needs(in: .housing).first?.reason, "unsafe_house")
        XCTAssertEqual(unsafe.warning(.housing, .policyNotImplemented)?.level, .orange)
        let graded = dibao(three, Fx.context { $0.unsafeHouse = true; $0.houseGrade = "D" })
        XCTAssertEqual(graded.needs(in: .housing).first?.facts["houseGrade"], "D")
    }

    // §4.2.4: urban unemployed; rural any member able to work who is not employed.
    func testEmployment() {
        func jobs(_ area: Area, _ m: Member, _ c: ClassificationContext = .empty) -> Int {
            dibao([m], area: area, assets: area == .urban ? Assets(houses: [House(areaM2: 50)]) : nil, c).needs(in: .employment).count
        }
        XCTAssertEqual(jobs(.urban, Fx.member(occupation: .unemployed)), 1)
        XCTAssertEqual(jobs(.urban, Fx.member(occupation: .farming)), 0)
        XCTAssertEqual(jobs(.rural, Fx.member(occupation: .farming)), 1)
        XCTAssertEqual(jobs(.rural, Fx.member(occupation: .employed)), 0)
        XCTAssertEqual(jobs(.urban, Fx.member(age: 59, occupation: .unemployed)), 1)
        XCTAssertEqual(jobs(.urban, Fx.member(age: 60, occupation: .unemployed)), 0)
        XCTAssertEqual(jobs(.urban, Fx.member(age: 15, occupation: .unemployed)), 0)
        XCTAssertEqual(jobs(.urban, Fx.member(occupation: .unemployed, labor: .none)), 0)
        XCTAssertEqual(jobs(.urban, Fx.member(key: "k", occupation: .employed), Fx.context { $0.unemployed = ["k"] }), 1)
        XCTAssertEqual(jobs(.urban, Fx.member(key: "k", occupation: .unemployed), Fx.context { $0.employed = ["k"] }), 0)
        let need = dibao([Fx.member(occupation: .unemployed, labor: .partial)], area: .urban,
                         assets: Assets(houses: [House(areaM2: 50)])).needs(in: .employment).first
        XCTAssertEqual(need?.facts, ["laborAbility": "partial", "age": "40", "occupation": "unemployed"])
    }

    func testDisasterEmergencyServicesOther() {
        let c = Fx.context {
            $0.disasterHit = true; $0.disasterKind = "flood"; $0.disasterLossFen = 1_000
            $0.emergency = true; $0.deaths = ["pk-已故"]
        }
        let d = dibao([Fx.member(), Fx.member("残", grade: 1, kind: "physical"), Fx.member("已故", key: "pk-已故")], c)
        XCTAssertEqual(d.needs(in: .disaster).first?.facts["lossFen"], "1000")
        XCTAssertEqual(d.warning(.disaster, .policyNotImplemented)?.level, .red)
        XCTAssertEqual(d.warning(.emergency, .policyNotImplemented)?.level, .red)
        XCTAssertEqual(d.needs(in: .services).map(\.name), ["残"])
        XCTAssertEqual(d.warning(.services, .policyNotImplemented)?.level, .orange)
        XCTAssertEqual(Set(d.needs(in: .other).compactMap { $0.facts["subsidyKind"] }), ["funeral", "disability_living"])
        let heating = try! LocalStandards(json: #"{"version":"v","regions":{"":{"heatingSubsidy":true}}}"#)
        XCTAssertEqual(Fx.eval(Fx.household(perCapitaMonthly: 0), standards: heating).needs(in: .other).first?.facts["subsidyKind"], "heating")
    }

    /// §4.2 measures are for low-income households: a household above the edge line gets none.
    func testNoSpecialisedNeedsAboveTheLowIncomeLines() {
        let d = Fx.eval(Fx.household(members: [Fx.member(health: .seriousIllness), Fx.member("学", age: 10, occupation: .student)],
                                     perCapitaMonthly: 500_000))
        XCTAssertEqual(d.category, .notLowIncome)
        XCTAssertEqual(d.needs, [])
    }

    func testNeedsAreInDomainOrderAndGroupedPerWarning() {
        let d = dibao([Fx.member("甲", age: 8, occupation: .student), Fx.member("乙", age: 12, occupation: .student),
                       Fx.member("丙", health: .seriousIllness)])
        XCTAssertEqual(d.needs.map(\.domain), d.needs.map(\.domain).sorted { Domain.allCases.firstIndex(of: $0)! < Domain.allCases.firstIndex(of: $1)! })
        let education = d.warnings.filter { $0.domain == .education }
        XCTAssertEqual(education.count, 1)
        XCTAssertEqual(education.first?.needs.map(\.name), ["甲", "乙"])
        XCTAssertEqual(education.first?.deadlineDays, 15)
    }
}
