// The one catalogue of the event contract (EVENTS.md): every topic and every `ce_type`, with the
// topics each type travels on. Topic names are built from `Domain.allCases` for the referral
// topics, so a new domain is a new topic everywhere at once (services, `doudi topics create`,
// the AsyncAPI document, the tests). Names here carry no namespace (`Envelope.Topics` adds it).

/// A topic of the contract.
public enum ContractTopic: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case intakeSubmissions, intakeAccepted, intakeRejected, deptRecords, registryHouseholds, monitoringSignals
    case monitoringWarnings, workTasks
    /// `referrals.<domain>`: one topic per referral domain (§3.4).
    case referrals(Domain)
    case reliefApplications, reliefDisbursements, assistanceOutcomes, deadletter
    /// Who read which personal data, when and why (issue 13): every service's reads of households,
    /// explanations and cases. Ids only, never the data read.
    case auditAccess
    /// The worklist's changes (doudi-casework, issue 15).
    case caseworkTasks
    /// `basic-living.payroll`: the monthly payroll of dibao, tekun and single-person dibao (§4.1).
    case basicLivingPayroll
    /// The day begun, one tick per partition (`doudi clock tick`): its own topic, as many
    /// partitions as the registry's, so that only the clock's principal writes it and the ticks
    /// reach every task of a split service (docs/scaling.md, "Event time is per task").
    case clockTicks

    public static var allCases: [ContractTopic] {
        [.intakeSubmissions, .intakeAccepted, .intakeRejected, .deptRecords, .registryHouseholds, .monitoringSignals,
         .monitoringWarnings, .workTasks]
            + Domain.allCases.map(ContractTopic.referrals)
            + [.reliefApplications, .reliefDisbursements, .assistanceOutcomes, .deadletter, .auditAccess, .caseworkTasks, .basicLivingPayroll,
               .clockTicks]
    }

    /// The topic's name without namespace, e.g. `referrals.basic-living`.
    public var name: String {
        switch self {
        case .intakeSubmissions: "intake.submissions"
        case .intakeAccepted: "intake.accepted"
        case .intakeRejected: "intake.rejected"
        case .deptRecords: "dept.records"
        case .registryHouseholds: "registry.households"
        case .monitoringSignals: "monitoring.signals"
        case .monitoringWarnings: "monitoring.warnings"
        case .workTasks: "work.tasks"
        case .referrals(let domain): "referrals.\(domain.rawValue)"
        case .reliefApplications: "relief.applications"
        case .reliefDisbursements: "relief.disbursements"
        case .assistanceOutcomes: "assistance.outcomes"
        case .caseworkTasks: "casework.tasks"
        case .deadletter: "deadletter"
        case .auditAccess: "audit.access"
        case .basicLivingPayroll: "basic-living.payroll"
        case .clockTicks: "clock.ticks"
        }
    }

    public var description: String { name }

    /// The topic with this name (without namespace), if it is one of the contract's.
    public init?(name: String) {
        guard let topic = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = topic
    }

    /// The referral topics, in `Domain` order.
    public static var referralTopics: [ContractTopic] { Domain.allCases.map(ContractTopic.referrals) }
}

/// Every `ce_type` of the contract. The raw value is the wire code.
public enum EventType: String, CaseIterable, Sendable {
    case intakeSubmission = "intake.submission.v1"
    case intakeAccepted = "intake.accepted.v1"
    case intakeRejected = "intake.rejected.v1"
    case deptRecord = "dept.record.v1"
    case registryHousehold = "registry.household.v1"
    case monitoringSignal = "monitoring.signal.v1"
    case monitoringWarning = "monitoring.warning.v1"
    case workTask = "work.task.v1"
    case referral = "referral.v1"
    case referralEscalated = "referral.escalated.v1"
    case assistanceOutcome = "assistance.outcome.v1"
    case reliefApplication = "relief.application.v1"
    case reliefApproval = "relief.approval.v1"
    case reliefFundReplenished = "relief.fund.replenished.v1"
    case reliefDisbursement = "relief.disbursement.v1"
    case auditAccess = "audit.access.v1"
    case caseworkTask = "casework.task.v1"
    case basicLivingPayroll = "basic-living.payroll.v1"
    case clockTick = "clock.tick.v1"

    /// The topics this type is published on.
    public var topics: [ContractTopic] {
        switch self {
        case .intakeSubmission: [.intakeSubmissions]
        case .intakeAccepted: [.intakeAccepted]
        case .intakeRejected: [.intakeRejected]
        case .deptRecord: [.deptRecords]
        case .registryHousehold: [.registryHouseholds]
        case .monitoringSignal: [.monitoringSignals]
        case .monitoringWarning: [.monitoringWarnings]
        case .workTask: [.workTasks]
        case .referral: ContractTopic.referralTopics
        case .referralEscalated, .assistanceOutcome: [.assistanceOutcomes]
        case .reliefApplication, .reliefApproval, .reliefFundReplenished: [.reliefApplications]
        case .reliefDisbursement: [.reliefDisbursements]
        case .auditAccess: [.auditAccess]
        case .caseworkTask: [.caseworkTasks]
        case .basicLivingPayroll: [.basicLivingPayroll]
        case .clockTick: [.clockTicks]
        }
    }

    /// Who may publish this type (`ce_source`) before configuration adds external producers
    /// (channel systems, departments, a county's approval system: docs/departments.md). Consumers
    /// dead-letter the type from any other source. Sources do not depend on the topic namespace.
    /// `assistance.outcome.v1` is scoped by its `domain`: see `outcomeProducers`.
    public var producers: [String] {
        switch self {
        // A home visit's form from the worklist (doudi-casework) is a verified collection (issue 15).
        case .intakeSubmission: ["/doudi/import", "/doudi/casework"]
        // County designations (§2.1.5) are published by the matcher as civil-affairs records.
        case .deptRecord: ["/doudi/import", "/doudi/matcher/designation"]
        case .intakeAccepted, .intakeRejected: ["/doudi/intake"]
        case .registryHousehold, .monitoringSignal: ["/doudi/matcher"]
        case .monitoringWarning: ["/doudi/classifier"]
        case .workTask: ["/doudi/classifier", "/doudi/relief"]
        case .referral, .referralEscalated: ["/doudi/router"]
        case .assistanceOutcome: Domain.allCases.flatMap(Self.outcomeProducers)
        case .reliefDisbursement: ["/doudi/relief"]
        // A county approves through the relief API with a county operator token (§4.3); on the
        // topic, approvals, replenishments and window applications come only from the producers
        // a deployment configures (a county approval system, the finance bureau, township windows).
        case .reliefApproval, .reliefApplication, .reliefFundReplenished: []
        case .auditAccess: ["/doudi/*"]
        case .caseworkTask: ["/doudi/casework"]
        case .basicLivingPayroll: ["/doudi/basic-living"]
        // `doudi clock tick`, which the bureau runs once a day (docs/operations.md).
        case .clockTick: ["/doudi/clock"]
        }
    }

    /// The payload field whose value scopes the producers (`assistance.outcome.v1`: its domain).
    public var producerScopeField: String? { self == .assistanceOutcome ? "domain" : nil }

    /// Who may publish outcomes of `domain`: that domain's handler only (the medical handler
    /// cannot resolve education warnings); relief for emergencies. Domains with no handler in the
    /// suite answer through configured external sources.
    public static func outcomeProducers(_ domain: Domain) -> [String] {
        // The bureau's worklist in every domain: a case conference of the county coordination
        // mechanism records the measures it agreed (一事一议, §3.4) in the domain of each need, and
        // an exit verification closes the programme it verified (§3.4) (doudi-casework, issue 15).
        let casework = ["/doudi/casework"]
        return switch domain {
        case .medical, .education, .housing, .employment, .disaster: ["/doudi/\(domain.rawValue)"] + casework
        case .emergency: ["/doudi/relief"] + casework
        case .basicLiving: ["/doudi/basic-living"] + casework
        default: casework
        }
    }

    /// The types published on `topic`, in catalogue order.
    public static func published(on topic: ContractTopic) -> [EventType] {
        allCases.filter { $0.topics.contains(topic) }
    }
}
