// `relief.application.v1` and `relief.disbursement.v1` (§4.3).

public struct ReliefApplicant: Codable, Sendable, Equatable {
    public var name: String
    public var idNumber: String
    public var phone: String?
    public init(name: String, idNumber: String, phone: String? = nil) { self.name = name; self.idNumber = idNumber; self.phone = phone }
}

public struct ReliefApplication: Codable, Sendable, Equatable {
    public var applicationId: String
    public var householdId: String?
    public var applicant: ReliefApplicant
    public var incidentRegionCode: String
    public var incidentKind: String
    public var description: String?
    public var requestedFen: Int64
    public var urgent: Bool
    public var occurredOn: String
    public var householdSize: Int?
    public init(applicationId: String, householdId: String? = nil, applicant: ReliefApplicant, incidentRegionCode: String,
                incidentKind: String, description: String? = nil, requestedFen: Int64, urgent: Bool, occurredOn: String,
                householdSize: Int? = nil) {
        self.applicationId = applicationId; self.householdId = householdId; self.applicant = applicant
        self.incidentRegionCode = incidentRegionCode; self.incidentKind = incidentKind; self.description = description
        self.requestedFen = requestedFen; self.urgent = urgent; self.occurredOn = occurredOn; self.householdSize = householdSize
    }
}

public enum ApprovalLevel: String, Codable, Sendable { case township, county }

public struct Disbursement: Codable, Sendable, Equatable {
    public var disbursementId: String
    public var applicationId: String
    public var caseId: String
    public var stage: Int
    public var amountFen: Int64
    public var approvedAt: ApprovalLevel
    public var fundedFrom: String
    public var paidAt: String
    public init(disbursementId: String, applicationId: String, caseId: String, stage: Int, amountFen: Int64,
                approvedAt: ApprovalLevel, fundedFrom: String, paidAt: String) {
        self.disbursementId = disbursementId; self.applicationId = applicationId; self.caseId = caseId
        self.stage = stage; self.amountFen = amountFen; self.approvedAt = approvedAt; self.fundedFrom = fundedFrom; self.paidAt = paidAt
    }
}

/// `relief.approval.v1` on relief.applications: the county's approval given outside the HTTP API.
public struct ReliefApproval: Codable, Sendable, Equatable {
    public var caseId: String
    public var approvedFen: Int64
    /// Who approved (a county official's id, never a name).
    public var approver: String
    public init(caseId: String, approvedFen: Int64, approver: String) {
        self.caseId = caseId; self.approvedFen = approvedFen; self.approver = approver
    }
}

/// `relief.fund.replenished.v1` on relief.applications: money added to a township's reserve fund.
public struct FundReplenishment: Codable, Sendable, Equatable {
    public var replenishmentId: String
    /// The township's region code.
    public var township: String
    public var amountFen: Int64
    public init(replenishmentId: String, township: String, amountFen: Int64) {
        self.replenishmentId = replenishmentId; self.township = township; self.amountFen = amountFen
    }
}
