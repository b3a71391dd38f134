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

    /// The fate of an event on `topic` published by `source` (`ce_source`), which has a cause
    /// (`ce_causationid`) or not. An event a rebuilt service published without a cause came from
    /// its operators (a county's sample, a province's re-evaluation): no input gives it again, so
    /// it is copied. A cause is an input of that service, which the new generation holds.
    public static func fate(topic: ContractTopic, source: String, caused: Bool) -> Fate {
        switch topic {
        case .deadletter: return .left
        case .clockTicks: return .tickedAgain
        default:
            let publishedByRebuilt = rebuilt.contains { source == "/doudi/\($0)" }
            return publishedByRebuilt && caused ? .derivedAgain : .copied
        }
    }

    /// The services that keep their store on the new generation. Before they start on it, each
    /// store's offsets are set to the end of the new topics it reads (`doudi store rebaseline
    /// --new-namespace`), once the rebuilt services have caught up: the old generation had applied
    /// everything, and what the new one holds is the same events.
    public static var kept: [String] {
        KafkaAccess.services.filter { !rebuilt.contains($0) && !KafkaAccess.consumes($0).isEmpty }
    }
}
