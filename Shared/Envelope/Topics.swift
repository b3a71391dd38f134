import Foundation

/// Every topic of the event contract (EVENTS.md), for `doudi topics create` and the services.
///
/// `DOUDI_TOPIC_NAMESPACE` (default empty) prefixes every name, so that tests, or two
/// environments on one cluster, never see each other's events.
public enum Topics {
    public static let namespace = ProcessInfo.processInfo.environment["DOUDI_TOPIC_NAMESPACE"] ?? ""

    public static var intakeSubmissions: String { namespace + "intake.submissions" }
    public static var intakeAccepted: String { namespace + "intake.accepted" }
    public static var intakeRejected: String { namespace + "intake.rejected" }
    public static var deptRecords: String { namespace + "dept.records" }
    public static var registryHouseholds: String { namespace + "registry.households" }
    public static var monitoringSignals: String { namespace + "monitoring.signals" }
    public static var monitoringWarnings: String { namespace + "monitoring.warnings" }
    public static var workTasks: String { namespace + "work.tasks" }
    public static var reliefApplications: String { namespace + "relief.applications" }
    public static var reliefDisbursements: String { namespace + "relief.disbursements" }
    public static var assistanceOutcomes: String { namespace + "assistance.outcomes" }
    public static var deadletter: String { namespace + "deadletter" }

    public static let referralDomains = ["basic-living", "medical", "education", "housing", "employment", "disaster",
                                         "emergency", "services", "charity", "other", "coordination"]

    /// `referrals.<domain>`.
    public static func referrals(_ domain: String) -> String { namespace + "referrals.\(domain)" }

    public static var all: [String] {
        [intakeSubmissions, intakeAccepted, intakeRejected, deptRecords, registryHouseholds, monitoringSignals,
         monitoringWarnings, workTasks] + referralDomains.map(referrals)
            + [reliefApplications, reliefDisbursements, assistanceOutcomes, deadletter]
    }
}
