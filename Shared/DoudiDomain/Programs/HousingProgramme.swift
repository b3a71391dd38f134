// Housing assistance (§4.2.3): urban low-income households get public rental housing or a
// rental subsidy; rural households in unsafe houses get a dangerous-house renovation grant.

public struct HousingRules: DefaultedRules {
    /// Urban standard living area per household member, in m². Default 15.
    public var standardAreaPerPersonM2: Int
    /// Urban rental subsidy per m² short of the standard area, per month, in fen. Default 2,000 (20 yuan).
    public var rentalSubsidyPerM2Fen: Int64
    /// Whether an urban household with no home is offered a public rental unit (else a subsidy
    /// for the whole standard area). Default true.
    public var publicRentalForNoHome: Bool
    /// Rural renovation grant by house safety grade (C: repair, D: rebuild), in fen, at most
    /// once a year per household. Defaults C 800,000 (8,000 yuan), D 2,000,000 (20,000 yuan).
    public var renovationGrantFen: [String: Int64]

    public init() {
        standardAreaPerPersonM2 = 15
        rentalSubsidyPerM2Fen = 2_000
        publicRentalForNoHome = true
        renovationGrantFen = ["C": 800_000, "D": 2_000_000]
    }

    private enum CodingKeys: String, CodingKey {
        case standardAreaPerPersonM2, rentalSubsidyPerM2Fen, publicRentalForNoHome, renovationGrantFen
    }
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self), d = Self()
        standardAreaPerPersonM2 = try c.value(.standardAreaPerPersonM2, or: d.standardAreaPerPersonM2)
        rentalSubsidyPerM2Fen = try c.value(.rentalSubsidyPerM2Fen, or: d.rentalSubsidyPerM2Fen)
        publicRentalForNoHome = try c.value(.publicRentalForNoHome, or: d.publicRentalForNoHome)
        renovationGrantFen = try c.value(.renovationGrantFen, or: d.renovationGrantFen)
    }
}

public struct HousingProgramme: Programme {
    public static let domain = Domain.housing
    public static let program = "housing_assistance"
    public var rules: RegionalRules<HousingRules>
    public init(rules: RegionalRules<HousingRules> = .init()) { self.rules = rules }

    public func assess(_ need: Need, in referral: Referral, rules: HousingRules, paid: inout PaidToDate,
                       on date: CivilDate) -> [ProgrammeDecision] {
        switch referral.area {
        case .urban: urban(need, rules)
        case .rural: [rural(need, referral, rules, &paid)]
        case nil: [.deny(Self.program, "urban or rural area unknown (§4.2.3)")]
        }
    }

    /// Rental subsidy (monthly) = ⌊shortfall m² × rate⌋, the shortfall measured in 0.01 m²
    /// against members × standard area; nothing when the living area meets the standard.
    private func urban(_ need: Need, _ rules: HousingRules) -> [ProgrammeDecision] {
        let members = max(1, need.integer("householdSize") ?? 1)
        guard members <= 100 else { return [.deny("rental_subsidy", "implausible household size \(members) (§4.2.3)")] }
        let standard = FenMath.product(members, Int64(rules.standardAreaPerPersonM2), 100)
        let noHome = need.facts["housingStatus"] == "no_home"
        if noHome && rules.publicRentalForNoHome {
            return [.grant("public_rental_housing", nil, "no home: allocate public rental housing (§4.2.3)")]
        }
        guard let area = noHome ? 0 : need.hundredths("areaM2") else {
            return [.deny("rental_subsidy", "no living area given (§4.2.3)")]
        }
        let shortfall = standard - area
        let monthly = shortfall > 0 ? FenMath.fraction(shortfall, times: rules.rentalSubsidyPerM2Fen, over: 100) : 0
        guard monthly > 0 else {
            return [.deny("rental_subsidy", "living area \(m2(area)) meets the standard \(m2(standard)) for \(members) (§4.2.3)")]
        }
        return [.grant("rental_subsidy", monthly, "monthly rental subsidy for \(m2(shortfall)) below the standard "
                       + "\(m2(standard)) at \(FenMath.yuan(rules.rentalSubsidyPerM2Fen)) per m² (§4.2.3)")]
    }

    private func rural(_ need: Need, _ referral: Referral, _ rules: HousingRules, _ paid: inout PaidToDate) -> ProgrammeDecision {
        let program = "dangerous_house_renovation"
        guard let grade = need.facts["houseGrade"]?.uppercased() else {
            return .deny(program, "no house safety grade given (§4.2.3)")
        }
        guard let grant = rules.renovationGrantFen[grade] else {
            return .deny(program, "house graded \(grade) is not a dangerous house (§4.2.3)")
        }
        // A house is renovated once: the grant is an annual cap for the whole household.
        return paid.cash(program, grant, cap: grant, for: referral.householdId,
                         what: "grade \(grade) dangerous house renovation grant \(FenMath.yuan(grant))", clause: "§4.2.3")
    }

    private func m2(_ hundredths: Int64) -> String { "\(FenMath.hundredths(hundredths)) m²" }
}
