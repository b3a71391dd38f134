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
    let processor: any EventProcessor

    public init(processor: any EventProcessor, defaultHTTPPort: Int, config: ServiceConfig? = nil) throws {
        let config = config ?? ServiceConfig(service: processor.name, defaultHTTPPort: defaultHTTPPort)
        Logs.bootstrap(level: config.logLevel)
        self.config = config
        self.processor = processor
        self.logger = Logger(label: "doudi.\(processor.name)")
        self.metrics = ServiceMetrics(service: processor.name)
        self.store = try ServiceStore(path: config.storePath, synchronousFull: config.synchronousFull,
                                      migrations: processor.registerMigrations)
    }

    public var kafka: KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: config.brokers, clientID: "doudi-\(processor.name)", extra: config.kafkaExtra)
    }

    /// Runs until SIGTERM/SIGINT. `routes` adds service-specific HTTP routes;
    /// `background` are extra long-running tasks (schedulers) stopped with the rest.
    public func run(routes: (Router<BasicRequestContext>) -> Void = { _ in },
                    background: [any Service] = []) async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka), logger: logger)
        var consumerConfig = KafkaConsumerConfiguration(kafka, groupID: config.groupID, topics: processor.inputTopics)
        consumerConfig.sessionTimeoutMs = config.sessionTimeoutMs
        let consumer = try KafkaConsumer(configuration: consumerConfig, logger: logger)
        let wake = WakeSignal()
        let pipeline = Pipeline(
            loop: ConsumerLoop(processor: processor, consumer: consumer, store: store, metrics: metrics,
                               relayWake: wake, batchSize: config.batchSize, logger: logger),
            relay: OutboxRelay(store: store, producer: producer, metrics: metrics, wake: wake, logger: logger),
            consumer: consumer, store: store, metrics: metrics, logger: logger)

        var services: [any Service] = [pipeline] + background
        if config.httpPort > 0 {
            let router = Router()
            HealthRoutes.add(to: router, metrics: metrics) {
                consumer.assignment.isEmpty ? (false, "waiting for partition assignment") : (true, "ready")
            }
            routes(router)
            services.append(Application(router: router, configuration: .init(address: .hostname(config.httpHost, port: config.httpPort)),
                                        logger: logger))
        }
        logger.info("starting", metadata: ["brokers": "\(config.brokers)", "group": "\(config.groupID)",
                                           "store": "\(config.storePath)", "http": "\(config.httpPort)",
                                           "librdkafka": "\(librdkafkaVersion)"])
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped")
    }
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
                        for _ in 0..<50 where !consumerDone.isSet { try? await Task.sleep(for: .milliseconds(100)) }
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
