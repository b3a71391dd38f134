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
///
/// Failures (docs/architecture.md, "When applying fails"): a poison message is dead-lettered at
/// once; a transient store error (busy, locked, full) retries the batch for ever with backoff
/// while readiness says why; any other error retries the batch `retryBudget` times, then each
/// message that still fails is dead-lettered and the rest applied; a damaged store, or a broker
/// whose log is behind the store, stops the service with a message saying what to do.
final class ConsumerLoop: Sendable {
    let processor: any EventProcessor
    let consumer: KafkaConsumer
    /// The service's state by task (one store unless `DOUDI_TASKS` > 1); a batch's messages are
    /// applied in the transaction of their partition's task, the tasks' transactions concurrently.
    let tasks: TaskStores
    let metrics: ServiceMetrics
    let health: RuntimeHealth
    let tracer: Tracer
    let continuity: LogContinuity
    let relayWake: WakeSignal
    let batchSize: Int
    let retryBudget: Int
    let logger: Logger
    let source: String
    let chaos: ChaosSource?
    let producers: ProducerAllowList
    let gaps = OffsetGaps()
    let progress: ReadProgress

    init(processor: any EventProcessor, consumer: KafkaConsumer, tasks: TaskStores, metrics: ServiceMetrics,
         health: RuntimeHealth, tracer: Tracer, continuity: LogContinuity, relayWake: WakeSignal, batchSize: Int,
         retryBudget: Int, chaos: Chaos? = nil, logger: Logger, producers: ProducerAllowList = ProducerAllowList(),
         progress: ReadProgress) {
        self.processor = processor; self.consumer = consumer; self.tasks = tasks; self.metrics = metrics
        self.health = health; self.tracer = tracer; self.continuity = continuity
        self.relayWake = relayWake; self.batchSize = batchSize; self.retryBudget = retryBudget; self.logger = logger
        self.source = "/doudi/\(processor.name)"
        self.chaos = chaos.map(ChaosSource.init)
        self.producers = producers
        self.progress = progress
        progress.attach(consumer)
    }

    /// Runs until `shouldStop` says so; the batch in hand is always finished and committed first.
    func run(shouldStop: @escaping @Sendable () -> Bool) async throws {
        // The next batch is fetched while the current one is applied: librdkafka's poll and the
        // SQLite transaction run on different threads, so the two overlap.
        var pending: Task<[KafkaMessage], Error>? = nil
        var carried: [KafkaMessage] = []  // fetched before a re-read (OffsetGaps), of other partitions
        var lastIdle = ContinuousClock.now
        defer { pending?.cancel() }
        while !shouldStop() {
            if let fatal = health.fatal { throw RuntimeStop(reason: fatal) }
            let batch: [KafkaMessage]
            if !carried.isEmpty { batch = carried; carried = [] }
            else {
                do { batch = try await (pending ?? poll()).value; pending = nil }
                catch { pending = nil; logger.error("poll failed", metadata: ["error": "\(error)"]); try await Task.sleep(for: .seconds(1)); continue }
            }
            if batch.isEmpty {
                if processor.finishesWhenIdle, ContinuousClock.now - lastIdle >= .milliseconds(500) {
                    lastIdle = .now
                    do { try await finishIdle() }
                    catch let failed as TaskFailure {
                        health.observe(failed.error, storePath: failed.path)
                        logger.warning("idle finish failed", metadata: ["error": "\(failed.error)", "store": "\(failed.path)"])
                    } catch { health.observe(error, storePath: tasks.stores[0].path); logger.warning("idle finish failed", metadata: ["error": "\(error)"]) }
                }
                continue
            }
            if pending == nil { pending = poll() }
            if let delay = chaos?.delay() { try await Task.sleep(for: delay) }
            let started = ContinuousClock.now
            guard let (next, gapsFound) = try await applyWithRetry(batch, shouldStop: shouldStop) else { break }
            gaps.settled(next.keys.filter { gapsFound[$0] == nil })
            if !gapsFound.isEmpty {
                // Records before the gap are applied; the partition is read again from the first one
                // missing. What was fetched meanwhile for it is dropped (the seek fetches it again).
                gaps.rewound(gapsFound)
                logger.warning("offset gap: reading the partition again", metadata: [
                    "partitions": "\(gapsFound.map { "\($0.key.topic)[\($0.key.partition)]@\($0.value)" }.sorted())"])
                let prefetched = (try? await pending?.value) ?? []
                pending = nil
                carried = prefetched.filter { gapsFound[$0.topicPartition] == nil }
                do { try await consumer.seek(gapsFound) }
                catch { logger.warning("seek after an offset gap failed", metadata: ["error": "\(error)"]) }
            }
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

    /// `finishBatch` with no batch, in every task this replica owns: work that waited for a topic
    /// to be read to its end. A replica assigned nothing owns no task, not even the one of a single
    /// store (with checkpoints its file is a stale copy; shared, another replica owns it).
    private func finishIdle() async throws {
        let processor = processor, source = source, progress = progress, tasks = tasks
        let owned = tasks.owned(by: consumer.assignment).sorted()
        for task in owned {
            let store = tasks.stores[task], sealer = store.sealer
            let count: Int
            do {
                count = try await store.pool.write { db -> Int in
                    let next = try Inbox.nextOffsets(db)
                    let events = try processor.finishBatch(in: BatchContext(db: db, source: source, caughtUp: {
                        progress.caughtUp($0, next: next, partitions: { tasks.task(of: $0) == task }) }))
                    for out in events { try Outbox.enqueue(db, topic: out.topic, event: out.event, sealer: sealer) }
                    return events.count
                }
            } catch let error as DatabaseError { throw TaskFailure(path: store.path, error: error) }
            if count > 0 { relayWake.signal() }
        }
    }


    private func poll() -> Task<[KafkaMessage], Error> {
        let consumer = consumer, size = chaos?.batchSize() ?? batchSize
        return Task { try await consumer.poll(maxCount: size, timeoutMs: 100) }
    }

    /// Applies a batch, retrying with backoff (see the type's comment). Returns nil when asked to
    /// stop while retrying (nothing is committed; the batch is re-delivered at the next start).
    private func applyWithRetry(_ batch: [KafkaMessage], shouldStop: @Sendable () -> Bool) async throws
        -> (next: [TopicPartition: Int64], gaps: [TopicPartition: Int64])? {
        var delay = Duration.milliseconds(100)
        var attempt = 0
        var committed = CommittedTasks()
        while true {
            do {
                let next = try await apply(batch, isolateFailures: attempt >= retryBudget, attempts: attempt, committed: &committed)
                if attempt > 0 { logger.notice("batch applied after retrying", metadata: ["attempts": "\(attempt + 1)"]) }
                health.batchSucceeded()
                return next
            } catch {
                let kind = FailureClass.of(error)
                if kind == .fatal {
                    let reason = (error as? RuntimeFailure)?.description
                        ?? RuntimeFailure.storeDamaged(path: (error as? TaskFailure)?.path ?? tasks.stores[0].path,
                                                       detail: RuntimeHealth.brief((error as? TaskFailure)?.error ?? error)).description
                    health.fail(reason)
                    logger.critical("stopping", metadata: ["reason": "\(reason)"])
                    throw RuntimeStop(reason: reason)
                }
                attempt += 1
                metrics.batchRetries.increment()
                health.batchFailed(attempt: attempt, reason: "\(error)")
                logger.error("batch failed, retrying", metadata: ["error": "\(error)", "attempt": "\(attempt)",
                                                                  "transient": "\(kind == .transient)", "retryIn": "\(delay)"])
                let until = ContinuousClock.now + delay
                while ContinuousClock.now < until {
                    if shouldStop() { return nil }
                    try await Task.sleep(for: min(.milliseconds(100), until - .now))
                }
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    typealias TaskResult = (next: [TopicPartition: Int64], gaps: [TopicPartition: Int64])
    /// The tasks of a batch whose transactions committed, with what they applied: a retry applies
    /// only the others (a committed task's dead-lettered inputs have no applied-marker to be
    /// recognised by).
    typealias CommittedTasks = [Int: TaskResult]

    /// Applies a batch: each task's messages (in their order) in that task's transaction, the
    /// tasks concurrently. A task that fails fails the batch; the tasks that committed are kept
    /// in `committed` and not applied again when the batch is retried.
    private func apply(_ batch: [KafkaMessage], isolateFailures: Bool, attempts: Int, committed: inout CommittedTasks) async throws
        -> TaskResult {
        if tasks.count == 1 { return try await apply(batch, task: 0, isolateFailures: isolateFailures, attempts: attempts) }
        let byTask = Dictionary(grouping: batch, by: { tasks.task(of: $0.partition) }).filter { committed[$0.key] == nil }
        let results = await withTaskGroup(of: (Int, Result<TaskResult, any Error>).self) { group in
            for (task, messages) in byTask {
                group.addTask {
                    do { return (task, .success(try await self.apply(messages, task: task, isolateFailures: isolateFailures, attempts: attempts))) }
                    catch { return (task, .failure(error)) }
                }
            }
            var all: [(Int, Result<TaskResult, any Error>)] = []
            for await r in group { all.append(r) }
            return all
        }
        var failure: (any Error)?
        for (task, result) in results.sorted(by: { $0.0 < $1.0 }) {
            switch result {
            case .success(let r): committed[task] = r
            case .failure(let e): if failure == nil { failure = e }
            }
        }
        if let failure { throw failure }
        var next: [TopicPartition: Int64] = [:], gaps: [TopicPartition: Int64] = [:]
        for part in committed.values {
            next.merge(part.next) { max($0, $1) }
            gaps.merge(part.gaps) { min($0, $1) }
        }
        return (next, gaps)
    }

    private func apply(_ batch: [KafkaMessage], task: Int, isolateFailures: Bool, attempts: Int) async throws
        -> (next: [TopicPartition: Int64], gaps: [TopicPartition: Int64]) {
        let store = tasks.stores[task], tasks = tasks
        let processor = processor, source = source, service = processor.name, tracer = tracer, storePath = store.path
        let continuity = continuity, producers = producers, sealer = store.sealer, progress = progress
        let crossable = gaps.accepted()
        let ignoredTypes = processor.ignoredTypes
        let mine: @Sendable (Int32) -> Bool = { tasks.task(of: $0) == task }
        let outcome: BatchOutcome
        do { outcome = try await store.pool.write { db -> BatchOutcome in
            var outcome = BatchOutcome()
            var nextOffsets = try Inbox.nextOffsets(db)
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            let legacy = try Inbox.hasLegacyMarkers(db)
            for message in batch {
                let tp = message.topicPartition
                // A record past the one the store expects next (OffsetGaps): stop this partition here
                // and read it again from the expected offset, unless the gap was read again enough.
                if outcome.gaps[tp] != nil { continue }
                if let expected = nextOffsets[message.topic]?[message.partition], message.offset > expected {
                    if crossable[tp] == expected { outcome.crossed[tp] = expected }
                    else { outcome.gaps[tp] = expected; continue }
                }
                if message.offset + 1 > outcome.next[tp] ?? 0 {
                    outcome.next[tp] = message.offset + 1
                    outcome.lastIDs[tp] = message.header("ce_id")
                }
                switch continuity.check(message) {
                case .broken(let failure): throw failure
                case .confirmed: outcome.duplicates += 1; continue
                case .unrelated: break
                }
                let storeNext = nextOffsets[message.topic]?[message.partition] ?? 0
                // A type the service ignores is read past, never applied: it has no marker to be
                // recognised by when it comes again, and tells nothing of whether the log is the one
                // the store read. Its offset moves with the batch like any other.
                if !ignoredTypes.isEmpty, let type = message.header("ce_type"), ignoredTypes.contains(type) {
                    if message.offset >= storeNext { nextOffsets[message.topic, default: [:]][message.partition] = message.offset + 1 }
                    outcome.ignored += 1
                    continue
                }
                if message.offset < storeNext {
                    // The consumer starts at the store's next offset, so an earlier offset is either
                    // an event applied before (a re-delivery) or a log that is no longer the one the
                    // store applied (a recreated topic): never skip the latter in silence.
                    if let id = message.header("ce_id"), !(try Inbox.isApplied(db, source: message.header("ce_source") ?? "", eventID: id)),
                       !(try Inbox.wasDeadLettered(db, topic: message.topic, partition: message.partition, offset: message.offset)) {
                        throw RuntimeFailure.brokerBehindStore(topic: message.topic, partition: message.partition,
                                                               offset: message.offset, storeNext: storeNext, storePath: storePath)
                    }
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
                        // The marker is written by the claim, in this savepoint: it goes if the event fails.
                        let digest = Inbox.digest(of: event.data)
                        switch try Inbox.claim(db, source: event.source, eventID: event.id, digest: digest, atMs: nowMs, legacy: legacy) {
                        case .applied: outcome.duplicates += 1; return
                        case .collision:
                            throw PoisonMessage.collision(source: event.source, id: event.id)
                        case .new: break
                        }
                        let time = event.time.isEmpty ? Timestamp.rfc3339(milliseconds: message.timestampMs ?? nowMs) : event.time
                        let offsets = nextOffsets
                        let context = ProcessingContext(db: db, message: message, eventTime: time, source: source,
                                                        caughtUp: { progress.caughtUp($0, next: offsets, partitions: mine) })
                        let trace = tracer.context(forWorkOn: event)
                        let started = trace == nil ? 0 : Tracer.nowNanos()
                        var derived = try processor.process(event, in: context)
                        Tracer.stamp(&derived, with: trace?.context)
                        for out in derived { try Outbox.enqueue(db, topic: out.topic, event: out.event, sealer: sealer) }
                        outcome.processed += 1
                        if let trace {
                            outcome.spans.append(Span(context: trace.context, parentSpanID: trace.parent,
                                                      name: "\(service) apply \(event.type)", startNanos: started,
                                                      endNanos: Tracer.nowNanos(),
                                                      attributes: [("messaging.system", "kafka"), ("messaging.source.name", message.topic),
                                                                   ("messaging.kafka.partition", String(message.partition)),
                                                                   ("messaging.kafka.offset", String(message.offset)),
                                                                   ("cloudevents.event_id", event.id), ("cloudevents.event_type", event.type)]))
                        }
                    }
                } catch let error where DeadLetter.isPoison(error) {
                    try DeadLetter.enqueue(db, message: message, service: service, reason: "\(error)", nowMs: nowMs, sealer: sealer)
                    try Inbox.markDeadLettered(db, topic: message.topic, partition: message.partition, offset: message.offset)
                    outcome.deadLettered += 1
                } catch let error where isolateFailures && FailureClass.of(error) == .unknown {
                    // The batch failed `attempts` times; this message fails on its own: it goes to the
                    // dead letters (re-drivable once the cause is fixed) and the others are applied.
                    try DeadLetter.enqueue(db, message: message, service: service,
                                           reason: "not applied after \(attempts) attempts: \(error)", nowMs: nowMs, sealer: sealer)
                    try Inbox.markDeadLettered(db, topic: message.topic, partition: message.partition, offset: message.offset)
                    outcome.deadLettered += 1
                }
            }
            let offsets = nextOffsets
            for out in try processor.finishBatch(in: BatchContext(db: db, source: source, caughtUp: { progress.caughtUp($0, next: offsets, partitions: mine) })) {
                try Outbox.enqueue(db, topic: out.topic, event: out.event, sealer: sealer)
            }
            // The applied offsets move with the state, in the same transaction.
            for (tp, next) in outcome.next {
                try Inbox.setNextOffset(db, topic: tp.topic, partition: tp.partition, next: next, lastEventID: outcome.lastIDs[tp])
            }
            return outcome
        } } catch let error as DatabaseError where tasks.count > 1 && FailureClass.of(error) == .fatal {
            throw TaskFailure(path: storePath, error: error)
        }
        metrics.processed.increment(by: Int64(outcome.processed))
        metrics.duplicates.increment(by: Int64(outcome.duplicates))
        metrics.ignored.increment(by: Int64(outcome.ignored))
        metrics.deadLettered.increment(by: Int64(outcome.deadLettered))
        for span in outcome.spans { tracer.record(span) }
        if outcome.deadLettered > 0 {
            logger.warning("dead-lettered input events", metadata: ["count": "\(outcome.deadLettered)"])
        }
        for (tp, offset) in outcome.crossed {
            metrics.offsetGapsCrossed.increment()
            logger.warning("offset gap crossed after re-reading it: the log has no records there", metadata: [
                "topic": "\(tp.topic)", "partition": "\(tp.partition)", "expected": "\(offset)"])
        }
        return (outcome.next, outcome.gaps)
    }
}

/// The random draws of a `Chaos` setting (test-only), reproducible from its seed.
final class ChaosSource: @unchecked Sendable {
    private let lock = NSLock()
    private var state: UInt64
    let settings: Chaos

    init(_ settings: Chaos) { self.settings = settings; state = settings.seed }

    private func next() -> UInt64 {
        lock.lock(); defer { lock.unlock() }
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    func delay() -> Duration {
        let maxMs = settings.maxDelay.components.seconds * 1000 + settings.maxDelay.components.attoseconds / 1_000_000_000_000_000
        return .milliseconds(maxMs > 0 ? Int64(next() % UInt64(maxMs + 1)) : 0)
    }

    func batchSize() -> Int { 1 + Int(next() % UInt64(settings.maxBatch)) }
}

struct BatchOutcome: Sendable {
    var next: [TopicPartition: Int64] = [:]
    var lastIDs: [TopicPartition: String] = [:]
    var processed = 0
    var duplicates = 0
    /// Types the service ignores (`EventProcessor.ignoredTypes`), read past.
    var ignored = 0
    var deadLettered = 0
    var spans: [Span] = []
    /// Partitions stopped at a gap: the offset to read them again from.
    var gaps: [TopicPartition: Int64] = [:]
    /// Gaps crossed after re-reading them `OffsetGaps.tolerance` times.
    var crossed: [TopicPartition: Int64] = [:]
}

/// A store error of one task, with the task's file (which of several stores is damaged).
struct TaskFailure: Error, CustomStringConvertible {
    var path: String
    var error: DatabaseError
    var description: String { "\(path): \(error)" }
}

/// The runtime stopped the service on purpose; `reason` is what the operator reads.
struct RuntimeStop: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
