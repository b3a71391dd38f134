import Envelope
import Foundation
import GRDB
import Kafka
import Store

/// How far a service's store has applied each input topic against what the broker holds
/// (RULES.md, Convergence: "no decision from a transient state"). A service whose decision rests on
/// the absence of a fact on another topic — a withdrawal or an escalation because no department
/// decided — asks whether that topic is read to its end before deciding, so that a topic that ran
/// ahead of another (a replay, a restart after an outage, a slow partition) never decides alone.
///
/// "Read to its end" is judged on the partitions this member is assigned (topics are keyed by
/// household, so a household's facts share a partition number across topics) against the high
/// watermark librdkafka last saw in a fetch response: no network round trip. Unknown — no consumer
/// yet, or a partition never fetched — counts as not read.
public final class ReadProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var consumer: KafkaConsumer?
    private let always: Bool
    /// Partitions of each input topic, read from the broker at start (docs/scaling.md): a store
    /// answers "read to its end" only when this replica is assigned every partition the store (the
    /// task) holds, for a decision on the store's state concerns all of them.
    private var partitionCounts: [String: Int] = [:]

    /// Splits found are judged against the counts, so new counts forget them.
    func setPartitionCounts(_ counts: [String: Int]) { lock.withLock { partitionCounts = counts; splits = [:] } }

    /// A store whose partitions of a topic this replica holds only some of: another replica of the
    /// group holds the rest, so no replica can ever find the topic read to its end (replicas sharing
    /// one store, `DOUDI_TASKS=1`, on a service that asks; docs/scaling.md). Not transient: it lasts
    /// as long as the group has a second member, and the decisions that wait for the topic (the
    /// router's withdrawals and escalations) are never made.
    public struct SplitStore: Equatable, Sendable, CustomStringConvertible {
        public let topic: String
        /// The store's partitions of `topic` this replica is assigned, and how many the store holds.
        public let held: [Int32]
        public let partitions: Int

        public var description: String {
            "this replica is assigned partition\(held.count == 1 ? "" : "s") \(held.map(String.init).joined(separator: ", ")) of the \(partitions) "
                + "that its store holds of \(topic); another replica holds the rest, so this one can never find \(topic) read to its end "
                + "and makes none of the decisions that wait for it (the router's withdrawals and escalations). Replicas sharing one "
                + "store (DOUDI_TASKS=1) cannot do this work: run them with DOUDI_TASKS=\(partitions), one task per partition (docs/scaling.md)"
        }
    }
    /// By topic and the partitions the question covered (one store's).
    private var splits: [String: SplitStore] = [:]
    private var onSplit: (@Sendable (SplitStore) -> Void)?
    /// `tell` hears of each split once, when it is found (the runner logs it).
    func whenSplit(_ tell: @escaping @Sendable (SplitStore) -> Void) { lock.withLock { onSplit = tell } }
    /// A split found by the latest question about a topic, if any (readiness reports it).
    public var split: SplitStore? { lock.withLock { splits.values.min { $0.topic < $1.topic } } }

    /// `always`: every topic counts as read (in-process pipelines, which deliver in their own order).
    public init(always: Bool = false) { self.always = always }

    func attach(_ consumer: KafkaConsumer) { lock.lock(); self.consumer = consumer; lock.unlock() }

    /// The partitions this replica's consumer is assigned (empty before it joined).
    public var assignment: Set<TopicPartition> {
        lock.lock(); let consumer = consumer; lock.unlock()
        return consumer?.assignment ?? []
    }

    /// Whether the store's next offsets (`next`, as `Inbox.nextOffsets` reads them, with the open
    /// batch's progress) reach the broker's end of every assigned partition of `topic` (of those
    /// `partitions` accepts: a task's store answers for its own partitions only).
    public func caughtUp(_ topic: String, next: [String: [Int32: Int64]], partitions: (Int32) -> Bool = { _ in true }) -> Bool {
        if always { return true }
        lock.lock(); let consumer = consumer, count = partitionCounts[topic]; lock.unlock()
        guard let consumer else { return false }
        let mine = consumer.assignment.filter { $0.topic == topic && partitions($0.partition) }
        if let count {
            let store = (0..<Int32(count)).filter(partitions)
            let key = topic + ":" + store.map(String.init).joined(separator: ",")
            // Holding none of the store's partitions, this replica decides nothing on it: not split.
            if mine.isEmpty { lock.withLock { _ = splits.removeValue(forKey: key) }; return false }
            if store.contains(where: { !mine.contains(TopicPartition(topic, $0)) }) {
                let found = SplitStore(topic: topic, held: mine.map(\.partition).sorted(), partitions: store.count)
                let tell: (@Sendable (SplitStore) -> Void)? = lock.withLock {
                    defer { splits[key] = found }
                    return splits[key] == found ? nil : onSplit
                }
                tell?(found)
                return false
            }
            lock.withLock { _ = splits.removeValue(forKey: key) }
        }
        if mine.isEmpty { return false }
        for tp in mine {
            guard let high = consumer.cachedHighWatermark(tp) else { return false }
            if (next[topic]?[tp.partition] ?? 0) < high { return false }
        }
        return true
    }

    /// The same judgement in a transaction of its own (schedulers, HTTP handlers).
    public func caughtUp(_ topic: String, in db: Database, partitions: (Int32) -> Bool = { _ in true }) throws -> Bool {
        if always { return true }
        return caughtUp(topic, next: try Inbox.nextOffsets(db), partitions: partitions)
    }
}
