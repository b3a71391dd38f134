// ReadProgress (RULES.md Convergence, "no decision from a transient state") rests on the high
// watermark librdkafka caches from fetch responses: a consumer that has applied only part of a
// partition must never be told it has read it to its end. Checked against the real broker, with a
// consumer that takes a few records at a time from a topic that already holds many (a rebuild).
import Envelope
import Foundation
import Kafka
@testable import ServiceKit
import TestSupport
import XCTest

final class ReadProgressTests: XCTestCase {
    func testTheCachedHighWatermarkIsTheLogEndNotTheEndOfAFetch() async throws {
        let topic = try await TestBroker.freshTopics(["read-progress"], partitions: 2)[0]
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(TestBroker.kafka))
        let total = 3_000
        try await producer.send((0..<total).map {
            OutgoingMessage(topic: topic, key: Array("k\($0 % 7)".utf8), value: Array(repeating: 120, count: 200), headers: [])
        })
        var config = KafkaConsumerConfiguration(TestBroker.kafka, groupID: "read-progress-\(EventID.random())", topics: [topic])
        config.sessionTimeoutMs = 6000
        let consumer = try KafkaConsumer(configuration: config)
        defer { Task { await consumer.close() } }
        var next: [TopicPartition: Int64] = [:]
        var seen = 0, early: [String] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while seen < total && ContinuousClock.now < deadline {
            let batch = try await consumer.poll(maxCount: 7, timeoutMs: 200)
            for m in batch { next[m.topicPartition] = m.offset + 1 }
            seen += batch.count
            // Judged as ReadProgress judges it: every assigned partition's next offset against the cache.
            let ends = consumer.assignment.map { ($0, consumer.cachedHighWatermark($0)) }
            let readToEnd = !ends.isEmpty && ends.allSatisfy { tp, high in high.map { (next[tp] ?? 0) >= $0 } ?? false }
            if readToEnd && seen < total { early.append("read to its end after \(seen) of \(total): \(ends)") }
        }
        XCTAssertEqual(seen, total)
        XCTAssertEqual(early.first, nil, "\(early.count) times")
        let sum = consumer.assignment.compactMap { consumer.cachedHighWatermark($0) }.reduce(0, +)
        XCTAssertEqual(sum, Int64(total), "the watermarks add up to what was produced")

        // A store answers for the partitions it holds only when this member is assigned all of them
        // (docs/scaling.md): with the partition count known, a partition of the store assigned to
        // another member (here: one that does not exist for this consumer) means "not known".
        let progress = ReadProgress()
        progress.attach(consumer)
        let stored: [String: [Int32: Int64]] = [topic: Dictionary(uniqueKeysWithValues: next.map { ($0.key.partition, $0.value) })]
        XCTAssertTrue(progress.caughtUp(topic, next: stored), "every partition assigned and read")
        progress.setPartitionCounts([topic: 2])
        XCTAssertTrue(progress.caughtUp(topic, next: stored), "the count agrees with the assignment")
        XCTAssertTrue(progress.caughtUp(topic, next: stored, partitions: { $0 == 1 }), "one task's partition")
        XCTAssertNil(progress.split)
        let told = Told()
        progress.whenSplit { told.add($0) }
        progress.setPartitionCounts([topic: 3])
        XCTAssertFalse(progress.caughtUp(topic, next: stored), "a partition of the store this member is not assigned")
        XCTAssertFalse(progress.caughtUp(topic, next: stored), "asked again")
        XCTAssertTrue(progress.caughtUp(topic, next: stored, partitions: { $0 == 0 }), "a task wholly assigned still answers")

        // That store is split with another replica for as long as the group has one: reported once
        // to the log and on readiness, with what to do.
        let split = ReadProgress.SplitStore(topic: topic, held: [0, 1], partitions: 3)
        XCTAssertEqual(progress.split, split, "the answer of the wholly assigned task does not hide the split store")
        XCTAssertEqual(told.all, [split], "told once, not at every question")
        let health = RuntimeHealth(retryBudget: 3, outboxMaxAge: .seconds(60))
        let (ready, detail) = health.readiness(assigned: true, split: progress.split)
        XCTAssertFalse(ready)
        XCTAssertTrue(detail.contains("partitions 0, 1 of the 3") && detail.contains("DOUDI_TASKS=3"), detail)
        XCTAssertTrue(health.readiness(assigned: true, split: nil).ready)

        progress.setPartitionCounts([topic: 2])
        XCTAssertTrue(progress.caughtUp(topic, next: stored), "the whole store assigned")
        XCTAssertNil(progress.split, "a store wholly assigned is not reported")
    }
}

private final class Told: @unchecked Sendable {
    private let lock = NSLock()
    private var splits: [ReadProgress.SplitStore] = []
    func add(_ s: ReadProgress.SplitStore) { lock.withLock { splits.append(s) } }
    var all: [ReadProgress.SplitStore] { lock.withLock { splits } }
}
