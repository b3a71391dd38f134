/// Every topic of the event contract (EVENTS.md), for `doudi topics create` and the services.
public enum Topics {
    public static let intakeSubmissions = "intake.submissions"
    public static let intakeAccepted = "intake.accepted"
    public static let intakeRejected = "intake.rejected"
    public static let deptRecords = "dept.records"
    public static let registryHouseholds = "registry.households"
    public static let monitoringSignals = "monitoring.signals"
    public static let monitoringWarnings = "monitoring.warnings"
    public static let workTasks = "work.tasks"
    public static let reliefApplications = "relief.applications"
    public static let reliefDisbursements = "relief.disbursements"
    public static let assistanceOutcomes = "assistance.outcomes"
    public static let deadletter = "deadletter"

    public static let referralDomains = ["basic-living", "medical", "education", "housing", "employment", "disaster",
                                         "emergency", "services", "charity", "other", "coordination"]

    public static var all: [String] {
        [intakeSubmissions, intakeAccepted, intakeRejected, deptRecords, registryHouseholds, monitoringSignals,
         monitoringWarnings, workTasks] + referralDomains.map { "referrals.\($0)" }
            + [reliefApplications, reliefDisbursements, assistanceOutcomes, deadletter]
    }
}
