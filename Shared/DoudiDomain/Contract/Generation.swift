// A new generation of topics (docs/scaling.md, "Partition count is a deployment setting"):
// raising the partition count in place would move keys to new partitions while their earlier
// events stay where they were, so the suite moves instead to a copy of its topics under a new
// namespace, with the new count (`doudi topics repartition`). What is copied and what is derived
// again is decided here, from the catalogue, per event: the same facts on the new topics give the
// same decisions under the same ids (the convergence property, RULES.md), so nothing is lost and
// nothing is doubled.

public enum Generation {
    /// The services whose state is split by partition (`KafkaAccess.checkpointed`): the classifier
    /// and the router. A household's partition changes with the partition count, so their stores
    /// cannot follow; on the new generation they start empty and derive again, from their inputs,
    /// every event they published, under the same ids. Every other service keeps its store (one
    /// store, not split): its operators' work (casework's tasks, relief's approvals, basic
    /// living's confirmations, intake's statuses) stays, and what it published is copied.
    public static var rebuilt: [String] { KafkaAccess.checkpointed }

    /// What becomes of an event of the old generation.
    public enum Fate: String, Sendable, Equatable {
        /// Copied to the same topic of the new generation, with its key, headers and time.
        case copied
        /// Published again by a rebuilt service from its cause, under the same id.
        case derivedAgain = "derived again"
        /// `clock.ticks`: each day ticked is ticked again on every partition of the new generation
        /// (a tick is per partition, and the partitions are not the same).
        case tickedAgain = "ticked again"
        /// Dead letters stay with the generation whose offsets they name (docs/operations.md).
        case left
    }

    /// The rebuilt services whose operators write through their HTTP API: the classifier's
    /// samples, surveys and re-evaluations are published without a cause (`ce_causationid`), and no
    /// input gives them again. The router has no such writes: what it publishes without a cause
    /// on its business topics (the escalations of its clock's catch-up, of its wall clock) it
    /// derives again from its inputs and its clock, under the same ids. Its operators' reads are
    /// recorded on `audit.access`, which is always copied.
    public static let operatorWrites = ["classifier"]

    /// The fate of an event on `topic` published by `source` (`ce_source`), which has a cause
    /// (`ce_causationid`) or not. A cause is an input of the service that published it, which the
    /// new generation holds.
    public static func fate(topic: ContractTopic, source: String, caused: Bool) -> Fate {
        switch topic {
        case .deadletter: return .left
        case .clockTicks: return .tickedAgain
        // A record of an operator's read (`GET /v1/referrals/:id`, published without a cause) has
        // no input that gives it again, whichever service published it: the audit trail is copied.
        case .auditAccess: return .copied
        default:
            guard let service = rebuilt.first(where: { source == "/doudi/\($0)" }) else { return .copied }
            return caused || !operatorWrites.contains(service) ? .derivedAgain : .copied
        }
    }

    /// The topics whose event times move the rebuilt services' clocks (their inputs but the ticks).
    /// A single store's clock reached the latest day of their events; on the new generation each
    /// task's clock moves with its own partitions only, so that day is ticked there once the
    /// rebuild has caught up (docs/scaling.md, "Event time is per task").
    public static var clockTopics: [ContractTopic] {
        var topics: [ContractTopic] = []
        for service in rebuilt {
            for t in KafkaAccess.consumes(service) where t != .clockTicks && !topics.contains(t) { topics.append(t) }
        }
        return topics
    }

    /// The services that keep their store on the new generation. Before they start on it, each
    /// store's offsets are set to the end of the new topics it reads (`doudi store rebaseline
    /// --new-namespace`), once the rebuilt services have caught up: the old generation had applied
    /// everything, and what the new one holds is the same events.
    public static var kept: [String] {
        KafkaAccess.services.filter { !rebuilt.contains($0) && !KafkaAccess.consumes($0).isEmpty }
    }
}
