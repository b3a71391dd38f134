// What the classifier has learned about a household from `monitoring.signal.v1` (department
// data) and from its own ledger, beyond the registry profile. The profile may lag behind the
// departments; the context never double-counts: amounts take the larger of the two sources.

public struct ClassificationContext: Sendable, Equatable {
    /// Hit by a natural disaster (应急管理 `disaster_victim`), with the loss where known (§4.2.5).
    public var disasterHit = false
    public var disasterKind: String?
    public var disasterLossFen: Int64 = 0
    /// A sudden, urgent or catastrophic hardship (突发性、紧迫性、灾难性困难, §4.3).
    public var emergency = false
    public var emergencyKind: String?
    /// Rigid accident spending (因意外事故, §2.1.4) in the last year, fen.
    public var accidentExpenseFen: Int64 = 0
    /// Person keys diagnosed with a serious illness (重特大疾病) by health or medical insurance.
    public var seriousIllness: Set<String> = []
    /// Out-of-pocket medical spending per person key in the last year (医保 `medical_expense`), fen.
    public var medicalExpenseFen: [String: Int64] = [:]
    /// Disability certificates seen: person key → grade (1–4).
    public var disabilityGrade: [String: Int] = [:]
    /// Person keys registered unemployed / newly employed (人社).
    public var unemployed: Set<String> = []
    public var employed: Set<String> = []
    /// Enrolled students: person key → school stage (`primary`, `junior_secondary`, ...).
    public var enrolled: [String: String] = [:]
    /// Person keys who cannot look after themselves (生活不能自理, §4.4).
    public var unableToSelfCare: Set<String> = []
    /// Housing status from 住建: an unsafe rural house (with its grade), or no home.
    public var unsafeHouse = false
    public var houseGrade: String?
    public var noHome = false
    /// Person keys reported dead (公安); they leave the household and may need funeral aid (§4.2.6).
    public var deaths: Set<String> = []
    /// Non-exempt vehicle kinds and houses registered to members (公安, 自然资源).
    public var registeredVehicleKinds: [String] = []
    public var registeredHouseCount = 0
    /// Listed by rural revitalization (乡村振兴) as unstable after poverty or at risk (§2.1.3).
    public var monitoredByRuralRevitalization = false
    /// The household is former registered poor (原建档立卡贫困户, §4.1.4).
    public var formerRegisteredPoor = false
    /// The first date the household was found no longer low-income; starts the gradual exit (§4.1.4).
    public var notLowIncomeSince: CivilDate?
    /// Designated other low-income by the local government (§2.1.5).
    public var designatedOtherLowIncome = false
    /// Domains whose referrals were all denied while the hardship remains (from `WarningLedger`);
    /// non-empty only when every referral of the household was denied (§3.4 special hardship).
    public var deniedReferralDomains: Set<Domain> = []
    /// A special hardship that no policy covers, recorded by staff (§3.4).
    public var uncoveredHardship: String?

    public init() {}

    public static let empty = ClassificationContext()

    /// Folds the signals seen for one household, in any order (amounts add up, flags stick).
    public init(signals: [Signal]) {
        self.init()
        for s in signals { absorb(s) }
    }

    public mutating func absorb(_ s: Signal) {
        let amount = max(0, s.amountFen ?? 0)
        switch s.kind {
        case .largeMedicalExpense: medicalExpenseFen[s.personKey, default: 0] += amount
        case .seriousIllness: seriousIllness.insert(s.personKey)
        case .disability:
            if let g = s.attributes["grade"].flatMap({ Int($0) }), (1...4).contains(g) { disabilityGrade[s.personKey] = g }
        case .unemployment: unemployed.insert(s.personKey); employed.remove(s.personKey)
        case .employment: employed.insert(s.personKey); unemployed.remove(s.personKey)
        case .schoolEnrollment: enrolled[s.personKey] = s.attributes["schoolStage"] ?? s.attributes["stage"] ?? ""
        case .housingHardship:
            let status = s.attributes["housingStatus"] ?? s.attributes["status"]
            if status == "no_home" { noHome = true } else { unsafeHouse = true }
            houseGrade = s.attributes["houseGrade"] ?? houseGrade
        case .disaster:
            disasterHit = true
            disasterLossFen += amount
            disasterKind = s.attributes["disasterKind"] ?? disasterKind
        case .death: deaths.insert(s.personKey)
        case .vehicleRegistration: registeredVehicleKinds.append(s.attributes["kind"] ?? "car")
        case .propertyRegistration: registeredHouseCount += 1
        case .monitoredByRuralRevitalization:
            monitoredByRuralRevitalization = true
            if s.attributes["formerRegisteredPoor"] == "true" { formerRegisteredPoor = true }
        case .businessRegistration, .unionHardship, .unregisteredCandidate: break
        }
    }
}
