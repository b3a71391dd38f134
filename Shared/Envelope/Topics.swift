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

    public static var all: [String] { all(namespace: namespace) }

    /// Every contract topic under a given namespace (a test's or a benchmark's own).
    public static func all(namespace ns: String) -> [String] {
        ["intake.submissions", "intake.accepted", "intake.rejected", "dept.records", "registry.households",
         "monitoring.signals", "monitoring.warnings", "work.tasks"].map { ns + $0 }
            + referralDomains.map { ns + "referrals.\($0)" }
            + ["relief.applications", "relief.disbursements", "assistance.outcomes", "deadletter"].map { ns + $0 }
    }
}
