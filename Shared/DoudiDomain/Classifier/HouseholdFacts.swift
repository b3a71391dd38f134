// The figures every rule reads, computed once per evaluation, as of the evaluation date. Income
// and asset thresholds are compared on exact integers (annual fen against monthly standard × 12 ×
// members), so "per-capita income at the standard" is never "below" it through rounding.
// Department facts are read through their dates (ClassificationContext): amounts of the last
// 12 months, the latest status on or before `asOf`.

struct MemberFacts {
    let member: Member
    let age: Int?
    let seriouslyIll: Bool
    let disabilityGrade: Int?
    let disabled: Bool
    let schoolStage: String?
    /// Monthly income the tekun measures leave out (特困人员认定办法 第七条).
    let exemptMonthlyFen: Int64

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
        exemptMonthlyFen = (m.exemptIncome ?? []).reduce(0) { $0 + max(0, $1.monthlyFen) }
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

    /// 无劳动能力 as the tekun identification measures of 2021 define it (第六条, 第二十条): aged 60 or
    /// over; under 16, or under 18 while at school; or a disability the measures list. What the
    /// form declares as labour ability does not decide it.
    var hasNoLaborAbility: Bool {
        if let a = age, a >= 60 || a < 16 || (a < 18 && schoolStage != nil) { return true }
        return hasListedDisability
    }

    /// 第六条(三): intellectual or mental disability of grade 1–3, physical (limb) of grade 1–2,
    /// visual of grade 1. A certificate whose kind is not known counts at grade 1–2 (重度残疾),
    /// multiple disabilities likewise.
    var hasListedDisability: Bool {
        guard disabled, let grade = disabilityGrade else { return false }
        switch MemberFacts.disabilityKind(member.disabilityKind) {
        case .intellectualOrMental: return grade <= 3
        case .physical, .unknown: return grade <= 2
        case .visual: return grade == 1
        case .hearingOrSpeech: return false
        }
    }

    /// Severely disabled in the sense of 第十条(四): grade 1–2, or grade 3 intellectual or mental.
    var severelyDisabled: Bool {
        guard let grade = disabilityGrade else { return false }
        return grade <= 2 || (grade == 3 && MemberFacts.disabilityKind(member.disabilityKind) == .intellectualOrMental)
    }

    enum DisabilityKind { case intellectualOrMental, physical, visual, hearingOrSpeech, unknown }

    static func disabilityKind(_ text: String?) -> DisabilityKind {
        switch text?.lowercased() {
        case "intellectual", "mental", "智力", "精神", "智力残疾", "精神残疾": .intellectualOrMental
        case "physical", "limb", "肢体", "肢体残疾": .physical
        case "visual", "vision", "视力", "视力残疾": .visual
        case "hearing", "speech", "听力", "言语", "听力残疾", "言语残疾": .hearingOrSpeech
        default: .unknown
        }
    }
}

struct HouseholdFacts {
    let profile: HouseholdProfile
    let context: ClassificationContext
    let standards: RegionStandards
    let asOf: CivilDate
    let members: [MemberFacts]
    let deceasedCount: Int
    let n: Int64
    let supportFen: Int64
    /// The household's own annual income: the income block, or the members' own incomes when they
    /// add up to more (the form asks for both; the larger is what the household has).
    let ownIncomeFen: Int64
    /// Own income plus supporters' payments, per year.
    let annualIncomeFen: Int64
    let dibaoStandardFen: Int64
    /// The dibao standard times 12 months times members: income below it is below the standard.
    let dibaoAnnualLineFen: Int64
    /// Financial assets, business capital and other assets (the form's 家庭财产 beyond houses and vehicles).
    let countableAssetsFen: Int64
    let businessCapitalFen: Int64
    let dibaoAssetLimitFen: Int64
    let edgeAssetLimitFen: Int64
    let tekunAssetLimitFen: Int64
    let nonExemptVehicles: [String]
    let houseCount: Int
    /// Whether department registrations of property may be counted (the household authorised verification, §4).
    let authorized: Bool
    /// Out-of-pocket medical spending of the last 12 months: the larger of the declared and the department figure.
    let medicalFen: Int64
    /// Department medical spending of the last 12 months per person key.
    let medicalByPerson: [String: Int64]
    let declaredRecent: Bool
    let disasterLossFen: Int64
    let accidentFen: Int64
    let rigidFen: Int64
    /// A sudden hardship of the last `emergencyWindowDays` (see `findEmergency`), computed once.
    let emergency: (kind: String, on: CivilDate?, personKey: String?)?

    init(profile p: HouseholdProfile, context c: ClassificationContext, standards s: RegionStandards, asOf: CivilDate) {
        profile = p; context = c; standards = s; self.asOf = asOf
        let live = c.deaths.isEmpty ? p.members : p.members.filter { m in !(m.personKey.map(c.deaths.contains) ?? false) }
        members = live.map { MemberFacts($0, asOf: asOf, context: c) }
        deceasedCount = p.members.count - live.count
        n = Int64(live.count)
        supportFen = p.supporters.reduce(0) { $0 + max(0, $1.annualSupportFen) }
        let membersAnnual = live.reduce(Int64(0)) { $0 + max(0, $1.monthlyIncomeFen ?? 0) * 12 }
        ownIncomeFen = max(p.income.totalFen, membersAnnual)
        annualIncomeFen = ownIncomeFen + supportFen
        dibaoStandardFen = s.dibaoStandardFen(p.area)
        dibaoAnnualLineFen = dibaoStandardFen * 12 * n
        authorized = p.verificationAuthorized

        let declaredBusiness = p.assets.business.reduce(Int64(0)) { $0 + max(0, $1.registeredCapitalFen ?? 0) }
        businessCapitalFen = max(declaredBusiness, authorized ? c.registeredBusinessCapitalFen : 0)
        countableAssetsFen = p.assets.financialFen + businessCapitalFen + max(0, p.assets.otherFen)
        let standard = dibaoStandardFen, members = n
        let dibaoLimit = standard * s.financialAssetMonths * members
        dibaoAssetLimitFen = dibaoLimit
        if let months = s.edgeAssetMonths { edgeAssetLimitFen = standard * months * members }
        else { edgeAssetLimitFen = dibaoLimit * s.edgeMultiplierPermille / 1_000 }
        tekunAssetLimitFen = standard * (s.tekunAssetMonths ?? s.financialAssetMonths) * members
        let registeredVehicles = authorized ? c.registeredVehicleKinds : []
        nonExemptVehicles = p.assets.vehicles.isEmpty && registeredVehicles.isEmpty ? []
            : (p.assets.vehicles.map(\.kind) + registeredVehicles).filter { !s.isExempt(vehicleKind: $0) }
        houseCount = max(p.assets.houses.count, authorized ? c.registeredHouseCount : 0)

        // §2.1.4: rigid spending of the last 12 months. The form's annual figures count while the
        // form is at most 12 months old; department records by their own dates.
        let declaredOn = CivilDate(iso: p.fieldGroupSources?[ProfileFieldGroup.expenses.rawValue]?.collectedAt ?? p.collectedAt)
        declaredRecent = declaredOn.map { $0 > asOf.adding(months: -12) } ?? true
        var byPerson = c.medicalExpenseFen
        for e in c.medicalExpenses.within(months: 12, of: asOf) {
            byPerson[e.personKey ?? "", default: 0] += e.amountFen
        }
        medicalByPerson = byPerson
        let departmentMedical = byPerson.values.reduce(0, +)
        medicalFen = max(declaredRecent ? p.expenses.medicalFen : 0, departmentMedical)
        disasterLossFen = c.disasterLossFen + c.disasters.within(months: 12, of: asOf).reduce(0) { $0 + $1.amountFen }
        accidentFen = c.accidentExpenseFen + c.suddenEvents.within(months: 12, of: asOf).reduce(0) { $0 + $1.amountFen }
        rigidFen = medicalFen + (declaredRecent ? p.expenses.disabilityFen : 0) + disasterLossFen + accidentFen
        emergency = Self.findEmergency(p, c, s, asOf: asOf)
    }

    var perCapitaMonthlyFen: Int64 { n > 0 ? annualIncomeFen / (12 * n) : 0 }
    var edgeLineFen: Int64 { dibaoStandardFen * standards.edgeMultiplierPermille / 1_000 }

    var incomeBelowDibao: Bool { annualIncomeFen < dibaoAnnualLineFen }
    /// income < multiplier × standard, compared in permille to stay exact.
    func belowEdgeLine(_ incomeFen: Int64) -> Bool { incomeFen * 1_000 < dibaoAnnualLineFen * standards.edgeMultiplierPermille }

    var financialWithinLimit: Bool { countableAssetsFen <= dibaoAssetLimitFen }
    var urbanHousesWithinLimit: Bool { profile.area == .rural || houseCount <= standards.maxUrbanHouses }
    var propertyWithinLimits: Bool { nonExemptVehicles.isEmpty && urbanHousesWithinLimit }
    /// The dibao limits (§4.1.1).
    var assetsWithinLimits: Bool { financialWithinLimit && propertyWithinLimits }
    /// The edge household's own limits (§2.1.3), also used for expenditure hardship (§2.1.4).
    var edgeAssetsWithinLimits: Bool { countableAssetsFen <= edgeAssetLimitFen && propertyWithinLimits }
    /// The local tekun limits (特困人员认定办法 第七条).
    var tekunAssetsWithinLimits: Bool { countableAssetsFen <= tekunAssetLimitFen && propertyWithinLimits }

    /// Medical spending over the burden share of annual income (§4.2.1); any spending with no income.
    var medicalBurden: Bool { medicalFen > 0 && medicalFen * 1_000 > annualIncomeFen * standards.medicalBurdenPermille }

    func personalMedicalFen(_ m: MemberFacts) -> Int64? { m.member.personKey.flatMap { medicalByPerson[$0] } }

    /// Per-capita income fell by at least the sharp-drop share against the last profile (§2.1.4):
    /// current × 12 × n ≤ previous × 12 × n × (1 − share).
    var sharpIncomeDrop: Bool {
        guard let previous = profile.previousPerCapitaMonthlyFen, previous > 0, n > 0 else { return false }
        return annualIncomeFen * 1_000 <= previous * 12 * n * (1_000 - standards.sharpDropPermille)
    }

    func hasFlag(_ flag: HouseholdFlag) -> Bool { profile.flags.contains(flag.rawValue) }

    // MARK: statuses as of the evaluation date

    /// Rural revitalization's latest status on or before `asOf`, when a record gave one.
    var ruralStatus: DatedFact? { context.ruralStatuses.latest(asOf: asOf) }

    /// Listed as unstable after poverty or at risk (§2.1.3): the latest dated status decides; without
    /// one, the profile's flags.
    var listedAtRisk: Bool {
        if let latest = ruralStatus { return latest.code != RuralStatus.riskEliminated.code }
        return hasFlag(.unstableAfterPoverty) || hasFlag(.edgeAtRisk) || context.monitoredByRuralRevitalization
    }

    /// The date the risk was eliminated, when that is the latest status.
    var riskEliminatedOn: CivilDate? {
        guard let latest = ruralStatus, latest.code == RuralStatus.riskEliminated.code else { return nil }
        return latest.on
    }

    var formerRegisteredPoor: Bool { hasFlag(.formerRegisteredPoor) || context.formerRegisteredPoor }

    /// The county's designation as other low-income (§2.1.5) as of `asOf`: the latest dated record,
    /// else the profile's designation or flag. Returns the reason when designated.
    var designation: (designated: Bool, reason: String)? {
        if let latest = context.designations.latest(asOf: asOf) { return (latest.code == "true", latest.detail ?? "") }
        if let d = profile.designation, CivilDate(iso: d.on).map({ $0 <= asOf }) ?? true { return (d.designated, d.reason) }
        if hasFlag(.otherLowIncome) || context.designatedOtherLowIncome { return (true, "") }
        return nil
    }

    /// A hardship that no policy covers, recorded by staff and not lifted (§3.4).
    var uncoveredHardship: String? {
        if let latest = context.uncoveredHardships.latest(asOf: asOf) {
            return latest.code == "resolved" ? context.uncoveredHardship : latest.detail
        }
        return context.uncoveredHardship
    }

    /// The disaster the household is in (§4.2.5): the latest victim record of the last 12 months
    /// (phase, kind, its date), else one known to hold now.
    var disaster: (phase: String, kind: String?, on: CivilDate?)? {
        if let latest = context.disasters.within(months: 12, of: asOf).latest(asOf: asOf) {
            return (latest.code ?? DisasterPhaseCode.defaultPhase, latest.detail, latest.on)
        }
        guard context.disasterHit else { return nil }
        return (DisasterPhaseCode.normalised(context.disasterPhase) ?? DisasterPhaseCode.defaultPhase, context.disasterKind, nil)
    }

    /// A sudden, urgent or catastrophic hardship of the last `emergencyWindowDays` (§4.3): a
    /// department's sudden-event record, a sudden reason on a recent form, or one known to hold now.
    static func findEmergency(_ profile: HouseholdProfile, _ context: ClassificationContext, _ standards: RegionStandards,
                              asOf: CivilDate) -> (kind: String, on: CivilDate?, personKey: String?)? {
        let start = asOf.adding(days: -standards.emergencyWindowDays)
        if !context.suddenEvents.isEmpty,
           let latest = context.suddenEvents.filter({ $0.on >= start && $0.on <= asOf }).latest(asOf: asOf) {
            return (latest.code ?? HardshipReason.accident.rawValue, latest.on, latest.personKey)
        }
        if !profile.hardshipReasons.isEmpty,
           let reason = profile.hardshipReasons.lazy.compactMap(HardshipReason.init(rawValue:)).first(where: \.isSudden),
           let declared = CivilDate(iso: profile.collectedAt), declared >= start, declared <= asOf {
            return (reason.rawValue, declared, nil)
        }
        if context.emergency { return (context.emergencyKind ?? "unspecified", nil, nil) }
        return nil
    }
}
