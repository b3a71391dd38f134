// `dept.record.v1`, `registry.household.v1` and `monitoring.signal.v1`.

/// A department's data-comparison record (§2.2.4, §3.3.3).
public struct DeptRecord: Codable, Sendable, Equatable {
    public var recordId: String
    public var department: Department
    public var kind: DeptRecordKind
    public var idNumber: String
    public var name: String
    public var regionCode: String?
    public var occurredOn: String
    public var amountFen: Int64?
    public var attributes: [String: String]
    public init(recordId: String, department: Department, kind: DeptRecordKind, idNumber: String, name: String,
                regionCode: String? = nil, occurredOn: String, amountFen: Int64? = nil, attributes: [String: String] = [:]) {
        self.recordId = recordId; self.department = department; self.kind = kind; self.idNumber = idNumber
        self.name = name; self.regionCode = regionCode; self.occurredOn = occurredOn; self.amountFen = amountFen
        self.attributes = attributes
    }
}

/// A programme a household (or one of its members) receives now.
public struct Program: Codable, Sendable, Equatable, Hashable {
    public var domain: Domain
    public var program: String
    public var personKey: String?
    public var amountFen: Int64?
    public var since: String
    public init(domain: Domain, program: String, personKey: String? = nil, amountFen: Int64? = nil, since: String) {
        self.domain = domain; self.program = program; self.personKey = personKey; self.amountFen = amountFen; self.since = since
    }
}

/// Two channels disagreed on a field group; the later collection won.
public struct Conflict: Codable, Sendable, Equatable {
    public var fieldGroup: String
    public var kept: String
    public var discarded: String
    public var rule: String
    public init(fieldGroup: String, kept: String, discarded: String, rule: String) {
        self.fieldGroup = fieldGroup; self.kept = kept; self.discarded = discarded; self.rule = rule
    }
}

/// What a reader of `registry.household.v1` that needs only a household's people decodes: its id,
/// version and members' keys, names and identity numbers (a tolerant reader: the rest of the
/// profile, most of its bytes, is skipped). The router's copy of the registry reads this; decoding
/// the whole profile was a sixth of the router's CPU (docs/benchmarks.md).
public struct HouseholdPeople: Decodable, Sendable, Equatable {
    public struct Person: Decodable, Sendable, Equatable {
        public var personKey: String?
        public var name: String
        public var idNumber: String
        public init(personKey: String?, name: String, idNumber: String) {
            self.personKey = personKey; self.name = name; self.idNumber = idNumber
        }
    }
    public var householdId: String
    public var version: Int
    public var members: [Person]
    public init(householdId: String, version: Int, members: [Person]) {
        self.householdId = householdId; self.version = version; self.members = members
    }
    public init(_ p: HouseholdProfile) {
        self.init(householdId: p.householdId, version: p.version,
                  members: p.members.map { Person(personKey: $0.personKey, name: $0.name, idNumber: $0.idNumber) })
    }
}

/// `registry.household.v1`: the full snapshot of a household, `version` + 1 per change.
public struct HouseholdProfile: Codable, Sendable, Equatable {
    public var householdId: String
    public var version: Int
    public var regionCode: String
    public var area: Area
    public var members: [Member]
    public var supporters: [Supporter]
    public var income: Income
    public var expenses: Expenses
    public var assets: Assets
    public var channels: [Channel]
    public var sourceSubmissions: [String]
    public var programs: [Program]
    public var flags: [String]
    public var verificationAuthorized: Bool
    public var relativeOfStaff: Bool
    public var requestsAssistance: Bool
    public var hardshipReasons: [String]
    public var conflicts: [Conflict]
    /// Per-capita monthly income before its latest change (the version before the one that changed
    /// it; unchanged by versions that leave the income as it was), for the sharp-drop rule (§2.1.4).
    public var previousPerCapitaMonthlyFen: Int64?
    public var collectedAt: String
    public var updatedAt: String
    /// The county's designation as other low-income (§2.1.5), the latest one recorded; lifted
    /// designations stay on record with `designated` false.
    public var designation: LowIncomeDesignation?
    /// When and from which submission or department record each field group (`ProfileFieldGroup`)
    /// was last set, for "latest collection wins, per field group". Absent groups date from `collectedAt`.
    public var fieldGroupSources: [String: FieldGroupSource]?
    /// The fact time this version describes the household as of (RFC 3339, as written): versions
    /// are published in fact-time order, and a fact that arrives late publishes the points after
    /// it again, so the latest version of each `asOf` is the household as of then.
    public var asOf: String?
    /// What department data says of its members up to `asOf` (the signals of the records applied),
    /// without names or identity numbers.
    public var departmentFacts: [Signal]?
    /// Unverified collections whose facts differ from verified ones they could not overwrite (to verify).
    public var unverifiedClaims: [UnverifiedClaim]?

    public init(householdId: String, version: Int, regionCode: String, area: Area, members: [Member],
                supporters: [Supporter] = [], income: Income = .init(), expenses: Expenses = .init(), assets: Assets = .init(),
                channels: [Channel] = [], sourceSubmissions: [String] = [], programs: [Program] = [], flags: [String] = [],
                verificationAuthorized: Bool = false, relativeOfStaff: Bool = false, requestsAssistance: Bool = false,
                hardshipReasons: [String] = [], conflicts: [Conflict] = [], previousPerCapitaMonthlyFen: Int64? = nil,
                collectedAt: String, updatedAt: String, designation: LowIncomeDesignation? = nil,
                fieldGroupSources: [String: FieldGroupSource]? = nil,
                asOf: String? = nil, departmentFacts: [Signal]? = nil, unverifiedClaims: [UnverifiedClaim]? = nil) {
        self.householdId = householdId; self.version = version; self.regionCode = regionCode; self.area = area
        self.members = members; self.supporters = supporters; self.income = income; self.expenses = expenses
        self.assets = assets; self.channels = channels; self.sourceSubmissions = sourceSubmissions
        self.programs = programs; self.flags = flags; self.verificationAuthorized = verificationAuthorized
        self.relativeOfStaff = relativeOfStaff; self.requestsAssistance = requestsAssistance
        self.hardshipReasons = hardshipReasons; self.conflicts = conflicts
        self.previousPerCapitaMonthlyFen = previousPerCapitaMonthlyFen; self.collectedAt = collectedAt; self.updatedAt = updatedAt
        self.designation = designation
        self.fieldGroupSources = fieldGroupSources
        self.asOf = asOf; self.departmentFacts = departmentFacts; self.unverifiedClaims = unverifiedClaims
    }
}

/// A county operator's designation of a household as other low-income, or its lifting (§2.1.5).
public struct LowIncomeDesignation: Codable, Sendable, Equatable {
    public var designated: Bool
    public var reason: String
    /// The date of the designation record, and the operator's id (never a name).
    public var on: String
    public var by: String?
    public var recordId: String
    public init(designated: Bool, reason: String, on: String, by: String? = nil, recordId: String) {
        self.designated = designated; self.reason = reason; self.on = on; self.by = by; self.recordId = recordId
    }
}

/// Kinds of `monitoring.signal.v1`.
public enum SignalKind: String, Codable, CaseIterable, Sendable {
    case largeMedicalExpense = "large_medical_expense"
    case seriousIllness = "serious_illness"
    case disability
    case unemployment
    case employment
    case schoolEnrollment = "school_enrollment"
    case housingHardship = "housing_hardship"
    case disaster
    case death
    case vehicleRegistration = "vehicle_registration"
    case propertyRegistration = "property_registration"
    case businessRegistration = "business_registration"
    case monitoredByRuralRevitalization = "monitored_by_rural_revitalization"
    case unionHardship = "union_hardship"
    case unregisteredCandidate = "unregistered_candidate"
    /// A medical expense below the large-expense threshold: accumulates per person over 12 months (§2.1.4).
    case medicalExpense = "medical_expense"
    case suddenEvent = "sudden_event"
    case lowIncomeDesignation = "low_income_designation"
    case uncoveredHardship = "uncovered_hardship"
}

/// `monitoring.signal.v1`: a change seen in department data, or an unregistered candidate.
public struct Signal: Codable, Sendable, Equatable {
    public var signalId: String
    public var kind: SignalKind
    public var householdId: String?
    public var personKey: String
    public var regionCode: String?
    public var department: Department
    public var recordKind: DeptRecordKind
    public var recordId: String
    public var occurredOn: String
    public var amountFen: Int64?
    public var attributes: [String: String]
    /// True on the matcher's take-back of an `unregistered_candidate` signal: the person turned out
    /// to be registered (their household was read after the department's record), so no home visit
    /// is needed and the signal stands for nothing (Convergence: the same as had the registration
    /// been read first). Absent otherwise.
    public var retracted: Bool?
    public init(signalId: String, kind: SignalKind, householdId: String?, personKey: String, regionCode: String?,
                department: Department, recordKind: DeptRecordKind, recordId: String, occurredOn: String,
                amountFen: Int64? = nil, attributes: [String: String] = [:], retracted: Bool? = nil) {
        self.signalId = signalId; self.kind = kind; self.householdId = householdId; self.personKey = personKey
        self.regionCode = regionCode; self.department = department; self.recordKind = recordKind
        self.recordId = recordId; self.occurredOn = occurredOn; self.amountFen = amountFen; self.attributes = attributes
        self.retracted = retracted
    }
}
