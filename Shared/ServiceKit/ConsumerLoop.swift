import Envelope
import Foundation
import GRDB
import Kafka
import Logging
import Store

/// consume → apply (one SQLite transaction: state + outbox + applied-marker) → commit offsets.
///
/// Offsets are committed to Kafka only after the store commit, so a crash anywhere re-delivers
/// at most the last batch, which the applied-marker recognises. Dead letters go through the
/// outbox in the same transaction, so they are neither lost nor doubled either.
final class ConsumerLoop: Sendable {
    let processor: any EventProcessor
    let consumer: KafkaConsumer
    let store: ServiceStore
    let metrics: ServiceMetrics
    let relayWake: WakeSignal
    let batchSize: Int
    let logger: Logger
    let source: String
    let producers: ProducerAllowList

    init(processor: any EventProcessor, consumer: KafkaConsumer, store: ServiceStore, metrics: ServiceMetrics,
         relayWake: WakeSignal, batchSize: Int, logger: Logger, producers: ProducerAllowList = ProducerAllowList()) {
        self.processor = processor; self.consumer = consumer; self.store = store; self.metrics = metrics
        self.relayWake = relayWake; self.batchSize = batchSize; self.logger = logger
        self.source = "/doudi/\(processor.name)"
        self.producers = producers
    }

    /// Runs until `shouldStop` says so; the batch in hand is always finished and committed first.
    func run(shouldStop: @Sendable () -> Bool) async throws {
        // The next batch is fetched while the current one is applied: librdkafka's poll and the
        // SQLite transaction run on different threads, so the two overlap.
        var pending: Task<[KafkaMessage], Error>? = nil
        while !shouldStop() {
            let batch: [KafkaMessage]
            do { batch = try await (pending ?? poll()).value; pending = nil }
            catch { pending = nil; logger.error("poll failed", metadata: ["error": "\(error)"]); try await Task.sleep(for: .seconds(1)); continue }
            if batch.isEmpty { continue }
            pending = poll()
            let started = ContinuousClock.now
            let next = try await applyWithRetry(batch)
            do { try await consumer.commit(next, waitForBroker: false) }
            catch {
                // Partitions may have moved in a rebalance: the store already holds the effect,
                // and the new owner's re-delivery is recognised by the applied-marker.
                logger.warning("offset commit failed; re-delivery will be deduplicated", metadata: ["error": "\(error)"])
            }
            metrics.batchSeconds.record(ContinuousClock.now - started)
            relayWake.signal()
        }
        // Messages fetched but not applied are simply re-delivered to the next owner.
        _ = try? await pending?.value
    }

    private func poll() -> Task<[KafkaMessage], Error> {
        let consumer = consumer, size = batchSize
        return Task { try await consumer.poll(maxCount: size, timeoutMs: 100) }
    }

    /// Transient failures (database busy, disk full) are retried with backoff, never skipped.
    private func applyWithRetry(_ batch: [KafkaMessage]) async throws -> [TopicPartition: Int64] {
        var delay = Duration.milliseconds(100)
        while true {
            do { return try await apply(batch) }
            catch {
                logger.error("batch failed, retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    private func apply(_ batch: [KafkaMessage]) async throws -> [TopicPartition: Int64] {
        let processor = processor, source = source, service = processor.name, producers = producers, sealer = store.sealer
        let outcome = try await store.pool.write { db -> BatchOutcome in
            var outcome = BatchOutcome()
            var nextOffsets = try Inbox.nextOffsets(db)
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            for message in batch {
                let tp = message.topicPartition
                outcome.next[tp] = max(outcome.next[tp] ?? 0, message.offset + 1)
                if message.offset < nextOffsets[message.topic]?[message.partition] ?? 0 {
                    outcome.duplicates += 1
                    continue
                }
                nextOffsets[message.topic, default: [:]][message.partition] = message.offset + 1
                do {
                    try Inbox.inSavepoint(db) {
                        let event = try CloudEvent(headers: message.headers.map { ($0.key, $0.stringValue) },
                                                   key: message.key.map { String(decoding: $0, as: UTF8.self) }, value: message.value)
                        // Only the allowed producers of a type reach the service (ProducerAllowList).
                        if let refusal = producers.refusal(for: event) { throw PoisonMessage(refusal) }
                        // Events are (ce_source, ce_id): two producers' ids never shadow each other,
                        // and one producer's id re-used for other content is a collision, not a re-send.
                        let digest = Inbox.digest(of: event.data)
                        switch try Inbox.seen(db, source: event.source, eventID: event.id, digest: digest) {
                        case .applied: outcome.duplicates += 1; return
                        case .collision:
                            throw PoisonMessage("event id collision: ce_source \(event.source.prefix(80)) already published ce_id \(event.id.prefix(80)) with other content")
                        case .new: break
                        }
                        let time = event.time.isEmpty ? Timestamp.rfc3339(milliseconds: message.timestampMs ?? nowMs) : event.time
                        let context = ProcessingContext(db: db, message: message, eventTime: time, source: source)
                        for out in try processor.process(event, in: context) {
                            try Outbox.enqueue(db, topic: out.topic, event: out.event, sealer: sealer)
                        }
                        try Inbox.markApplied(db, source: event.source, eventID: event.id, digest: digest, atMs: nowMs)
                        outcome.processed += 1
                    }
                } catch let error where DeadLetter.isPoison(error) {
                    try DeadLetter.enqueue(db, message: message, service: service, reason: "\(error)", nowMs: nowMs, sealer: sealer)
                    outcome.deadLettered += 1
                }
            }
            for out in try processor.finishBatch(in: BatchContext(db: db, source: source)) {
                try Outbox.enqueue(db, topic: out.topic, event: out.event, sealer: sealer)
            }
            // The applied offsets move with the state, in the same transaction.
            for (tp, next) in outcome.next { try Inbox.setNextOffset(db, topic: tp.topic, partition: tp.partition, next: next) }
            return outcome
        }
        metrics.processed.increment(by: Int64(outcome.processed))
        metrics.duplicates.increment(by: Int64(outcome.duplicates))
        metrics.deadLettered.increment(by: Int64(outcome.deadLettered))
        if outcome.deadLettered > 0 {
            logger.warning("dead-lettered input events", metadata: ["count": "\(outcome.deadLettered)"])
        }
        return outcome.next
    }
}

struct BatchOutcome: Sendable {
    var next: [TopicPartition: Int64] = [:]
    var processed = 0
    var duplicates = 0
    var deadLettered = 0
}
