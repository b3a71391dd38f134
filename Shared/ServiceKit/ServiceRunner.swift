#if canImport(Glibc)
import Glibc
#endif
import Envelope
import Foundation
import Hummingbird
import Kafka
import Logging
import GRDB
import ServiceLifecycle
import Store

/// Starts a service: store, producer, consumer, the consume/apply/commit loop, the outbox relay,
/// the HTTP endpoints; stops gracefully on SIGTERM/SIGINT (the batch in hand is committed and
/// the outbox drained before exit).
public struct ServiceRunner: Sendable {
    public let config: ServiceConfig
    /// The store of task 0: the service's only store unless `DOUDI_TASKS` > 1.
    public let store: ServiceStore
    /// Every task's store (docs/scaling.md); `tasks.stores[0]` is `store`.
    public let tasks: TaskStores
    public let metrics: ServiceMetrics
    public let logger: Logger
    /// Writes from HTTP handlers and schedulers: state and outbox in one transaction (task 0's).
    public let writer: StoreWriter
    /// A writer per task, by task number.
    public let writers: [StoreWriter]
    /// What `/healthz` and `/readyz` report.
    public let health: RuntimeHealth
    let tracer: Tracer
    /// Records reads of personal data (runtime_access_log and audit.access).
    public let audit: AccessAudit
    let processor: any EventProcessor
    let wake = WakeSignal()
    /// How far the store has read each input topic (shared by the consumer loop and the writer).
    public let progress = ReadProgress()

    public init(processor: any EventProcessor, defaultHTTPPort: Int, config: ServiceConfig? = nil) throws {
        let config = try config ?? ServiceConfig(service: processor.name, defaultHTTPPort: defaultHTTPPort)
        if !config.problems.isEmpty { throw SettingsError(problems: config.problems) }
        Logs.bootstrap(level: config.logLevel, format: config.logFormat)
        MetricsBootstrap.bootstrap()
        self.config = config
        self.processor = processor
        self.logger = Logger(label: "doudi.\(processor.name)")
        if config.mode == .development {
            logger.warning("\(DeploymentMode.developmentWarning)")
        }
        self.metrics = ServiceMetrics(service: processor.name)
        let tasks = try TaskStores(config: config, processor: processor)
        self.tasks = tasks
        self.store = tasks.stores[0]
        let health = RuntimeHealth(retryBudget: config.retryBudget, outboxMaxAge: config.outboxMaxAge)
        self.health = health
        let tracer = Tracer(settings: config.tracing, service: processor.name, logger: Logger(label: "doudi.\(processor.name).trace"))
        self.tracer = tracer
        let wake = wake, progress = progress
        self.writers = tasks.stores.enumerated().map {
            StoreWriter(store: $0.element, wake: wake, health: health, tracer: tracer, progress: progress, task: $0.offset, taskCount: tasks.count,
                        ownerOnly: config.checkpointEvery != nil)
        }
        self.writer = writers[0]
        self.audit = AccessAudit(writers: writers, service: processor.name)
    }

    public var kafka: KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: config.brokers, clientID: "doudi-\(processor.name)", extra: config.kafkaExtra)
    }

    /// Runs until SIGTERM/SIGINT. `routes` adds service-specific HTTP routes;
    /// `background` are extra long-running tasks (schedulers) stopped with the rest.
    /// `publicPaths`: `/v1` paths (exact, or prefixes ending in `/`) that answer without an operator
    /// token because what they serve is public (intake's region directory).
    public func run(routes: (Router<DoudiRequestContext>) -> Void = { _ in },
                    publicPaths: [String] = [],
                    background: [any Service] = []) async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka), logger: logger)
        try await readPartitionCounts()
        var consumerConfig = KafkaConsumerConfiguration(kafka, groupID: config.groupID, topics: processor.inputTopics)
        consumerConfig.sessionTimeoutMs = config.sessionTimeoutMs
        // Replicas with data directories of their own (docs/scaling.md, "Replicas on separate
        // machines: checkpoints"): a task assigned here is first brought up to its latest checkpoint.
        let tasks = tasks, health = health, logger = logger
        var checkpoints: TaskCheckpoints?
        if config.checkpointEvery != nil {
            let c = TaskCheckpoints(service: processor.name, tasks: tasks, kafka: kafka, producer: producer,
                                    migrations: { [processor] in processor.registerMigrations(&$0) }, logger: logger)
            try await c.ensureTopic()
            c.onCovered = { [wake] in wake.signal() }
            checkpoints = c
        }
        let continuity = LogContinuity(timeout: config.offsetCheckTimeout, tasks: tasks, prepare: checkpoints.map { (checkpoints: TaskCheckpoints) in
            { @Sendable assigned in
                for task in assigned.sorted() {
                    // The rebalance callback is synchronous: it waits for the restore, bounded by
                    // the read's own stall timeout. A failed restore leaves the replica's own file,
                    // which is a state the service reached too (only older).
                    let done = DispatchSemaphore(value: 0)
                    Task {
                        do { _ = try await checkpoints.restore(task: task) }
                        catch {
                            // Not the live store's failure (a broker read, the temporary copy): logged, not
                            // fatal; the task publishes nothing until a restore succeeds (TaskCheckpoints).
                            logger.warning("restoring a task from its checkpoint failed; it publishes nothing until a retry succeeds",
                                           metadata: ["task": "\(task)", "error": "\(error)"])
                        }
                        done.signal()
                    }
                    done.wait()
                }
            }
        })
        let consumer = try KafkaConsumer(configuration: consumerConfig, logger: logger,
                                         startOffsets: continuity.startOffsets())
        let checkpointing = checkpoints
        let relays = tasks.stores.enumerated().map { (task: Int, store: ServiceStore) -> OutboxRelay in
            var covered: (@Sendable () -> Int64?)?
            if let checkpointing { covered = { checkpointing.covered(task: task) } }
            return OutboxRelay(store: store, producer: producer, metrics: metrics, health: health, wake: wake, logger: logger,
                               service: processor.name, task: task,
                               owned: { tasks.count == 1 || tasks.owned(by: consumer.assignment).contains(task) },
                               lease: config.relayLease, covered: covered)
        }
        let pipeline = Pipeline(
            loop: ConsumerLoop(processor: processor, consumer: consumer, tasks: tasks, metrics: metrics, health: health,
                               tracer: tracer, continuity: continuity, relayWake: wake, batchSize: config.batchSize, retryBudget: config.retryBudget,
                               chaos: config.chaos, logger: logger, progress: progress),
            relays: relays,
            consumer: consumer, tasks: tasks, metrics: metrics, health: health, tracer: tracer, continuity: continuity,
            dedupeHorizon: config.dedupeHorizon, checkpoints: checkpoints, checkpointEvery: config.checkpointEvery ?? .seconds(300),
            logger: logger)

        var services: [any Service] = [pipeline] + background
        if config.httpPort > 0 {
            let router = Router(context: DoudiRequestContext.self)
            // Before any route: middleware wraps only the routes added after it.
            router.add(middleware: TrustMiddleware(keys: config.operatorKeys, settings: config.http, realm: "doudi-\(processor.name)",
                                                   publicPaths: publicPaths))
            router.add(middleware: MetricsMiddleware())
            HealthRoutes.add(to: router, metrics: metrics, liveness: { health.liveness() }) {
                health.readiness(assigned: !consumer.assignment.isEmpty, split: progress.split)
            }
            routes(router)
            services.append(Application(router: router,
                                        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(config.http.idleTimeoutSeconds)))),
                                        configuration: .init(address: .hostname(config.httpHost, port: config.httpPort)),
                                        logger: logger))
        }
        logger.info("starting", metadata: ["mode": "\(config.mode.rawValue)", "brokers": "\(config.brokers)", "group": "\(config.groupID)",
                                           "store": "\(store.path)", "tasks": "\(tasks.count)", "http": "\(config.httpPort)",
                                           "librdkafka": "\(librdkafkaVersion)", "tracing": "\(config.tracing.enabled)"])
        // Any service ending (the HTTP server on SIGTERM, say) shuts the others down gracefully,
        // so the pipeline still commits its batch and drains the outbox instead of being cancelled.
        let group = ServiceGroup(configuration: .init(services: services.map {
                                                          .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                                                                failureTerminationBehavior: .gracefullyShutdownGroup)
                                                      },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}

extension ServiceRunner {
    /// The partition count of every input topic, for "read to its end" (`ReadProgress`), and the
    /// check that a split store has one task per partition: a replica is assigned whole
    /// partitions, so only then is each task wholly one replica's (docs/scaling.md). A broker not
    /// answering leaves the counts unknown (logged); a mismatch refuses to start.
    func readPartitionCounts() async throws {
        var counts: [String: Int] = [:]
        do {
            let admin = try KafkaAdmin(configuration: kafka, timeoutMs: 10_000)
            for topic in processor.inputTopics {
                let n = try await admin.partitions(of: topic).count
                if n > 0 { counts[topic] = n }
            }
        } catch {
            logger.warning("partition counts unknown; read-to-end checks use the assigned partitions only", metadata: ["error": "\(error)"])
        }
        progress.setPartitionCounts(counts)
        let logger = logger
        progress.whenSplit { logger.error("cannot decide what waits for a topic read to its end", metadata: ["why": "\($0)"]) }
        if tasks.count > 1, let (topic, n) = counts.first(where: { $0.value != tasks.count }) {
            throw SettingsError(problems: ["DOUDI_TASKS=\(tasks.count), but \(topic) has \(n) partitions: a split store needs one task per partition (DOUDI_TASKS=\(n)), or DOUDI_TASKS=1 (docs/scaling.md)"])
        }
    }

    /// Runs a service as a process's main: a start-up failure (a bad setting, a port in use, an
    /// unreadable store) is reported in one line and the process exits with status 78 for a setting
    /// or a missing secret (EX_CONFIG), 1 for anything else.
    public static func main(processor: any EventProcessor, defaultHTTPPort: Int,
                            run: (ServiceRunner) async throws -> Void = { try await $0.run() }) async {
        #if canImport(Glibc)
        // glibc gives every thread its own malloc arena; librdkafka's, NIO's and SQLite's threads
        // then hold tens of MiB each that the service never needs back.
        _ = glibcMallopt(-8 /* M_ARENA_MAX */, 2)
        #endif
        do {
            let runner = try ServiceRunner(processor: processor, defaultHTTPPort: defaultHTTPPort)
            try await run(runner)
        } catch let error as MissingSecret {
            FileHandle.standardError.write(Data("doudi-\(processor.name): \(error)\n".utf8))
            exit(78)
        } catch let error as SettingsError {
            FileHandle.standardError.write(Data("doudi-\(processor.name): \(error)\n".utf8))
            exit(78)
        } catch {
            FileHandle.standardError.write(Data("doudi-\(processor.name): \(error)\n".utf8))
            exit(1)
        }
    }
}

#if canImport(Glibc)
@_silgen_name("mallopt") private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
@_silgen_name("malloc_trim") private func glibcMallocTrim(_ pad: Int) -> Int32
#endif

/// Hands freed heap memory back to the system (batches come and go; the peak should not stay).
func trimHeap() {
    #if canImport(Glibc)
    _ = glibcMallocTrim(0)
    #endif
}

/// The consumer loop, the outbox relays (one per task) and the lag gauge, stopped in that order.
struct Pipeline: Service {
    let loop: ConsumerLoop
    let relays: [OutboxRelay]
    let consumer: KafkaConsumer
    let tasks: TaskStores
    let metrics: ServiceMetrics
    let health: RuntimeHealth
    let tracer: Tracer
    let continuity: LogContinuity
    let dedupeHorizon: Duration
    let checkpoints: TaskCheckpoints?
    let checkpointEvery: Duration
    let logger: Logger

    func run() async throws {
        let stop = Flag(), consumerDone = Flag()
        do {
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        defer { consumerDone.set() }
                        try await loop.run(shouldStop: { stop.isSet })
                    }
                    // With checkpoints, the relays drain what the last checkpoint (taken as the replica stops) covers.
                    let checkpointsDone = Flag()
                    if checkpoints == nil { checkpointsDone.set() }
                    for relay in relays { group.addTask { await relay.run(shouldStop: { consumerDone.isSet && checkpointsDone.isSet }) } }
                    if let checkpoints {
                        group.addTask { await publishCheckpoints(checkpoints, until: consumerDone); checkpointsDone.set() }
                    }
                    group.addTask {
                        var lastPrune = ContinuousClock.now - .seconds(3600)
                        while !consumerDone.isSet {
                            await updateLag()
                            await tracer.flush()
                            if ContinuousClock.now - lastPrune >= pruneInterval { await pruneAppliedIDs(); lastPrune = .now }
                            trimHeap()
                            for _ in 0..<10 where !consumerDone.isSet && health.fatal == nil { try? await Task.sleep(for: .milliseconds(100)) }
                            if let lost = continuity.overdue(assigned: consumer.assignment,
                                                             answered: { consumer.cachedHighWatermark($0) != nil }) {
                                health.fail(lost.description)
                                logger.critical("stopping", metadata: ["reason": "\(lost)"])
                            }
                            // A store failure seen by an HTTP handler stops the consumer too.
                            if let fatal = health.fatal { stop.set(); throw RuntimeStop(reason: fatal) }
                        }
                        await tracer.flush()
                    }
                    try await group.waitForAll()
                }
            } onGracefulShutdown: {
                stop.set()
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
    }

    /// A checkpoint of each task this replica owns as soon as it owns it, then every
    /// `checkpointEvery` of each that changed since its last one; a last one of each as the
    /// replica stops (a planned move then costs the next owner nothing to read again).
    private func publishCheckpoints(_ checkpoints: TaskCheckpoints, until done: Flag) async {
        var owned: Set<Int> = []
        let consumer = consumer, tasks = tasks
        func takeAll(_ which: Set<Int>) async {
            for task in which.sorted() {
                do {
                    if let m = try await checkpoints.take(task: task, stillOwned: { tasks.owned(by: consumer.assignment).contains(task) }) {
                        logger.info("checkpoint published", metadata: ["task": "\(task)", "checkpoint": "\(m.id)", "bytes": "\(m.bytes)"])
                    }
                } catch {
                    logger.warning("checkpoint failed", metadata: ["task": "\(task)", "error": "\(error)"])
                }
            }
        }
        var last = ContinuousClock.now
        while !done.isSet {
            try? await Task.sleep(for: .milliseconds(100))
            let now = tasks.owned(by: consumer.assignment)
            // A task whose restore failed (or met a later version's checkpoint) is tried again.
            for task in checkpoints.unrestored.intersection(now).sorted() where ContinuousClock.now - last >= checkpointEvery {
                do { _ = try await checkpoints.restore(task: task) }
                catch { logger.warning("restoring a task from its checkpoint failed again", metadata: ["task": "\(task)", "error": "\(error)"]) }
            }
            // A task just taken over is checkpointed at once (it may have been rebuilt from its log).
            let new = now.subtracting(owned)
            owned = now
            if ContinuousClock.now - last >= checkpointEvery { last = .now; await takeAll(owned) }
            else if !new.isEmpty { await takeAll(new) }
        }
        await takeAll(owned)
    }

    /// Pruning runs a few times per horizon (at most hourly), in slices, off the consumer's transaction.
    private var pruneInterval: Duration { max(.seconds(1), min(dedupeHorizon / 4, .seconds(3600))) }

    private func pruneAppliedIDs() async {
        let horizonMs = dedupeHorizon.components.seconds * 1000 + dedupeHorizon.components.attoseconds / 1_000_000_000_000_000
        let cutoff = Int64(Date().timeIntervalSince1970 * 1000) - horizonMs
        var total = 0
        for store in tasks.stores {
            do {
                while true {
                    let n = try await store.pool.write { try Inbox.prune($0, appliedBeforeMs: cutoff) }
                    total += n
                    if n < 10_000 { break }
                }
            } catch {
                health.observe(error, storePath: store.path)
                logger.warning("pruning applied-event ids failed", metadata: ["error": "\(error)", "store": "\(store.path)"])
            }
        }
        if total > 0 {
            metrics.appliedIdsPruned.increment(by: Int64(total))
            logger.info("applied-event ids past the replay horizon forgotten", metadata: ["count": "\(total)"])
        }
    }

    private func updateLag() async {
        let assignment = consumer.assignment
        var lag: Int64 = 0
        for task in tasks.owned(by: assignment) {
            guard let next = try? await tasks.stores[task].pool.read({ try Inbox.nextOffsets($0) }) else { continue }
            for tp in assignment where tasks.task(of: tp.partition) == task {
                if let high = consumer.cachedHighWatermark(tp) { lag += max(0, high - (next[tp.topic]?[tp.partition] ?? 0)) }
            }
        }
        metrics.consumerLag.set(lag)
    }
}

/// A one-way boolean shared across tasks.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// Settings that could not be read: the service refuses to start and names each.
struct SettingsError: Error, CustomStringConvertible {
    var problems: [String]
    var description: String { "bad settings: " + problems.joined(separator: "; ") }
}
