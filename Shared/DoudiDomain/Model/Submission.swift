// `intake.submission.v1` and `intake.accepted.v1`: the information-collection form
// (低收入人口信息采集表, guideline annex). Money is integer fen; dates are ISO 8601 strings.

public struct Applicant: Codable, Sendable, Equatable {
    public var name: String
    public var gender: Gender?
    public var idNumber: String
    public var phone: String?
    /// Derived at intake: HMAC of the identity number (never the number itself).
    public var personKey: String?

    public init(name: String, gender: Gender? = nil, idNumber: String, phone: String? = nil, personKey: String? = nil) {
        self.name = name; self.gender = gender; self.idNumber = idNumber; self.phone = phone; self.personKey = personKey
    }
}

/// 共同生活家庭成员.
public struct Member: Codable, Sendable, Equatable {
    public var relation: Relation
    public var name: String
    public var idNumber: String
    public var maritalStatus: MaritalStatus?
    public var health: Health
    public var disabilityGrade: Int?
    public var disabilityKind: String?
    public var occupation: Occupation
    public var laborAbility: LaborAbility
    public var monthlyIncomeFen: Int64?
    /// The parts of `monthlyIncomeFen` that the tekun identification measures of 2021 leave out
    /// (特困人员认定办法 第七条: residents' basic pension, old-age allowance, disability living and
    /// care subsidies, …); never more than the income itself.
    public var exemptIncome: [ExemptIncome]?
    /// Stated age on the form, checked against the identity number.
    public var statedAge: Int?
    // Derived at intake.
    public var personKey: String?
    public var birthDate: String?
    public var age: Int?
    public var gender: Gender?

    public init(relation: Relation, name: String, idNumber: String, maritalStatus: MaritalStatus? = nil,
                health: Health = .healthy, disabilityGrade: Int? = nil, disabilityKind: String? = nil,
                occupation: Occupation = .other, laborAbility: LaborAbility = .full, monthlyIncomeFen: Int64? = nil,
                exemptIncome: [ExemptIncome]? = nil,
                statedAge: Int? = nil, personKey: String? = nil, birthDate: String? = nil, age: Int? = nil, gender: Gender? = nil) {
        self.relation = relation; self.name = name; self.idNumber = idNumber; self.maritalStatus = maritalStatus
        self.health = health; self.disabilityGrade = disabilityGrade; self.disabilityKind = disabilityKind
        self.occupation = occupation; self.laborAbility = laborAbility; self.monthlyIncomeFen = monthlyIncomeFen
        self.exemptIncome = exemptIncome
        self.statedAge = statedAge; self.personKey = personKey; self.birthDate = birthDate; self.age = age; self.gender = gender
    }
}

/// Kinds of income the tekun measures do not count (特困人员认定办法 第七条).
public enum ExemptIncomeKind: String, Codable, CaseIterable, Sendable {
    /// 城乡居民基本养老保险基础养老金.
    case residentsBasicPension = "residents_basic_pension"
    /// 高龄津贴.
    case oldAgeAllowance = "old_age_allowance"
    /// 困难残疾人生活补贴.
    case disabilityLivingSubsidy = "disability_living_subsidy"
    /// 重度残疾人护理补贴.
    case severeDisabilityCareSubsidy = "severe_disability_care_subsidy"
    /// 优待、抚恤金 and other benefits and awards the state leaves out.
    case specialCareBenefit = "special_care_benefit"
}

/// One exempt part of a member's monthly income, fen per month.
public struct ExemptIncome: Codable, Sendable, Equatable, Hashable {
    public var kind: ExemptIncomeKind
    public var monthlyFen: Int64
    public init(kind: ExemptIncomeKind, monthlyFen: Int64) { self.kind = kind; self.monthlyFen = monthlyFen }
}

/// 赡抚扶养人: a supporter outside the household.
public struct Supporter: Codable, Sendable, Equatable {
    public var relation: String
    public var name: String
    public var idNumber: String
    public var health: Health?
    public var occupation: Occupation?
    public var annualSupportFen: Int64
    public var personKey: String?

    public init(relation: String, name: String, idNumber: String, health: Health? = nil, occupation: Occupation? = nil,
                annualSupportFen: Int64 = 0, personKey: String? = nil) {
        self.relation = relation; self.name = name; self.idNumber = idNumber; self.health = health
        self.occupation = occupation; self.annualSupportFen = annualSupportFen; self.personKey = personKey
    }
}

/// Annual income, the five kinds of the form.
public struct Income: Codable, Sendable, Equatable {
    public var wagesFen: Int64 = 0
    public var businessFen: Int64 = 0
    public var propertyFen: Int64 = 0
    public var transferFen: Int64 = 0
    public var otherFen: Int64 = 0
    public init(wagesFen: Int64 = 0, businessFen: Int64 = 0, propertyFen: Int64 = 0, transferFen: Int64 = 0, otherFen: Int64 = 0) {
        self.wagesFen = wagesFen; self.businessFen = businessFen; self.propertyFen = propertyFen
        self.transferFen = transferFen; self.otherFen = otherFen
    }
    public var totalFen: Int64 { wagesFen + businessFen + propertyFen + transferFen + otherFen }
}

/// Annual expenses, the six kinds of the form.
public struct Expenses: Codable, Sendable, Equatable {
    public var livingFen: Int64 = 0
    public var socialInsuranceFen: Int64 = 0
    public var employmentCostFen: Int64 = 0
    public var medicalFen: Int64 = 0
    public var disabilityFen: Int64 = 0
    public var otherFen: Int64 = 0
    public init(livingFen: Int64 = 0, socialInsuranceFen: Int64 = 0, employmentCostFen: Int64 = 0,
                medicalFen: Int64 = 0, disabilityFen: Int64 = 0, otherFen: Int64 = 0) {
        self.livingFen = livingFen; self.socialInsuranceFen = socialInsuranceFen; self.employmentCostFen = employmentCostFen
        self.medicalFen = medicalFen; self.disabilityFen = disabilityFen; self.otherFen = otherFen
    }
    /// Rigid spending in the sense of §2.1.4 (medical, disability).
    public var rigidFen: Int64 { medicalFen + disabilityFen }
}

public struct House: Codable, Sendable, Equatable {
    public var address: String?
    public var areaM2: Double
    public var nature: String?
    public var source: String?
    public var acquiredOn: String?
    /// `safe | unsafe` where a rural house's safety is known (dangerous-house appraisal).
    public var safety: String?
    public init(address: String? = nil, areaM2: Double, nature: String? = nil, source: String? = nil,
                acquiredOn: String? = nil, safety: String? = nil) {
        self.address = address; self.areaM2 = areaM2; self.nature = nature; self.source = source
        self.acquiredOn = acquiredOn; self.safety = safety
    }
}

/// Vehicle kinds that do not count against eligibility: `motorcycle`, `agricultural`, `disability_adapted`.
public struct Vehicle: Codable, Sendable, Equatable {
    public var owner: String?
    public var kind: String
    public var plate: String?
    public var purchasedOn: String?
    public var priceFen: Int64?
    public init(owner: String? = nil, kind: String, plate: String? = nil, purchasedOn: String? = nil, priceFen: Int64? = nil) {
        self.owner = owner; self.kind = kind; self.plate = plate; self.purchasedOn = purchasedOn; self.priceFen = priceFen
    }
    public static let exemptKinds: Set<String> = ["motorcycle", "agricultural", "disability_adapted"]
}

public struct Business: Codable, Sendable, Equatable {
    public var name: String?
    public var registeredCapitalFen: Int64?
    public var annualRevenueFen: Int64?
    public init(name: String? = nil, registeredCapitalFen: Int64? = nil, annualRevenueFen: Int64? = nil) {
        self.name = name; self.registeredCapitalFen = registeredCapitalFen; self.annualRevenueFen = annualRevenueFen
    }
}

public struct Assets: Codable, Sendable, Equatable {
    public var depositsFen: Int64 = 0
    public var securitiesFen: Int64 = 0
    public var fundsFen: Int64 = 0
    public var commercialInsuranceFen: Int64 = 0
    public var claimsFen: Int64 = 0
    public var business: [Business] = []
    public var houses: [House] = []
    public var vehicles: [Vehicle] = []
    public var otherFen: Int64 = 0
    public init(depositsFen: Int64 = 0, securitiesFen: Int64 = 0, fundsFen: Int64 = 0, commercialInsuranceFen: Int64 = 0,
                claimsFen: Int64 = 0, business: [Business] = [], houses: [House] = [], vehicles: [Vehicle] = [], otherFen: Int64 = 0) {
        self.depositsFen = depositsFen; self.securitiesFen = securitiesFen; self.fundsFen = fundsFen
        self.commercialInsuranceFen = commercialInsuranceFen; self.claimsFen = claimsFen; self.business = business
        self.houses = houses; self.vehicles = vehicles; self.otherFen = otherFen
    }
    /// Financial assets (RULES.md): deposits + securities + funds + commercial insurance + claims.
    public var financialFen: Int64 { depositsFen + securitiesFen + fundsFen + commercialInsuranceFen + claimsFen }
}

/// `intake.submission.v1` as validated and normalised; `intake.accepted.v1` is the same shape
/// with the derived fields (person keys, ages, `authorizationRequired`, `acceptedAt`) filled in.
public struct Submission: Codable, Sendable, Equatable {
    public var submissionId: String
    public var channel: Channel
    public var regionCode: String
    public var area: Area
    public var registeredAddress: String?
    public var residenceAddress: String?
    public var applicant: Applicant
    public var hardshipReasons: [String]
    public var requestsAssistance: Bool
    public var relativeOfStaff: Bool
    public var members: [Member]
    public var supporters: [Supporter]
    public var income: Income
    public var expenses: Expenses
    public var assets: Assets
    public var declarationSigned: Bool
    public var verificationAuthorized: Bool
    /// The household was registered poor (原建档立卡贫困户, §4.1.4), as the form or the
    /// historical register says; absent means not stated.
    public var formerRegisteredPoor: Bool?
    public var collectedAt: String
    public var collectedBy: String?
    // Derived at intake.
    /// Assistance was requested without the verification authorisation: the classifier asks for it.
    public var authorizationRequired: Bool?
    public var acceptedAt: String?
    /// Accepted with remarks (a retired region code, mapped to its successor): absent when none.
    public var warnings: [FieldError]?

    public init(submissionId: String, channel: Channel, regionCode: String, area: Area,
                registeredAddress: String? = nil, residenceAddress: String? = nil, applicant: Applicant,
                hardshipReasons: [String] = [], requestsAssistance: Bool = false, relativeOfStaff: Bool = false,
                members: [Member], supporters: [Supporter] = [], income: Income = .init(), expenses: Expenses = .init(),
                assets: Assets = .init(), declarationSigned: Bool = false, verificationAuthorized: Bool = false,
                formerRegisteredPoor: Bool? = nil,
                collectedAt: String, collectedBy: String? = nil, authorizationRequired: Bool? = nil, acceptedAt: String? = nil) {
        self.submissionId = submissionId; self.channel = channel; self.regionCode = regionCode; self.area = area
        self.registeredAddress = registeredAddress; self.residenceAddress = residenceAddress; self.applicant = applicant
        self.hardshipReasons = hardshipReasons; self.requestsAssistance = requestsAssistance; self.relativeOfStaff = relativeOfStaff
        self.members = members; self.supporters = supporters; self.income = income; self.expenses = expenses
        self.assets = assets; self.declarationSigned = declarationSigned; self.verificationAuthorized = verificationAuthorized
        self.formerRegisteredPoor = formerRegisteredPoor
        self.collectedAt = collectedAt; self.collectedBy = collectedBy
        self.authorizationRequired = authorizationRequired; self.acceptedAt = acceptedAt
    }
}

/// One field error: where, a stable code, and a message in Chinese and English.
public struct FieldError: Codable, Sendable, Equatable, Hashable {
    public var field: String
    public var code: String
    public var message: String
    public var messageEn: String
    public init(field: String, code: String, message: String, messageEn: String) {
        self.field = field; self.code = code; self.message = message; self.messageEn = messageEn
    }
}

/// `intake.rejected.v1`.
public struct Rejection: Codable, Sendable, Equatable {
    public var submissionId: String
    public var channel: String?
    public var regionCode: String?
    public var errors: [FieldError]
    public var rejectedAt: String?
    public init(submissionId: String, channel: String?, regionCode: String? = nil, errors: [FieldError], rejectedAt: String? = nil) {
        self.submissionId = submissionId; self.channel = channel; self.regionCode = regionCode
        self.errors = errors; self.rejectedAt = rejectedAt
    }
}
