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
    /// `basic-living.payroll`: the monthly payroll of dibao, tekun and single-person dibao (§4.1).
    case basicLivingPayroll

    public static var allCases: [ContractTopic] {
        [.intakeSubmissions, .intakeAccepted, .intakeRejected, .deptRecords, .registryHouseholds, .monitoringSignals,
         .monitoringWarnings, .workTasks]
            + Domain.allCases.map(ContractTopic.referrals)
            + [.reliefApplications, .reliefDisbursements, .assistanceOutcomes, .deadletter, .basicLivingPayroll]
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
        case .deadletter: "deadletter"
        case .basicLivingPayroll: "basic-living.payroll"
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
    case basicLivingPayroll = "basic-living.payroll.v1"

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
        case .basicLivingPayroll: [.basicLivingPayroll]
        }
    }

    /// The types published on `topic`, in catalogue order.
    public static func published(on topic: ContractTopic) -> [EventType] {
        allCases.filter { $0.topics.contains(topic) }
    }
}
