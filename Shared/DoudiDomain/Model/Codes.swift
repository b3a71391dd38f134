// Enumerations of the event contract (EVENTS.md). Raw values are the wire codes.

public enum Channel: String, Codable, CaseIterable, Sendable {
    case homeVisit = "home_visit"
    case selfDeclared = "self_declared"
    case grassrootsReport = "grassroots_report"
    case dataComparison = "data_comparison"
    case hotlinePetition = "hotline_petition"
    case historical
}

public enum Area: String, Codable, CaseIterable, Sendable { case urban, rural }

public enum Gender: String, Codable, CaseIterable, Sendable { case male, female }

/// 与申请人关系.
public enum Relation: String, Codable, CaseIterable, Sendable {
    case `self`, spouse, child, parent, grandchild, grandparent, sibling
    case childInLaw = "child_in_law", parentInLaw = "parent_in_law", other
}

public enum MaritalStatus: String, Codable, CaseIterable, Sendable {
    case unmarried, married, divorced, widowed
}

public enum Health: String, Codable, CaseIterable, Sendable {
    case healthy
    case chronicIllness = "chronic_illness"
    case seriousIllness = "serious_illness"
    case disabled
}

public enum Occupation: String, Codable, CaseIterable, Sendable {
    case employed
    case selfEmployed = "self_employed"
    case farming, unemployed, student, retired, preschool, other
}

public enum LaborAbility: String, Codable, CaseIterable, Sendable { case full, partial, none }

/// Referral domains (EVENTS.md); each has its topic `referrals.<domain>`.
public enum Domain: String, Codable, CaseIterable, Sendable {
    case basicLiving = "basic-living"
    case medical, education, housing, employment, disaster, emergency, services, charity, other, coordination

    public var referralTopic: String { "referrals.\(rawValue)" }
}

public enum Category: String, Codable, CaseIterable, Sendable {
    case tekun, dibao
    case dibaoEdge = "dibao_edge"
    case atRisk = "at_risk"
    case expenditureHardship = "expenditure_hardship"
    case otherLowIncome = "other_low_income"
    case notLowIncome = "not_low_income"
}

public enum Disposal: String, Codable, CaseIterable, Sendable {
    case policyNotImplemented = "policy_not_implemented"
    case notCovered = "not_covered"
    case specialHardship = "special_hardship"
    case noLongerEligible = "no_longer_eligible"
}

public enum WarningLevel: String, Codable, CaseIterable, Sendable, Comparable {
    case red, orange, yellow

    /// Default deadline in days (RULES.md: 3, 7 and 15 days).
    public var deadlineDays: Int {
        switch self { case .red: 3; case .orange: 7; case .yellow: 15 }
    }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    private var rank: Int { switch self { case .red: 0; case .orange: 1; case .yellow: 2 } }
}

public enum Department: String, Codable, CaseIterable, Sendable {
    case medicalInsurance = "medical_insurance"
    case education
    case humanResources = "human_resources"
    case housing, health
    case emergencyManagement = "emergency_management"
    case ruralRevitalization = "rural_revitalization"
    case disabledPersonsFederation = "disabled_persons_federation"
    case tradeUnion = "trade_union"
    case civilAffairs = "civil_affairs"
    case publicSecurity = "public_security"
    case naturalResources = "natural_resources"
}

public enum DeptRecordKind: String, Codable, CaseIterable, Sendable {
    case medicalExpense = "medical_expense"
    case seriousIllnessDiagnosis = "serious_illness_diagnosis"
    case disabilityCertificate = "disability_certificate"
    case unemploymentRegistration = "unemployment_registration"
    case employmentRegistration = "employment_registration"
    case studentEnrollment = "student_enrollment"
    case housingStatus = "housing_status"
    case disasterVictim = "disaster_victim"
    case monitoredHousehold = "monitored_household"
    case unionHardship = "union_hardship"
    case death
    case vehicleRegistration = "vehicle_registration"
    case propertyRegistration = "property_registration"
    case businessRegistration = "business_registration"
    /// A sudden event (accident, fire, sudden serious illness, …) reported by emergency management,
    /// public security or health (§4.3); `attributes.incidentKind` is a `HardshipReason` code.
    case suddenEvent = "sudden_event"
    /// Civil affairs: a county operator designates a household other low-income, or lifts it
    /// (§2.1.5); `attributes.designated` (true/false) and `attributes.reason`.
    case lowIncomeDesignation = "low_income_designation"
    /// Civil affairs staff record a hardship that no existing policy addresses (§3.4);
    /// `attributes.hardship`, `attributes.status` = `resolved` lifts it.
    case uncoveredHardship = "uncovered_hardship"
}

public enum OutcomeStatus: String, Codable, CaseIterable, Sendable { case accepted, granted, denied, closed, withdrawn }

public enum TaskKind: String, Codable, CaseIterable, Sendable {
    case homeVisit = "home_visit"
    case randomCheck = "random_check"
    case annualSurvey = "annual_survey"
    case verifyExit = "verify_exit"
    case requestAuthorization = "request_authorization"
    case caseConference = "case_conference"
    case staffRelativeReview = "staff_relative_review"
    case reliefPaperwork = "relief_paperwork"
    /// The county follows up a referral the router escalated (§3.4); issued by doudi-casework.
    case referralFollowUp = "referral_follow_up"
}
