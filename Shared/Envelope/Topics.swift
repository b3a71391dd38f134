import DoudiDomain
import Foundation

/// Topic names as the services use them: the contract's topics (`ContractTopic`, the one
/// catalogue in DoudiDomain/Contract) under this process's namespace.
///
/// `DOUDI_TOPIC_NAMESPACE` (default empty) prefixes every name, so that tests, or two
/// environments on one cluster, never see each other's events.
public enum Topics {
    public static let namespace = ProcessInfo.processInfo.environment["DOUDI_TOPIC_NAMESPACE"] ?? ""

    /// The name of a contract topic under this process's namespace.
    public static func name(_ topic: ContractTopic) -> String { namespace + topic.name }

    public static var intakeSubmissions: String { name(.intakeSubmissions) }
    public static var intakeAccepted: String { name(.intakeAccepted) }
    public static var intakeRejected: String { name(.intakeRejected) }
    public static var deptRecords: String { name(.deptRecords) }
    public static var registryHouseholds: String { name(.registryHouseholds) }
    public static var monitoringSignals: String { name(.monitoringSignals) }
    public static var monitoringWarnings: String { name(.monitoringWarnings) }
    public static var workTasks: String { name(.workTasks) }
    public static var reliefApplications: String { name(.reliefApplications) }
    public static var reliefDisbursements: String { name(.reliefDisbursements) }
    public static var assistanceOutcomes: String { name(.assistanceOutcomes) }
    public static var deadletter: String { name(.deadletter) }

    /// Referral domains' wire codes, in `Domain` order (one topic each).
    public static var referralDomains: [String] { Domain.allCases.map(\.rawValue) }

    /// `referrals.<domain>`.
    public static func referrals(_ domain: Domain) -> String { name(.referrals(domain)) }
    /// `referrals.<domain>` from the domain's wire code.
    public static func referrals(_ domain: String) -> String { namespace + "referrals.\(domain)" }

    public static var all: [String] { all(namespace: namespace) }

    /// Every contract topic under a given namespace (a test's or a benchmark's own).
    public static func all(namespace ns: String) -> [String] { ContractTopic.allCases.map { ns + $0.name } }
}
