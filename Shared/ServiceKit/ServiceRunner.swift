#if canImport(Glibc)
import Glibc
#endif
import Envelope
import Foundation
import Hummingbird
import Kafka
import Logging
import ServiceLifecycle
import Store

/// Starts a service: store, producer, consumer, the consume/apply/commit loop, the outbox relay,
/// the HTTP endpoints; stops gracefully on SIGTERM/SIGINT (the batch in hand is committed and
/// the outbox drained before exit).
public struct ServiceRunner: Sendable {
    public let config: ServiceConfig
    public let store: ServiceStore
    public let metrics: ServiceMetrics
    public let logger: Logger
    /// Writes from HTTP handlers and schedulers: state and outbox in one transaction.
    public let writer: StoreWriter
    /// Records reads of personal data (runtime_access_log and audit.access).
    public let audit: AccessAudit
    let processor: any EventProcessor
    let wake = WakeSignal()

    public init(processor: any EventProcessor, defaultHTTPPort: Int, config: ServiceConfig? = nil) throws {
        let config = try config ?? ServiceConfig(service: processor.name, defaultHTTPPort: defaultHTTPPort)
        Logs.bootstrap(level: config.logLevel)
        self.config = config
        self.processor = processor
        self.logger = Logger(label: "doudi.\(processor.name)")
        if config.mode == .development {
            logger.warning("\(DeploymentMode.developmentWarning)")
        }
        self.metrics = ServiceMetrics(service: processor.name)
        self.store = try ServiceStore(path: config.storePath, synchronousFull: config.synchronousFull,
                                      migrations: processor.registerMigrations)
        self.writer = StoreWriter(store: store, wake: wake)
        self.audit = AccessAudit(writer: writer, service: processor.name)
    }

    public var kafka: KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: config.brokers, clientID: "doudi-\(processor.name)", extra: config.kafkaExtra)
    }

    /// Runs until SIGTERM/SIGINT. `routes` adds service-specific HTTP routes;
    /// `background` are extra long-running tasks (schedulers) stopped with the rest.
    public func run(routes: (Router<DoudiRequestContext>) -> Void = { _ in },
                    background: [any Service] = []) async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka), logger: logger)
        var consumerConfig = KafkaConsumerConfiguration(kafka, groupID: config.groupID, topics: processor.inputTopics)
        consumerConfig.sessionTimeoutMs = config.sessionTimeoutMs
        let consumer = try KafkaConsumer(configuration: consumerConfig, logger: logger)
        let pipeline = Pipeline(
            loop: ConsumerLoop(processor: processor, consumer: consumer, store: store, metrics: metrics,
                               relayWake: wake, batchSize: config.batchSize, logger: logger),
            relay: OutboxRelay(store: store, producer: producer, metrics: metrics, wake: wake, logger: logger),
            consumer: consumer, store: store, metrics: metrics, logger: logger)

        var services: [any Service] = [pipeline] + background
        if config.httpPort > 0 {
            let router = Router(context: DoudiRequestContext.self)
            // Before any route: middleware wraps only the routes added after it.
            router.add(middleware: TrustMiddleware(keys: config.operatorKeys, settings: config.http, realm: "doudi-\(processor.name)"))
            HealthRoutes.add(to: router, metrics: metrics) {
                consumer.assignment.isEmpty ? (false, "waiting for partition assignment") : (true, "ready")
            }
            routes(router)
            services.append(Application(router: router,
                                        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(config.http.idleTimeoutSeconds)))),
                                        configuration: .init(address: .hostname(config.httpHost, port: config.httpPort)),
                                        logger: logger))
        }
        logger.info("starting", metadata: ["mode": "\(config.mode.rawValue)", "brokers": "\(config.brokers)", "group": "\(config.groupID)",
                                           "store": "\(config.storePath)", "http": "\(config.httpPort)",
                                           "librdkafka": "\(librdkafkaVersion)"])
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
    /// Runs a service as a process's main: a start-up failure (a bad setting, a port in use, an
    /// unreadable store) is reported in one line and the process exits with status 1.
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

/// The consumer loop, the outbox relay and the lag gauge, stopped in that order.
struct Pipeline: Service {
    let loop: ConsumerLoop
    let relay: OutboxRelay
    let consumer: KafkaConsumer
    let store: ServiceStore
    let metrics: ServiceMetrics
    let logger: Logger

    func run() async throws {
        let stop = Flag(), consumerDone = Flag()
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { consumerDone.set() }
                    try await loop.run(shouldStop: { stop.isSet })
                }
                group.addTask { await relay.run(shouldStop: { consumerDone.isSet }) }
                group.addTask {
                    while !consumerDone.isSet {
                        await updateLag()
                        trimHeap()
                        for _ in 0..<20 where !consumerDone.isSet { try? await Task.sleep(for: .milliseconds(100)) }
                    }
                }
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            stop.set()
        }
        await consumer.close()
    }

    private func updateLag() async {
        guard let next = try? await store.pool.read({ try Inbox.nextOffsets($0) }) else { return }
        var lag: Int64 = 0
        for tp in consumer.assignment {
            if let high = consumer.cachedHighWatermark(tp) { lag += max(0, high - (next[tp.topic]?[tp.partition] ?? 0)) }
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
