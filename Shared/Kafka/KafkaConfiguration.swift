import CRdKafka

/// Settings every client shares. Typed fields for what the suite sets on purpose;
/// `extra` for any other librdkafka property (documented in librdkafka's CONFIGURATION.md).
public struct KafkaConfiguration: Sendable {
    public var bootstrapServers: String
    public var clientID: String
    public var extra: [String: String]

    public init(bootstrapServers: String, clientID: String = "doudi", extra: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers; self.clientID = clientID; self.extra = extra
    }

    /// The one reading of the environment every process shares (services and the `doudi` CLI):
    /// `DOUDI_BROKERS` and each `DOUDI_KAFKA_<PROPERTY>` as the librdkafka property `<property>`
    /// (lower case, `_` for `.`), e.g. `DOUDI_KAFKA_SECURITY_PROTOCOL=sasl_ssl`.
    public static func fromEnvironment(_ env: [String: String], clientID: String,
                                       brokers: String? = nil) -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: brokers ?? env["DOUDI_BROKERS"] ?? "127.0.0.1:19092", clientID: clientID,
                           extra: extraProperties(env))
    }

    /// `DOUDI_KAFKA_*` variables as librdkafka properties.
    public static func extraProperties(_ env: [String: String]) -> [String: String] {
        var extra: [String: String] = [:]
        for (k, v) in env where k.hasPrefix("DOUDI_KAFKA_") {
            extra[k.dropFirst("DOUDI_KAFKA_".count).lowercased().replacingOccurrences(of: "_", with: ".")] = v
        }
        return extra
    }

    var properties: [String: String] {
        var p = ["bootstrap.servers": bootstrapServers, "client.id": clientID,
                 // Tansu and a fresh cluster can be slow to elect: keep retrying rather than failing.
                 "topic.metadata.refresh.interval.ms": "10000",
                 "log_level": "3"]
        for (k, v) in extra { p[k] = v }
        return p
    }
}

/// The size of one Kafka record the suite writes and reads, in one place: producers refuse larger
/// records locally (`message.max.bytes`), `doudi topics create` sets the topics' `max.message.bytes`
/// to it and compose/ sets the broker's. Intake accepts bodies up to 1 MiB; an event carries a
/// body and its envelope, so 4 MiB leaves room without letting one record swamp a fetch.
public enum KafkaLimits {
    public static let maxMessageBytes = 4 * 1024 * 1024
    /// Room for the record's framing (offset, timestamp, lengths) that librdkafka counts too.
    public static let recordOverheadBytes = 512
}

/// Producer settings: idempotence on and `acks=all` are not optional in this suite.
public struct KafkaProducerConfiguration: Sendable {
    public var common: KafkaConfiguration
    /// How long librdkafka keeps retrying a message before reporting it failed (ms).
    public var deliveryTimeoutMs: Int = 300_000
    public var lingerMs: Int = 5
    public var batchSize: Int = 1_000_000
    public var compression: String = "lz4"

    public init(_ common: KafkaConfiguration) { self.common = common }

    var properties: [String: String] {
        var p = common.properties
        p["enable.idempotence"] = "true"
        p["acks"] = "all"
        p["delivery.timeout.ms"] = String(deliveryTimeoutMs)
        p["linger.ms"] = String(lingerMs)
        p["batch.size"] = String(batchSize)
        p["compression.codec"] = compression
        p["queue.buffering.max.messages"] = "1000000"
        p["message.max.bytes"] = String(KafkaLimits.maxMessageBytes)
        for (k, v) in common.extra { p[k] = v }
        return p
    }
}

/// Consumer-group settings: offsets are committed by hand, after the store commits.
public struct KafkaConsumerConfiguration: Sendable {
    public var common: KafkaConfiguration
    public var groupID: String
    public var topics: [String]
    /// Where a group with no committed offset starts. `earliest` so that nothing is skipped.
    public var autoOffsetReset: String = "earliest"
    public var sessionTimeoutMs: Int = 10_000
    public var maxPollIntervalMs: Int = 300_000
    /// Prefetch buffer per consumer (librdkafka's default of 64 MiB dominates a small service's memory).
    public var queuedMaxKBytes: Int = 4_096
    /// The most one fetch brings, over all partitions, and per partition (librdkafka's defaults:
    /// 50 MiB and 1 MiB). These bound the records as they come over the wire, compressed: a batch
    /// of events that compresses well (lz4 takes a 1 KiB event of repeated text to a few dozen
    /// bytes) is decompressed in full once it has arrived, whatever the prefetch limit above. The
    /// no-op service peaked at 378 MiB over 1,000,000 events with 8 MiB fetches, 145 MiB with
    /// these and the 16 MiB store cache (docs/benchmarks.md, "Peak memory"). A record larger than either still comes, alone:
    /// the broker returns the first batch whatever its size, so the 4 MiB record limit holds.
    public var fetchMaxBytes: Int = 1_048_576
    public var partitionFetchMaxBytes: Int = 131_072
    /// How long librdkafka waits before fetching again for a partition whose prefetch was full
    /// (`fetch.queue.backoff.ms`, librdkafka 2.2 and later; its default is a second). With the
    /// small prefetch above, a second's pause each time the service falls behind capped a bare
    /// consumer at 14,000 events/s on Tansu; 10 ms gave the raw relay 60,000.
    public var fetchQueueBackoff: Duration = .milliseconds(10)
    /// How long the broker may hold a fetch with no data. Kafka answers as soon as data arrives,
    /// so a short wait only adds idle requests; brokers that hold the fetch to the end (Tansu) add
    /// up to this much latency per hop (librdkafka's 500 ms default made the pipeline's p50 600 ms).
    public var fetchWaitMaxMs: Int = 25

    public init(_ common: KafkaConfiguration, groupID: String, topics: [String]) {
        self.common = common; self.groupID = groupID; self.topics = topics
    }

    var properties: [String: String] {
        var p = common.properties
        p["group.id"] = groupID
        p["enable.auto.commit"] = "false"
        p["enable.auto.offset.store"] = "false"
        p["auto.offset.reset"] = autoOffsetReset
        p["session.timeout.ms"] = String(sessionTimeoutMs)
        p["heartbeat.interval.ms"] = String(max(100, sessionTimeoutMs / 5))
        p["max.poll.interval.ms"] = String(maxPollIntervalMs)
        p["enable.partition.eof"] = "false"
        p["queued.max.messages.kbytes"] = String(queuedMaxKBytes)
        // librdkafka refuses a fetch.max.bytes below the consumer's message.max.bytes (1,000,000
        // unless DOUDI_KAFKA_MESSAGE_MAX_BYTES raises it).
        let messageMax = common.extra["message.max.bytes"].flatMap { Int($0) } ?? 1_000_000
        p["fetch.max.bytes"] = String(max(messageMax, fetchMaxBytes))
        p["max.partition.fetch.bytes"] = String(max(1_024, partitionFetchMaxBytes))
        let c = fetchQueueBackoff.components   // librdkafka 2.2 and later, as scripts/setup requires
        p["fetch.queue.backoff.ms"] = String(max(0, c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000))
        p["fetch.wait.max.ms"] = String(fetchWaitMaxMs)
        // Range gives a member the same partition numbers of every topic it reads (same counts):
        // a service's state split by partition needs a household's topics on one replica
        // (docs/scaling.md). librdkafka's default lists roundrobin second; say it outright.
        p["partition.assignment.strategy"] = "range"
        for (k, v) in common.extra { p[k] = v }
        return p
    }
}

/// Builds an `rd_kafka_conf_t`, reporting the first invalid property by name.
func makeNativeConf(_ properties: [String: String]) throws -> OpaquePointer {
    let conf = rd_kafka_conf_new()!
    var errstr = [CChar](repeating: 0, count: 512)
    for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
        if rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
            rd_kafka_conf_destroy(conf)
            throw KafkaError.config("\(key): \(String(cString: errstr))")
        }
    }
    return conf
}

func makeHandle(_ type: rd_kafka_type_t, conf: OpaquePointer) throws -> OpaquePointer {
    var errstr = [CChar](repeating: 0, count: 512)
    guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
        rd_kafka_conf_destroy(conf)
        throw KafkaError.config(String(cString: errstr))
    }
    return rk
}

/// The librdkafka version this binary runs with (e.g. "2.8.0").
public var librdkafkaVersion: String { String(cString: rd_kafka_version_str()) }
