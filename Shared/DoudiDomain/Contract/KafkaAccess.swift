// Who may read and write which topic on the broker (issue 13): one Kafka principal per service,
// derived from the catalogue — a service writes the topics of the event types it produces
// (`EventType.producers`), the dead letters and the access records, and reads the topics it
// consumes. The matrix is written to docs/kafka-acls.txt (`doudi contract --write docs`); the
// compose files' ACL job applies exactly these lines, and a test checks both against this.

public enum KafkaAccess {
    /// One ACL: `principal` may `operation` (Read or Write) `topic` (name without namespace).
    public struct Grant: Hashable, Comparable, Sendable {
        public var principal: String
        public var operation: String
        public var topic: String
        public static func < (a: Grant, b: Grant) -> Bool {
            (a.principal, a.topic, a.operation) < (b.principal, b.topic, b.operation)
        }
    }

    /// The suite's services (their principal is `doudi-<service>`, their `ce_source` `/doudi/<service>`).
    public static let services = ["intake", "matcher", "classifier", "router", "relief", "medical", "education", "housing",
                                  "employment", "disaster", "casework", "basic-living", "console"]

    /// What each service consumes (its `inputTopics`).
    public static func consumes(_ service: String) -> [ContractTopic] {
        switch service {
        case "intake": [.intakeSubmissions]
        case "matcher": [.intakeAccepted, .deptRecords, .assistanceOutcomes]
        case "classifier": [.registryHouseholds, .monitoringSignals, .assistanceOutcomes, .clockTicks]
        case "router": [.monitoringWarnings, .assistanceOutcomes, .registryHouseholds, .clockTicks]
        case "relief": [.reliefApplications, .referrals(.emergency)]
        case "casework": [.workTasks, .referrals(.coordination), .assistanceOutcomes]
        case "basic-living": [.referrals(.basicLiving), .registryHouseholds, .clockTicks]
        // The console's read model (issue 16): it publishes nothing but access records.
        case "console": [.registryHouseholds, .monitoringWarnings, .workTasks, .caseworkTasks, .assistanceOutcomes, .reliefApplications,
                         .reliefDisbursements, .basicLivingPayroll] + ContractTopic.referralTopics
        default: Domain(rawValue: service).map { [.referrals($0)] } ?? []
        }
    }

    /// The services whose state splits by partition, each with its checkpoint topic
    /// (`runtime.checkpoints.<service>`, docs/scaling.md "Replicas on separate machines:
    /// checkpoints"), which only that service writes and reads.
    public static let checkpointed = ["classifier", "router"]

    public static func checkpointTopic(_ service: String) -> String { "runtime.checkpoints.\(service)" }

    /// What each service publishes: the topics of the types it is a producer of, plus dead
    /// letters and access records (every service).
    public static func produces(_ service: String) -> [ContractTopic] {
        let source = "/doudi/\(service)"
        var topics: [ContractTopic] = []
        for type in EventType.allCases where type != .auditAccess && type.producers.contains(source) {
            for topic in type.topics where !topics.contains(topic) { topics.append(topic) }
        }
        return topics + [.deadletter, .auditAccess]
    }

    /// The operator CLI (`doudi-operator`): reads every topic (lag, summary, replay, dead letters,
    /// audit), writes what `doudi import` publishes. The clock (`doudi-clock`, compose's `clock`
    /// service) writes the day begun (`clock.ticks`) and nothing else: a principal of its own, on a
    /// topic of its own, so that it can forge no other event and the operators' credentials cannot
    /// move the suite's clock. The auditor (`doudi-auditor`) reads the access
    /// records and the dead letters only.
    public static func matrix() -> [Grant] {
        var grants = Set<Grant>()
        for service in services {
            for t in consumes(service) { grants.insert(Grant(principal: "doudi-\(service)", operation: "Read", topic: t.name)) }
            for t in produces(service) { grants.insert(Grant(principal: "doudi-\(service)", operation: "Write", topic: t.name)) }
        }
        for service in checkpointed {
            for operation in ["Read", "Write"] {
                grants.insert(Grant(principal: "doudi-\(service)", operation: operation, topic: checkpointTopic(service)))
            }
        }
        for t in ContractTopic.allCases { grants.insert(Grant(principal: "doudi-operator", operation: "Read", topic: t.name)) }
        for type in EventType.allCases where type.producers.contains("/doudi/import") {
            for t in type.topics { grants.insert(Grant(principal: "doudi-operator", operation: "Write", topic: t.name)) }
        }
        for type in EventType.allCases where type.producers.contains("/doudi/clock") {
            for t in type.topics { grants.insert(Grant(principal: "doudi-clock", operation: "Write", topic: t.name)) }
        }
        for t in [ContractTopic.auditAccess, .deadletter] { grants.insert(Grant(principal: "doudi-auditor", operation: "Read", topic: t.name)) }
        return grants.sorted()
    }

    /// docs/kafka-acls.txt: `principal operation topic`, one grant a line.
    public static func render() -> String {
        "# Generated by `doudi contract --write docs` from Shared/DoudiDomain/Contract/KafkaAccess.swift.\n"
            + "# principal operation topic (topics without namespace); groups: each principal reads its own (docs/kafka-security.md).\n"
            + matrix().map { "\($0.principal) \($0.operation) \($0.topic)" }.joined(separator: "\n") + "\n"
    }
}
