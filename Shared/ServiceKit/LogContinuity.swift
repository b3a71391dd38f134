import Foundation
import Kafka
import Store

/// Checks, on every assignment, that the broker's log is still the one the store applied: the
/// consumer starts each partition one message early, at the event the store applied last
/// (`runtime_offsets.last_event_id`), and that event must come back at that offset.
///
/// A recreated topic, an in-memory broker that restarted, or a log truncated by retention fails
/// the check: another event at that offset, an earlier offset (the broker reset a position past
/// its end), or nothing at all within `timeout` (a broker that answers a fetch past its end with
/// no data). The service then stops with the way out (`doudi store rebaseline`, or a rebuild)
/// rather than skip new events as "already applied" in silence.
final class LogContinuity: @unchecked Sendable {
    struct Expectation {
        var offset: Int64
        var eventID: String
        var storeNext: Int64
        var since: ContinuousClock.Instant
    }

    enum Verdict { case unrelated, confirmed, broken(RuntimeFailure) }

    private let lock = NSLock()
    private var expected: [TopicPartition: Expectation] = [:]
    let timeout: Duration
    let tasks: TaskStores

    /// Called with the tasks of an assignment before their offsets are read (a checkpoint is
    /// installed there when it is ahead of the replica's file: `TaskCheckpoints`).
    /// With `prepare` (replicas with data directories of their own), a partition this replica's
    /// file has never applied starts at the log's beginning, not at the group's committed offset:
    /// another replica applied what lies before that offset, in its own file (a rebuild from the
    /// log, by the convergence property, when no checkpoint holds it).
    let prepare: (@Sendable (Set<Int>) -> Void)?

    init(timeout: Duration, tasks: TaskStores, prepare: (@Sendable (Set<Int>) -> Void)? = nil) {
        self.timeout = timeout; self.tasks = tasks; self.prepare = prepare
    }

    /// librdkafka's logical offset for "the beginning of the log".
    static let beginning: Int64 = -2

    func storePath(_ tp: TopicPartition) -> String { tasks.store(for: tp.partition).path }

    /// Where each assigned partition starts (see the type's comment); asked by the consumer on
    /// assignment: from the store of the partition's task, which the previous owner left in the
    /// shared data directory when the partition moved.
    func startOffsets() -> @Sendable ([TopicPartition]) -> [TopicPartition: Int64] {
        { [self] partitions in
            var applied: [String: [Int32: (next: Int64, lastEventID: String?)]] = [:]
            prepare?(Set(partitions.map { tasks.task(of: $0.partition) }))
            var unreadable = Set<Int>()
            for task in Set(partitions.map { tasks.task(of: $0.partition) }) {
                guard let a = try? tasks.stores[task].pool.read({ try Inbox.lastApplied($0) }) else { unreadable.insert(task); continue }
                for (topic, byPartition) in a {
                    for (p, v) in byPartition where tasks.task(of: p) == task { applied[topic, default: [:]][p] = v }
                }
            }
            var out: [TopicPartition: Int64] = [:]
            lock.withLock {
                for tp in partitions {
                    guard let a = applied[tp.topic]?[tp.partition] else {
                        expected[tp] = nil
                        // (Not when the file could not be read: applying will meet the same error.)
                        if prepare != nil && !unreadable.contains(tasks.task(of: tp.partition)) { out[tp] = Self.beginning }
                        continue
                    }
                    if let id = a.lastEventID, a.next > 0 {
                        expected[tp] = Expectation(offset: a.next - 1, eventID: id, storeNext: a.next, since: .now)
                        out[tp] = a.next - 1
                    } else {
                        expected[tp] = nil
                        out[tp] = a.next
                    }
                }
            }
            return out
        }
    }

    /// What a delivered message says about its partition's log.
    func check(_ message: KafkaMessage) -> Verdict {
        lock.withLock {
            let tp = message.topicPartition
            guard let e = expected[tp] else { return .unrelated }
            // Messages past the store were fetched before a re-assignment: they say nothing.
            if message.offset >= e.storeNext { return .unrelated }
            expected[tp] = nil
            if message.offset == e.offset && message.header("ce_id") == e.eventID { return .confirmed }
            return .broken(.brokerBehindStore(topic: tp.topic, partition: tp.partition, offset: message.offset,
                                              storeNext: e.storeNext, storePath: storePath(tp)))
        }
    }

    /// A partition still assigned whose last applied event did not come back in time although the
    /// broker answered fetches for it (`answered`: a broker that is down proves nothing).
    func overdue(assigned: Set<TopicPartition>, answered: (TopicPartition) -> Bool) -> RuntimeFailure? {
        lock.withLock {
            for (tp, e) in expected.sorted(by: { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) })
            where assigned.contains(tp) && ContinuousClock.now - e.since > timeout && answered(tp) {
                return .brokerLostEvents(topic: tp.topic, partition: tp.partition, storeNext: e.storeNext, waited: timeout,
                                         storePath: storePath(tp))
            }
            return nil
        }
    }
}
