// The figures every rule reads, computed once per evaluation. Income and asset thresholds are
// compared on exact integers (annual fen against monthly standard × 12 × members), so "per-capita
// income at the standard" is never "below" it through rounding.

struct MemberFacts {
    let member: Member
    let age: Int?
    let seriouslyIll: Bool
    let disabilityGrade: Int?
    let disabled: Bool
    let schoolStage: String?

    init(_ m: Member, asOf: CivilDate, context: ClassificationContext) {
        member = m
        let age = MemberFacts.age(of: m, on: asOf)
        self.age = age
        // Most households have no signals: skip hashing the person key against empty collections.
        let key = m.personKey
        seriouslyIll = m.health == .seriousIllness
            || (!context.seriousIllness.isEmpty && key.map { context.seriousIllness.contains($0) } ?? false)
        disabilityGrade = m.disabilityGrade ?? (context.disabilityGrade.isEmpty ? nil : key.flatMap { context.disabilityGrade[$0] })
        disabled = m.health == .disabled || disabilityGrade != nil
        let enrolled = context.enrolled.isEmpty ? nil : key.flatMap { context.enrolled[$0] }
        schoolStage = enrolled.map { $0.isEmpty ? MemberFacts.stage(forAge: age) : $0 }
            ?? (m.occupation == .student ? MemberFacts.stage(forAge: age) : nil)
    }

    var personRef: Classifier.PersonRef { .init(personKey: member.personKey, name: member.name, idNumber: member.idNumber) }

    /// Age on the evaluation date: from the birth date, else the identity number, else as stated.
    static func age(of m: Member, on date: CivilDate) -> Int? {
        if let b = m.birthDate, let d = digitsDate(b, at: 0, separated: true) { return d.age(on: date) }
        if m.idNumber.utf8.count == 18, let d = digitsDate(m.idNumber, at: 6, separated: false) { return d.age(on: date) }
        return m.age ?? m.statedAge
    }

    /// `YYYY-MM-DD` (separated) or `YYYYMMDD` at an offset, read in place without allocating.
    static func digitsDate(_ s: String, at offset: Int, separated: Bool) -> CivilDate? {
        var text = s
        return text.withUTF8 { u -> CivilDate? in
            let width = separated ? 10 : 8
            guard u.count >= offset + width else { return nil }
            func num(_ from: Int, _ count: Int) -> Int? {
                var n = 0
                for i in offset + from ..< offset + from + count {
                    guard u[i] >= 48, u[i] <= 57 else { return nil }
                    n = n * 10 + Int(u[i] - 48)
                }
                return n
            }
            let (mAt, dAt) = separated ? (5, 8) : (4, 6)
            if separated, u[offset + 4] != 45 || u[offset + 7] != 45 { return nil }
            guard let y = num(0, 4), let m = num(mAt, 2), let d = num(dAt, 2) else { return nil }
            return CivilDate(year: y, month: m, day: d)
        }
    }

    /// School stage implied by age when the enrolment record does not say (EducationRules keys).
    static func stage(forAge age: Int?) -> String {
        guard let a = age else { return "unknown" }
        switch a {
        case ..<6: return "preschool"
        case 6...11: return "primary"
        case 12...14: return "junior_secondary"
        case 15...17: return "senior_secondary"
        default: return "higher"
        }
    }

    /// 无劳动能力 for the tekun rule (§4.1.3): aged 60 or over, a minor under 16 (or a minor
    /// still at school), or disabled and unable to work.
    var hasNoLaborAbility: Bool {
        if let a = age, a >= 60 || a < 16 || (a < 18 && schoolStage != nil) { return true }
        return disabled && member.laborAbility == .none
    }
}

struct HouseholdFacts {
    let profile: HouseholdProfile
    let context: ClassificationContext
    let standards: RegionStandards
    let members: [MemberFacts]
    let deceasedCount: Int
    let n: Int64
    let supportFen: Int64
    /// Household income plus supporters' payments, per year.
    let annualIncomeFen: Int64
    let dibaoStandardFen: Int64
    /// The dibao standard times 12 months times members: income below it is below the standard.
    let dibaoAnnualLineFen: Int64
    let financialLimitFen: Int64
    let nonExemptVehicles: [String]
    let houseCount: Int
    /// Out-of-pocket medical spending: the larger of the declared and the department figure.
    let medicalFen: Int64
    let rigidFen: Int64

    init(profile p: HouseholdProfile, context c: ClassificationContext, standards s: RegionStandards, asOf: CivilDate) {
        profile = p; context = c; standards = s
        let live = c.deaths.isEmpty ? p.members : p.members.filter { m in !(m.personKey.map(c.deaths.contains) ?? false) }
        members = live.map { MemberFacts($0, asOf: asOf, context: c) }
        deceasedCount = p.members.count - live.count
        n = Int64(live.count)
        supportFen = p.supporters.reduce(0) { $0 + max(0, $1.annualSupportFen) }
        annualIncomeFen = p.income.totalFen + supportFen
        dibaoStandardFen = s.dibaoStandardFen(p.area)
        dibaoAnnualLineFen = dibaoStandardFen * 12 * n
        financialLimitFen = dibaoStandardFen * s.financialAssetMonths * n
        nonExemptVehicles = p.assets.vehicles.isEmpty && c.registeredVehicleKinds.isEmpty ? []
            : (p.assets.vehicles.map(\.kind) + c.registeredVehicleKinds).filter { !s.isExempt(vehicleKind: $0) }
        houseCount = max(p.assets.houses.count, c.registeredHouseCount)
        let departmentMedical = c.medicalExpenseFen.values.reduce(0, +)
        medicalFen = max(p.expenses.medicalFen, departmentMedical)
        rigidFen = medicalFen + p.expenses.disabilityFen + c.disasterLossFen + c.accidentExpenseFen
    }

    var perCapitaMonthlyFen: Int64 { n > 0 ? annualIncomeFen / (12 * n) : 0 }
    var edgeLineFen: Int64 { dibaoStandardFen * standards.edgeMultiplierPermille / 1_000 }

    var incomeBelowDibao: Bool { annualIncomeFen < dibaoAnnualLineFen }
    /// income < multiplier × standard, compared in permille to stay exact.
    func belowEdgeLine(_ incomeFen: Int64) -> Bool { incomeFen * 1_000 < dibaoAnnualLineFen * standards.edgeMultiplierPermille }

    var financialWithinLimit: Bool { profile.assets.financialFen <= financialLimitFen }
    var urbanHousesWithinLimit: Bool { profile.area == .rural || houseCount <= standards.maxUrbanHouses }
    var assetsWithinLimits: Bool { financialWithinLimit && nonExemptVehicles.isEmpty && urbanHousesWithinLimit }

    /// Medical spending over the burden share of annual income (§4.2.1); any spending with no income.
    var medicalBurden: Bool { medicalFen > 0 && medicalFen * 1_000 > annualIncomeFen * standards.medicalBurdenPermille }

    /// Per-capita income fell by at least the sharp-drop share against the last profile (§2.1.4):
    /// current × 12 × n ≤ previous × 12 × n × (1 − share).
    var sharpIncomeDrop: Bool {
        guard let previous = profile.previousPerCapitaMonthlyFen, previous > 0, n > 0 else { return false }
        return annualIncomeFen * 1_000 <= previous * 12 * n * (1_000 - standards.sharpDropPermille)
    }

    func hasFlag(_ flag: HouseholdFlag) -> Bool { profile.flags.contains(flag.rawValue) }
}
