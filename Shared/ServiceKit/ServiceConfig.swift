import Envelope
import Foundation
import Kafka
import Logging

/// Runtime settings of a service, from environment variables (documented in docs/configuration.md).
public struct ServiceConfig: Sendable {
    /// `DOUDI_BROKERS`: bootstrap servers. Default `127.0.0.1:19092` (the development broker).
    public var brokers: String
    /// `DOUDI_DATA_DIR`: where the service keeps its SQLite store. Default `./data`.
    public var dataDir: String
    /// `DOUDI_<SERVICE>_HTTP_PORT` or `DOUDI_HTTP_PORT`: health, readiness, metrics (and APIs). 0 disables.
    public var httpPort: Int
    public var httpHost: String
    /// `DOUDI_GROUP_ID`: the consumer group. Default `doudi-<service>`.
    public var groupID: String
    /// `DOUDI_BATCH_SIZE`: messages applied per store transaction. Default 500.
    public var batchSize: Int
    /// `DOUDI_PERSON_KEY_SECRET`: the deployment secret of person keys (HMAC-SHA256), at least
    /// 32 bytes; the published development value only in development mode.
    public var personKeySecret: String
    /// `DOUDI_MODE`: `development` allows the published development secrets (with a loud warning).
    public var mode: DeploymentMode
    /// `DOUDI_OPERATOR_KEYS`: the keys that verify operator tokens.
    public var operatorKeys: OperatorKeyRing
    /// Timeouts, rate limits, the metrics token.
    public var http: HTTPSettings
    /// `DOUDI_SESSION_TIMEOUT_MS`: consumer-group session timeout. Default 10000.
    public var sessionTimeoutMs: Int
    /// `DOUDI_SYNCHRONOUS`: `full` (default) or `normal` SQLite durability.
    public var synchronousFull: Bool
    /// `DOUDI_STORE_CACHE`: the most the store's writer keeps of its pages in memory (`64MiB`);
    /// unset, the service's own default (`EventProcessor.storeCacheBytes`).
    public var storeCache: Int?
    /// `DOUDI_LOG_LEVEL`: trace, debug, info (default), notice, warning, error.
    public var logLevel: Logger.Level
    /// `DOUDI_KAFKA_<PROPERTY>`: any librdkafka property, e.g. DOUDI_KAFKA_SECURITY_PROTOCOL=ssl.
    public var kafkaExtra: [String: String]
    /// `DOUDI_LOG_FORMAT`: `text` (default) or `json`.
    public var logFormat: LogFormat
    /// `DOUDI_RETRY_BUDGET`: attempts at a failing batch before readiness fails and each message
    /// that still fails with an unclassified error is dead-lettered. Default 5.
    public var retryBudget: Int
    /// `DOUDI_OUTBOX_MAX_AGE`: readiness fails while the oldest outbox event has waited longer. Default 2m.
    public var outboxMaxAge: Duration
    /// `DOUDI_DEDUPE_HORIZON`: how long applied-event ids are kept to recognise an event re-sent at
    /// a new offset (the replay horizon). Default 30d.
    public var dedupeHorizon: Duration
    /// `DOUDI_OFFSET_CHECK_TIMEOUT`: how long an assigned partition may take to deliver again the
    /// event the store applied last before the service concludes the broker lost it. Default 60s.
    public var offsetCheckTimeout: Duration
    /// `DOUDI_TRACING`: `off` (default) or `on` (W3C trace context on every derived event, spans to the log
    /// or to `DOUDI_OTLP_ENDPOINT`).
    public var tracing: TracingSettings
    /// Settings that could not be read; `ServiceRunner` refuses to start with any.
    public var problems: [String]

    /// Test-only (`DOUDI_TEST_CHAOS_SEED`, `…_MAX_DELAY_MS`, `…_MAX_BATCH`): random processing
    /// delays and batch sizes, so that convergence tests interleave topics differently on each run.
    public var chaos: Chaos?

    public let service: String

    /// `DOUDI_TASKS`: how many tasks the service's state is split into, by partition (docs/scaling.md).
    /// 1 (the default) is one store; several replicas may share it or its tasks in one data directory.
    public var tasks: Int
    /// `DOUDI_RELAY_LEASE`: how long a replica's hold on a task's outbox lasts without renewal; a
    /// replica that dies without releasing it delays that task's publishing by at most this much.
    public var relayLease: Duration
    /// `DOUDI_CHECKPOINT_EVERY`: how often the owner of a task publishes a checkpoint of its store
    /// (`TaskCheckpoints`), so that a replica with a data directory of its own can take the task
    /// over; unset (the default), none are published or read (replicas share a data directory).
    public var checkpointEvery: Duration?

    /// Throws `MissingSecret` when a secret is missing or weak outside development mode.
    public init(service: String, defaultHTTPPort: Int, environment env: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.service = service
        mode = DeploymentMode.from(env)
        personKeySecret = try Secrets.personKeySecret(env)
        operatorKeys = try OperatorKeyRing.fromEnvironment(env)
        http = try HTTPSettings(environment: env)
        let upper = service.uppercased().replacingOccurrences(of: "-", with: "_")
        brokers = env["DOUDI_BROKERS"] ?? "127.0.0.1:19092"
        dataDir = env["DOUDI_DATA_DIR"] ?? "./data"
        httpPort = Int(env["DOUDI_\(upper)_HTTP_PORT"] ?? env["DOUDI_HTTP_PORT"] ?? "") ?? defaultHTTPPort
        httpHost = env["DOUDI_HTTP_HOST"] ?? "127.0.0.1"
        groupID = env["DOUDI_GROUP_ID"] ?? "doudi-\(service)"
        batchSize = max(1, Int(env["DOUDI_BATCH_SIZE"] ?? "") ?? 500)
        sessionTimeoutMs = Int(env["DOUDI_SESSION_TIMEOUT_MS"] ?? "") ?? 10_000
        synchronousFull = (env["DOUDI_SYNCHRONOUS"] ?? "full").lowercased() != "normal"
        logLevel = env["DOUDI_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
        kafkaExtra = KafkaConfiguration.extraProperties(env)
        var problems: [String] = []
        switch env["DOUDI_LOG_FORMAT"].map({ $0.lowercased() }) ?? "" {
        case "", "text": logFormat = .text
        case "json": logFormat = .json
        case let other: logFormat = .text; problems.append("DOUDI_LOG_FORMAT=\(other.prefix(20)) is neither text nor json")
        }
        retryBudget = Self.integer(env, "DOUDI_RETRY_BUDGET", default: 5, minimum: 1, problems: &problems)
        outboxMaxAge = Self.duration(env, "DOUDI_OUTBOX_MAX_AGE", default: .seconds(120), problems: &problems)
        dedupeHorizon = Self.duration(env, "DOUDI_DEDUPE_HORIZON", default: .seconds(30 * 86_400), problems: &problems)
        offsetCheckTimeout = Self.duration(env, "DOUDI_OFFSET_CHECK_TIMEOUT", default: .seconds(60), problems: &problems)
        tracing = TracingSettings(env, problems: &problems)
        storeCache = Self.byteSize(env, "DOUDI_STORE_CACHE", minimum: 512 * 1024, problems: &problems)
        tasks = Self.integer(env, "DOUDI_TASKS", default: 1, minimum: 1, problems: &problems)
        if tasks > 256 { problems.append("DOUDI_TASKS=\(tasks) is more than 256 tasks"); tasks = 1 }
        relayLease = Self.duration(env, "DOUDI_RELAY_LEASE", default: .seconds(5), problems: &problems)
        if relayLease < .milliseconds(500) { problems.append("DOUDI_RELAY_LEASE must be at least 500ms"); relayLease = .seconds(5) }
        if let text = env["DOUDI_CHECKPOINT_EVERY"], !text.isEmpty {
            let every = Self.duration(env, "DOUDI_CHECKPOINT_EVERY", default: .seconds(300), problems: &problems)
            // A checkpoint older than the horizon would re-send events consumers no longer recognise.
            if every < .seconds(1) || every > dedupeHorizon / 4 {
                problems.append("DOUDI_CHECKPOINT_EVERY=\(text.prefix(20)) must be at least 1s and at most a quarter of DOUDI_DEDUPE_HORIZON (\(dedupeHorizon))")
            }
            // Events wait for the checkpoint that holds them: the outbox's age would fail readiness.
            if every * 2 > outboxMaxAge {
                problems.append("DOUDI_CHECKPOINT_EVERY=\(text.prefix(20)) must be at most half of DOUDI_OUTBOX_MAX_AGE (\(outboxMaxAge)): events wait for the checkpoint that holds them")
            }
            checkpointEvery = every
        }
        self.problems = problems
        chaos = Chaos(environment: env)
    }

    public var storePath: String { "\(dataDir)/\(service).sqlite" }
}

/// Random per-batch delays and batch sizes for tests of the convergence property: the same inputs
/// must give the same decisions whatever the interleaving. Off unless `DOUDI_TEST_CHAOS_SEED` is set.
public struct Chaos: Sendable {
    public var seed: UInt64
    /// Each batch waits a random time up to this before it is applied.
    public var maxDelay: Duration
    /// Each poll takes a random number of messages from 1 to this.
    public var maxBatch: Int

    public init(seed: UInt64, maxDelay: Duration, maxBatch: Int) {
        self.seed = seed; self.maxDelay = maxDelay; self.maxBatch = max(1, maxBatch)
    }

    init?(environment env: [String: String]) {
        guard let seed = env["DOUDI_TEST_CHAOS_SEED"].flatMap({ UInt64($0) }) else { return nil }
        self.init(seed: seed, maxDelay: .milliseconds(Int(env["DOUDI_TEST_CHAOS_MAX_DELAY_MS"] ?? "") ?? 50),
                  maxBatch: Int(env["DOUDI_TEST_CHAOS_MAX_BATCH"] ?? "") ?? 20)
    }
}

extension ServiceConfig {
    /// For a service's `main`: the configuration, or a one-line refusal naming the missing secret
    /// and exit status 78 (EX_CONFIG).
    public static func orExit(service: String, defaultHTTPPort: Int) -> ServiceConfig {
        startOrExit(service) { try ServiceConfig(service: service, defaultHTTPPort: defaultHTTPPort) }
    }
}

/// Runs a start-up step; on failure prints `doudi-<service>: <error>` and exits with status 78.
public func startOrExit<T>(_ service: String, _ body: () throws -> T) -> T {
    do { return try body() } catch {
        FileHandle.standardError.write(Data("doudi-\(service): \(error)\n".utf8))
        exit(78)
    }
}
