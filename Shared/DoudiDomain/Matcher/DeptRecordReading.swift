// What a department record means for the registry (§2.2.4, §3.3.3): which signal it raises
// for a registered person, whether the household's authorisation allows it to be applied (§4),
// and whether it marks hardship for someone not yet registered.

/// Thresholds of the data comparison.
public struct ComparisonSettings: Sendable, Equatable {
    /// A medical expense at or above this (fen) is a `large_medical_expense` (and makes an
    /// unregistered person a candidate); smaller ones are `medical_expense` signals, which the
    /// classifier adds up per person over 12 months (§2.1.4).
    public var largeMedicalExpenseFen: Int64
    /// Disability grades whose certificate makes an unregistered person a candidate (1 and 2: severe).
    public var candidateDisabilityGrades: ClosedRange<Int>

    public init(largeMedicalExpenseFen: Int64 = 1_000_000, candidateDisabilityGrades: ClosedRange<Int> = 1...2) {
        self.largeMedicalExpenseFen = largeMedicalExpenseFen; self.candidateDisabilityGrades = candidateDisabilityGrades
    }
    public static let standard = ComparisonSettings()
}

struct DeptRecordReading {
    let record: DeptRecord
    let settings: ComparisonSettings

    var grade: Int? { Self.grade(record.attributes["grade"]) }

    var isLargeMedicalExpense: Bool { (record.amountFen ?? 0) >= settings.largeMedicalExpenseFen }

    /// `housing_status` marks hardship when the house is unsafe or there is none.
    var isHousingHardship: Bool {
        ["status", "safety"].contains { key in
            record.attributes[key].map { ["unsafe", "none"].contains($0.lowercased()) } ?? false
        }
    }

    /// Rural revitalization's monitoring status; nil when unknown.
    var ruralStatus: RuralStatus? { RuralStatus(record.attributes["status"]) }

    /// Registrations of property (vehicles, houses, businesses) are the household's finances: the
    /// verification authorisation (核查授权, annex; §4 preamble) is what allows them to be applied.
    var needsVerificationAuthorization: Bool {
        [.vehicleRegistration, .propertyRegistration, .businessRegistration].contains(record.kind)
    }

    /// The signal for a registered person, nil when the record shows no change worth one.
    var signalKind: SignalKind? {
        switch record.kind {
        case .medicalExpense: isLargeMedicalExpense ? .largeMedicalExpense : .medicalExpense
        case .seriousIllnessDiagnosis: .seriousIllness
        case .disabilityCertificate: .disability
        case .unemploymentRegistration: .unemployment
        case .employmentRegistration: .employment
        case .studentEnrollment: .schoolEnrollment
        case .housingStatus: isHousingHardship ? .housingHardship : nil
        case .disasterVictim: .disaster
        case .death: .death
        case .vehicleRegistration: .vehicleRegistration
        case .propertyRegistration: .propertyRegistration
        case .businessRegistration: .businessRegistration
        case .monitoredHousehold: .monitoredByRuralRevitalization
        case .unionHardship: .unionHardship
        case .suddenEvent: .suddenEvent
        case .lowIncomeDesignation: .lowIncomeDesignation
        case .uncoveredHardship: .uncoveredHardship
        }
    }

    /// Lists that mark hardship: their unregistered people become candidates for a home visit.
    var marksHardship: Bool {
        switch record.kind {
        case .monitoredHousehold: ruralStatus != .riskEliminated
        case .disabilityCertificate: grade.map(settings.candidateDisabilityGrades.contains) ?? false
        case .unionHardship, .suddenEvent: true
        case .medicalExpense: isLargeMedicalExpense
        default: false
        }
    }

    /// The record's attributes without personal data, with the interpreted values normalised.
    var signalAttributes: [String: String] {
        var attributes = record.attributes.filter { !PersonalFields.names.contains($0.key) }
        if let grade { attributes["grade"] = String(grade) }
        if let status = ruralStatus, record.kind == .monitoredHousehold {
            attributes["status"] = status.code
            if let flag = status.flag { attributes["flag"] = flag }
        }
        if record.kind == .monitoredHousehold, RuralStatus.formerRegisteredPoor(record.attributes) {
            attributes["formerRegisteredPoor"] = "true"
        }
        if record.kind == .disasterVictim, let phase = DisasterPhaseCode.normalised(record.attributes["phase"]) {
            attributes["phase"] = phase
        }
        if record.kind == .lowIncomeDesignation { attributes["designated"] = String(designated) }
        return attributes
    }

    /// A designation record designates unless it says `designated` false.
    var designated: Bool { record.attributes["designated"].map(Self.truth) ?? true }

    /// "2", "2级", "二级" → 2.
    static func grade(_ text: String?) -> Int? {
        guard let first = text?.drop(while: { $0 == " " }).first else { return nil }
        if let digit = first.wholeNumberValue { return digit }
        let numerals: [Character: Int] = ["一": 1, "二": 2, "三": 3, "四": 4]
        return numerals[first]
    }

    /// `true`, `1`, `yes`, `是` are true; anything else is false.
    static func truth(_ text: String) -> Bool { ["true", "1", "yes", "是", "y"].contains(text.lowercased()) }

    /// The truth values `truth` reads, for validation (anything else is an error there).
    static let truthWords: Set<String> = ["true", "1", "yes", "是", "y", "false", "0", "no", "否", "n"]
}

/// Rural revitalization's monitoring categories (§2.1.3).
enum RuralStatus: Equatable {
    case unstableAfterPoverty, edgeAtRisk, riskEliminated

    static let flags = ["unstable_after_poverty", "edge_at_risk"]

    init?(_ text: String?) {
        switch text?.lowercased() {
        case "unstable_after_poverty", "unstable", "脱贫不稳定户": self = .unstableAfterPoverty
        case "edge_at_risk", "edge", "边缘易致贫户": self = .edgeAtRisk
        case "risk_eliminated", "风险消除", "风险已消除": self = .riskEliminated
        default: return nil
        }
    }

    var code: String {
        switch self {
        case .unstableAfterPoverty: "unstable_after_poverty"
        case .edgeAtRisk: "edge_at_risk"
        case .riskEliminated: "risk_eliminated"
        }
    }

    var flag: String? {
        switch self {
        case .unstableAfterPoverty: "unstable_after_poverty"
        case .edgeAtRisk: "edge_at_risk"
        case .riskEliminated: nil
        }
    }

    /// A record says the household was registered poor (原建档立卡, 脱贫户, §4.1.4).
    static func formerRegisteredPoor(_ attributes: [String: String]) -> Bool {
        if let v = attributes["formerRegisteredPoor"], DeptRecordReading.truth(v) { return true }
        return ["former_registered_poor", "poverty_alleviated", "脱贫户", "原建档立卡户"].contains(attributes["registration"]?.lowercased() ?? "")
    }
}
