// What the classifier has learned about a household from `monitoring.signal.v1` (department
// data), beyond the registry profile. Department facts are kept as dated facts — each with the
// record's date and id — and every rule reads them as of the evaluation date, so a decision
// depends on the facts and `asOf` only, never on the order in which the signals arrived:
// - amounts (medical, disaster, accident) count when dated in the 12 months before `asOf` (§2.1.4);
// - statuses that come and go (rural revitalization's monitoring, a designation, a staff
//   finding) are decided by the latest record dated on or before `asOf` (ties: the greater
//   record id, as departments number their records upwards).
// The undated fields are facts known to hold now (set directly by callers that have them);
// the profile may lag behind the departments, and amounts never double-count (the larger source wins).

/// One dated department fact about a household or one of its members.
public struct DatedFact: Sendable, Equatable, Hashable {
    public var on: CivilDate
    public var recordId: String
    public var personKey: String?
    public var amountFen: Int64
    /// A code the kind of fact reads (a disaster phase, a rural status, an incident kind, …).
    public var code: String?
    /// A second value (a disaster kind, a designation's reason, a hardship description).
    public var detail: String?
    /// An ordering time within the day (RFC 3339) when the record gave one.
    public var at: String?

    public init(on: CivilDate, recordId: String, personKey: String? = nil, amountFen: Int64 = 0, code: String? = nil,
                detail: String? = nil, at: String? = nil) {
        self.on = on; self.recordId = recordId; self.personKey = personKey; self.amountFen = amountFen
        self.code = code; self.detail = detail; self.at = at
    }

    /// Later date, then later time within the day, then greater record id.
    static func isLater(_ a: DatedFact, than b: DatedFact) -> Bool {
        (a.on.dayNumber, a.at ?? "", a.recordId) > (b.on.dayNumber, b.at ?? "", b.recordId)
    }
}

extension Array where Element == DatedFact {
    /// Facts dated in the window of `months` months ending on `asOf` (asOf − months < date ≤ asOf).
    func within(months: Int, of asOf: CivilDate) -> [DatedFact] {
        let start = asOf.adding(months: -months)
        return filter { $0.on > start && $0.on <= asOf }
    }

    /// The latest fact dated on or before `asOf`.
    func latest(asOf: CivilDate) -> DatedFact? {
        var best: DatedFact?
        for f in self where f.on <= asOf {
            if best.map({ DatedFact.isLater(f, than: $0) }) ?? true { best = f }
        }
        return best
    }
}

public struct ClassificationContext: Sendable, Equatable {
    /// Hit by a natural disaster now (§4.2.5), with kind, phase and loss where known.
    public var disasterHit = false
    public var disasterKind: String?
    public var disasterPhase: String?
    public var disasterLossFen: Int64 = 0
    /// A sudden, urgent or catastrophic hardship now (突发性、紧迫性、灾难性困难, §4.3).
    public var emergency = false
    public var emergencyKind: String?
    /// Rigid accident spending (因意外事故, §2.1.4) in the last year, fen.
    public var accidentExpenseFen: Int64 = 0
    /// Person keys diagnosed with a serious illness (重特大疾病) by health or medical insurance.
    public var seriousIllness: Set<String> = []
    /// Out-of-pocket medical spending per person key in the last year, fen.
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
    /// Non-exempt vehicle kinds, houses and business capital registered to members (公安, 自然资源,
    /// 市场监管). Counted only for a household that authorised the verification of its finances (§4).
    public var registeredVehicleKinds: [String] = []
    public var registeredHouseCount = 0
    public var registeredBusinessCapitalFen: Int64 = 0
    /// Listed by rural revitalization (乡村振兴) as unstable after poverty or at risk now (§2.1.3).
    public var monitoredByRuralRevitalization = false
    /// The household is former registered poor (原建档立卡贫困户, §4.1.4).
    public var formerRegisteredPoor = false
    /// The first date the household was found no longer low-income; starts the gradual exit (§4.1.4).
    public var notLowIncomeSince: CivilDate?
    /// Designated other low-income by the local government now (§2.1.5).
    public var designatedOtherLowIncome = false
    /// Domains whose referrals were all denied while the hardship remains (from `WarningLedger`);
    /// non-empty only when every referral of the household was denied (§3.4 special hardship).
    public var deniedReferralDomains: Set<Domain> = []
    /// A special hardship that no policy covers, recorded by staff now (§3.4).
    public var uncoveredHardship: String?

    // Dated department facts (see the file comment).
    /// Medical expenses per record: person, date, amount (医保 `medical_expense`, any amount).
    public var medicalExpenses: [DatedFact] = []
    /// Disaster victim records: `code` the phase, `detail` the disaster kind, amount the loss.
    public var disasters: [DatedFact] = []
    /// Sudden events: `code` the incident kind (`HardshipReason`), amount the rigid spending.
    public var suddenEvents: [DatedFact] = []
    /// Rural revitalization's statuses: `code` `unstable_after_poverty`, `edge_at_risk` or `risk_eliminated`.
    public var ruralStatuses: [DatedFact] = []
    /// County designations: `code` `true`/`false`, `detail` the reason.
    public var designations: [DatedFact] = []
    /// Staff findings of a hardship no policy covers: `detail` the hardship, `code` `resolved` when lifted.
    public var uncoveredHardships: [DatedFact] = []

    public init() {}

    public static let empty = ClassificationContext()

    /// Folds the signals seen for one household; the result does not depend on their order.
    public init(signals: [Signal]) {
        self.init()
        for s in signals { absorb(s) }
        for keyPath in [\ClassificationContext.medicalExpenses, \.disasters, \.suddenEvents, \.ruralStatuses, \.designations,
                        \.uncoveredHardships] {
            self[keyPath: keyPath].sort { ($0.on.dayNumber, $0.at ?? "", $0.recordId) < ($1.on.dayNumber, $1.at ?? "", $1.recordId) }
        }
        registeredVehicleKinds.sort()
    }

    public mutating func absorb(_ s: Signal) {
        let amount = max(0, s.amountFen ?? 0)
        let on = CivilDate(iso: s.occurredOn)
        func dated(code: String? = nil, detail: String? = nil, person: Bool = true) -> DatedFact? {
            on.map { DatedFact(on: $0, recordId: s.recordId, personKey: person ? s.personKey : nil, amountFen: amount,
                               code: code, detail: detail, at: s.attributes["at"]) }
        }
        switch s.kind {
        case .largeMedicalExpense, .medicalExpense:
            if let f = dated() { medicalExpenses.append(f) }
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
            let phase = DisasterPhaseCode.normalised(s.attributes["phase"]) ?? DisasterPhaseCode.defaultPhase
            if let f = dated(code: phase, detail: s.attributes["disasterKind"], person: false) { disasters.append(f) }
        case .suddenEvent:
            let kind = HardshipReason(rawValue: s.attributes["incidentKind"] ?? "")?.rawValue ?? HardshipReason.accident.rawValue
            if let f = dated(code: kind) { suddenEvents.append(f) }
        case .death: deaths.insert(s.personKey)
        case .vehicleRegistration: registeredVehicleKinds.append(s.attributes["kind"] ?? "car")
        case .propertyRegistration: registeredHouseCount += 1
        case .businessRegistration: registeredBusinessCapitalFen += amount
        case .monitoredByRuralRevitalization:
            let status = RuralStatus(s.attributes["status"]) ?? RuralStatus(s.attributes["flag"])
            if let status, let f = dated(code: status.code, person: false) { ruralStatuses.append(f) }
            if RuralStatus.formerRegisteredPoor(s.attributes) { formerRegisteredPoor = true }
        case .lowIncomeDesignation:
            let designated = s.attributes["designated"].map(DeptRecordReading.truth) ?? true
            if let f = dated(code: String(designated), detail: s.attributes["reason"], person: false) { designations.append(f) }
        case .uncoveredHardship:
            let resolved = s.attributes["status"]?.lowercased() == "resolved"
            if let f = dated(code: resolved ? "resolved" : nil, detail: s.attributes["hardship"] ?? "unspecified", person: false) {
                uncoveredHardships.append(f)
            }
        case .unionHardship, .unregisteredCandidate: break
        }
    }
}
