import XCTest
import DoudiDomain

/// Builders shared by the classifier tests. Defaults describe a household that needs nothing:
/// healthy employed adults with a safe house (rural) or a large enough flat (urban).
enum Fx {
    static let asOf = CivilDate(year: 2026, month: 10, day: 1)!
    static let urbanStd: Int64 = 80_000
    static let ruralStd: Int64 = 60_000

    static func member(_ name: String = "张三", key: String? = nil, age: Int = 40, health: Health = .healthy,
                       grade: Int? = nil, kind: String? = nil, occupation: Occupation = .employed,
                       labor: LaborAbility = .full, monthlyIncomeFen: Int64? = nil) -> Member {
        Member(relation: .self, name: name, idNumber: "110105\(asOf.year - age)0101001X",
               health: health, disabilityGrade: grade, disabilityKind: kind, occupation: occupation, laborAbility: labor,
               monthlyIncomeFen: monthlyIncomeFen, personKey: key ?? "pk-\(name)",
               birthDate: "\(asOf.year - age)-01-01")
    }

    static func adults(_ n: Int) -> [Member] { (1...n).map { member("成员\($0)", key: "pk-\($0)") } }

    /// Annual wages giving exactly `perCapitaMonthly` per member per month.
    static func income(perCapitaMonthly fen: Int64, members n: Int) -> Income { Income(wagesFen: fen * 12 * Int64(n)) }

    static func household(id: String = "H1", region: String = "110105001", area: Area = .rural, members: [Member]? = nil,
                          perCapitaMonthly: Int64? = nil, income: Income? = nil, supporters: [Supporter] = [],
                          expenses: Expenses = .init(), assets: Assets? = nil, programs: [Program] = [],
                          flags: [String] = [], authorized: Bool = true, relativeOfStaff: Bool = false,
                          previousPerCapita: Int64? = nil, version: Int = 1) -> HouseholdProfile {
        let ms = members ?? adults(1)
        let inc = income ?? perCapitaMonthly.map { Self.income(perCapitaMonthly: $0, members: ms.count) } ?? Income()
        let house = area == .urban ? House(areaM2: 30 * Double(ms.count)) : House(areaM2: 80, safety: "safe")
        return HouseholdProfile(householdId: id, version: version, regionCode: region, area: area, members: ms,
                                supporters: supporters, income: inc, expenses: expenses, assets: assets ?? Assets(houses: [house]),
                                programs: programs, flags: flags, verificationAuthorized: authorized,
                                relativeOfStaff: relativeOfStaff, previousPerCapitaMonthlyFen: previousPerCapita,
                                collectedAt: "2026-09-01T00:00:00Z", updatedAt: "2026-09-01T00:00:00Z")
    }

    static func eval(_ p: HouseholdProfile, _ c: ClassificationContext = .empty, standards: LocalStandards = .defaults,
                     asOf: CivilDate = asOf) -> Classifier.Decision {
        Classifier.evaluate(profile: p, context: c, standards: standards, asOf: asOf)
    }

    static func program(_ domain: Domain, _ name: String, person: String? = nil) -> Program {
        Program(domain: domain, program: name, personKey: person, since: "2025-01-01")
    }

    static func context(_ edit: (inout ClassificationContext) -> Void) -> ClassificationContext {
        var c = ClassificationContext()
        edit(&c)
        return c
    }

    static func date(_ iso: String) -> CivilDate { CivilDate(iso: iso)! }
}

extension Classifier.Decision {
    var warningKinds: [String] { warnings.map { "\($0.domain.rawValue)/\($0.disposal.rawValue)" } }
    var needDomains: Set<Domain> { Set(needs.map(\.domain)) }
}

final class ClassifierFixturesTests: XCTestCase {
    /// The baseline household of the fixtures needs nothing: the other tests change one thing at a time.
    func testBaselineNeedsNothing() {
        for area in Area.allCases {
            let d = Fx.eval(Fx.household(area: area, perCapitaMonthly: 500_000))
            XCTAssertEqual(d.category, .notLowIncome)
            XCTAssertEqual(d.needs, [])
            XCTAssertEqual(d.warnings, [])
            XCTAssertEqual(d.tasks, [])
            XCTAssertEqual(d.record.standardsVersion, "default")
        }
    }
}
