import XCTest
import DoudiDomain

/// §2.1.2, §4.1.3: tekun per person, as the national tekun identification measures of 2021
/// (特困人员认定办法, 民发〔2021〕43号) define it — no labour ability (第六条), no means of living
/// (第七条), no supporter able to support (第八条 – 第十条).
final class ClassifierTekunTests: XCTestCase {
    func tekun(_ p: HouseholdProfile, _ c: ClassificationContext = .empty, standards: LocalStandards = .defaults) -> [String] {
        let d = Fx.eval(p, c, standards: standards)
        return d.needs(in: .basicLiving).filter { $0.reason == "eligible_tekun" }.compactMap(\.name)
    }

    /// "An old person living alone on a small pension is tekun, not dibao."
    func testOldPersonAloneOnASmallPension() throws {
        let p = Fx.household(members: [Fx.member("独居老人", age: 72, occupation: .retired)], income: Income(transferFen: 20_000 * 12))
        let d = Fx.eval(p)
        XCTAssertEqual(d.category, .tekun)
        let need = try XCTUnwrap(d.warning(.basicLiving, .notCovered)?.needs.first)
        XCTAssertEqual(need.reason, "eligible_tekun")
        XCTAssertEqual(need.personKey, "pk-独居老人", "judged per person: the need names the person")
        XCTAssertEqual(need.facts["category"], "tekun")
        XCTAssertEqual(need.clause, "§4.1.3")
        XCTAssertEqual(d.warning(.basicLiving, .notCovered)?.level, .red)
        // A pension at the dibao standard is a means of living.
        XCTAssertEqual(tekun(Fx.household(members: [Fx.member("独居老人", age: 72)], income: Income(transferFen: Fx.ruralStd * 12))), [])
    }

    /// 第七条: the residents' basic pension, the old-age allowance, the disability living and care subsidies
    /// are not counted as income.
    func testExemptIncomesAreLeftOut() {
        func person(_ monthly: Int64, exempt: [ExemptIncome]) -> HouseholdProfile {
            var m = Fx.member("老人", age: 81, occupation: .retired, monthlyIncomeFen: monthly)
            m.exemptIncome = exempt
            return Fx.household(members: [m], income: Income(transferFen: monthly * 12))
        }
        let pension = ExemptIncome(kind: .residentsBasicPension, monthlyFen: 20_000)
        let allowance = ExemptIncome(kind: .oldAgeAllowance, monthlyFen: 10_000)
        XCTAssertEqual(tekun(person(89_999, exempt: [pension, allowance])), ["老人"], "89,999 − 30,000 < 60,000")
        XCTAssertEqual(tekun(person(90_000, exempt: [pension, allowance])), [], "90,000 − 30,000 = 60,000 is not below")
        XCTAssertEqual(tekun(person(70_000, exempt: [])), [])
        // Without a member figure, the exempt part is taken from the household's income shared per person.
        var m = Fx.member("老人", age: 81, occupation: .retired)
        m.exemptIncome = [ExemptIncome(kind: .disabilityLivingSubsidy, monthlyFen: 15_000)]
        XCTAssertEqual(tekun(Fx.household(members: [m], income: Income(transferFen: 74_999 * 12))), ["老人"])
        XCTAssertEqual(tekun(Fx.household(members: [m], income: Income(transferFen: 75_000 * 12))), [])
    }

    /// 第六条: 60 or over; under 16, or under 18 at school; intellectual or mental disability grade 1–3,
    /// physical grade 1–2, visual grade 1. The declared labour ability does not decide.
    func testNoLabourAbility() {
        func alone(_ m: Member) -> [String] { tekun(Fx.household(members: [m])) }
        XCTAssertEqual(alone(Fx.member("六十", age: 60)), ["六十"])
        XCTAssertEqual(alone(Fx.member("五九", age: 59, occupation: .unemployed, labor: .none)), [], "declared 'none' is not the test")
        XCTAssertEqual(alone(Fx.member("十五", age: 15, occupation: .other)), ["十五"])
        XCTAssertEqual(alone(Fx.member("十七学生", age: 17, occupation: .student)), ["十七学生"])
        XCTAssertEqual(alone(Fx.member("十七", age: 17, occupation: .unemployed)), [])
        XCTAssertEqual(alone(Fx.member("智力三级", age: 30, health: .disabled, grade: 3, kind: "intellectual", labor: .partial)), ["智力三级"])
        XCTAssertEqual(alone(Fx.member("精神三级", age: 30, health: .disabled, grade: 3, kind: "精神")), ["精神三级"])
        XCTAssertEqual(alone(Fx.member("肢体二级", age: 30, health: .disabled, grade: 2, kind: "physical")), ["肢体二级"])
        XCTAssertEqual(alone(Fx.member("肢体三级", age: 30, health: .disabled, grade: 3, kind: "physical", labor: .none)), [])
        XCTAssertEqual(alone(Fx.member("视力一级", age: 30, health: .disabled, grade: 1, kind: "visual")), ["视力一级"])
        XCTAssertEqual(alone(Fx.member("视力二级", age: 30, health: .disabled, grade: 2, kind: "visual")), [])
        XCTAssertEqual(alone(Fx.member("听力一级", age: 30, health: .disabled, grade: 1, kind: "hearing")), [])
        // A certificate seen in department data counts too.
        let c = Fx.context { $0.disabilityGrade["pk-证"] = 1 }
        XCTAssertEqual(tekun(Fx.household(members: [Fx.member("证", age: 30, kind: "physical")]), c), ["证"])
    }

    /// Judged per person: in an old couple without income both are tekun; an adult able to work in the
    /// household is a legal supporter, whatever his employment.
    func testPerPersonAndSupportersInTheHousehold() {
        XCTAssertEqual(tekun(Fx.household(members: [Fx.member("夫", age: 75), Fx.member("妻", age: 72)])), ["夫", "妻"])
        XCTAssertEqual(tekun(Fx.household(members: [Fx.member("父", age: 70), Fx.member("子", age: 40, occupation: .unemployed)])), [])
        // 第十条(六): a seriously ill son without work cannot support (one in work can); 第十条(四): nor a
        // severely disabled one without income.
        XCTAssertEqual(tekun(Fx.household(members: [Fx.member("父", age: 70),
                                                    Fx.member("子", age: 40, health: .seriousIllness, occupation: .unemployed)])), ["父"])
        XCTAssertEqual(tekun(Fx.household(members: [Fx.member("父", age: 70), Fx.member("子", age: 40, health: .seriousIllness)])), [])
        XCTAssertEqual(tekun(Fx.household(members: [Fx.member("父", age: 70),
                                                    Fx.member("子", age: 40, health: .disabled, grade: 2, kind: "hearing")])), ["父"])
        // A child is not a supporter: a grandmother and her grandson are both tekun.
        XCTAssertEqual(tekun(Fx.household(members: [Fx.member("祖母", age: 68), Fx.member("孙", age: 8, occupation: .student)])),
                       ["祖母", "孙"])
        // 第十条(二): a spouse of 60 or more in a household within the dibao line cannot support; one with a
        // pension above the standard is not tekun herself.
        let couple = Fx.household(members: [Fx.member("夫", age: 66), Fx.member("妻", age: 63, monthlyIncomeFen: 65_000)],
                                  income: Income(transferFen: 65_000 * 12))
        XCTAssertEqual(tekun(couple), ["夫"])
        XCTAssertEqual(Fx.eval(couple).categories.prefix(2), [.tekun, .dibao])
    }

    /// Supporters outside the household (第八条 – 第十条): able unless aged 70 or more or severely
    /// disabled without work, or seriously ill; paying support shows the ability.
    func testSupportersOutsideTheHousehold() {
        let elderly = [Fx.member("老人", age: 80)]
        func with(_ s: Supporter) -> [String] { tekun(Fx.household(members: elderly, supporters: [s])) }
        XCTAssertEqual(with(Supporter(relation: "son", name: "子", idNumber: "110105198001010011", occupation: .unemployed)), [],
                       "a healthy son of 46 without work is still able to support")
        XCTAssertEqual(with(Supporter(relation: "son", name: "子", idNumber: "110105198001010011", health: .seriousIllness)), ["老人"])
        XCTAssertEqual(with(Supporter(relation: "son", name: "子", idNumber: "110105198001010011", health: .seriousIllness,
                                      occupation: .employed)), [], "seriously ill but in work")
        XCTAssertEqual(with(Supporter(relation: "brother", name: "兄", idNumber: "110105195001010011", occupation: .retired)), ["老人"],
                       "76 and not in work")
        XCTAssertEqual(with(Supporter(relation: "brother", name: "兄", idNumber: "110105195001010011", occupation: .employed)), [])
        XCTAssertEqual(with(Supporter(relation: "son", name: "子", idNumber: "110105198001010011", health: .disabled)), ["老人"])
        XCTAssertEqual(with(Supporter(relation: "son", name: "子", idNumber: "110105198001010011", health: .seriousIllness,
                                      annualSupportFen: 1)), [], "paying support")
    }

    /// 第七条: property within the local tekun limits (default: the dibao limit; `tekunAssetMonths`).
    func testTekunAssetLimit() {
        let limit = Fx.ruralStd * 24
        func assets(_ fen: Int64) -> HouseholdProfile {
            Fx.household(members: [Fx.member("老人", age: 80)], assets: Assets(depositsFen: fen, houses: [House(areaM2: 60, safety: "safe")]))
        }
        XCTAssertEqual(tekun(assets(limit)), ["老人"])
        XCTAssertEqual(tekun(assets(limit + 1)), [])
        let strict = try! LocalStandards(json: #"{"version":"v","regions":{"":{"tekunAssetMonths":12}}}"#)
        XCTAssertEqual(tekun(assets(Fx.ruralStd * 12 + 1), standards: strict), [])
        XCTAssertEqual(tekun(assets(Fx.ruralStd * 12), standards: strict), ["老人"])
        XCTAssertEqual(tekun(Fx.household(members: [Fx.member("老人", age: 80)], assets: Assets(vehicles: [Vehicle(kind: "car")]))), [])
    }

    /// A tekun programme of the person, or of the whole household, covers; one that ends is reviewed.
    func testCoverageAndExitPerPerson() {
        let couple = [Fx.member("夫", age: 75), Fx.member("妻", age: 72)]
        let one = Fx.eval(Fx.household(members: couple, programs: [Fx.program(.basicLiving, "tekun", person: "pk-夫")]))
        XCTAssertEqual(one.warning(.basicLiving, .policyNotImplemented)?.needs.map(\.name), ["妻"],
                       "the husband receives tekun support, his wife's has not landed (§3.2)")
        XCTAssertEqual(Fx.eval(Fx.household(members: couple, programs: [Fx.program(.basicLiving, "tekun")])).warnings, [])
        let recovered = Fx.eval(Fx.household(members: [Fx.member("夫", age: 75, monthlyIncomeFen: 70_000), Fx.member("妻", age: 72)],
                                             income: Income(transferFen: 70_000 * 12),
                                             programs: [Fx.program(.basicLiving, "tekun", person: "pk-夫"),
                                                        Fx.program(.basicLiving, "tekun", person: "pk-妻")]))
        XCTAssertEqual(recovered.warning(.basicLiving, .noLongerEligible)?.needs.map(\.name), ["夫"])
    }
}
