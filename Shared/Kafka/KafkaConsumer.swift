import CRdKafka
import Foundation
import Logging

/// Rebalance notifications, for the runtime's metrics and logs. Note that with the eager
/// protocol a revocation arrives after the partitions are gone: the runtime therefore commits
/// offsets right after each store commit instead of on revocation.
public enum RebalanceEvent: Sendable {
    case assigned([TopicPartition])
    case revoked([TopicPartition])
}

/// A consumer-group member with manual offset commits.
///
/// Every blocking librdkafka call runs on the consumer's own serial dispatch queue, never on
/// the cooperative thread pool. Read with `batches(maxCount:)`, an async sequence of batches.
public final class KafkaConsumer: @unchecked Sendable {
    let handle: OpaquePointer
    private let queue: DispatchQueue
    private let state: ConsumerState
    private let logger: Logger
    private var closed = false

    /// - Parameter startOffsets: where to start each partition assigned to this member, asked on
    ///   every assignment (a service answers with its store's next offsets, so that a store restored
    ///   from a backup catches up and nothing depends on the group's committed offsets). Partitions
    ///   it leaves out start at the committed offset, else at `autoOffsetReset`.
    public init(configuration: KafkaConsumerConfiguration, logger: Logger = Logger(label: "doudi.kafka.consumer"),
                startOffsets: (@Sendable ([TopicPartition]) -> [TopicPartition: Int64])? = nil) throws {
        self.logger = logger
        self.queue = DispatchQueue(label: "doudi.kafka.consumer.\(configuration.groupID)")
        self.state = ConsumerState(logger: logger, startOffsets: startOffsets)
        let conf = try makeNativeConf(configuration.properties)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(state).toOpaque())
        rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
            guard let rk, let partitions, let opaque else { return }
            let state = Unmanaged<ConsumerState>.fromOpaque(opaque).takeUnretainedValue()
            state.rebalance(rk, err, partitions)
        }
        handle = try makeHandle(RD_KAFKA_CONSUMER, conf: conf)
        rd_kafka_poll_set_consumer(handle)
        if !configuration.topics.isEmpty {
            let list = NativePartitionList(configuration.topics.map { (TopicPartition($0, RD_KAFKA_PARTITION_UA), Int64(0)) })
            try KafkaError.check(rd_kafka_subscribe(handle, list.pointer), "subscribe")
        }
    }

    /// Rebalance notifications since the last call.
    public func drainRebalanceEvents() -> [RebalanceEvent] { state.drain() }
    public var assignment: Set<TopicPartition> { state.currentAssignment }

    /// Up to `maxCount` messages: waits at most `timeoutMs` for the first, then takes what is ready.
    public func poll(maxCount: Int, timeoutMs: Int32 = 100) async throws -> [KafkaMessage] {
        let rk = handle
        let logger = logger
        return try await onQueue {
            var batch: [KafkaMessage] = []
            batch.reserveCapacity(min(maxCount, 1024))
            var wait = timeoutMs
            while batch.count < maxCount, let m = rd_kafka_consumer_poll(rk, wait) {
                defer { rd_kafka_message_destroy(m) }
                wait = 0
                let err = m.pointee.err
                if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    batch.append(KafkaMessage(copying: m))
                } else if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    continue
                } else if rd_kafka_fatal_error(rk, nil, 0) != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw KafkaError(err, context: "consumer fatal")
                } else {
                    // Transient consumer errors (broker down, retries): librdkafka recovers by itself.
                    logger.warning("consumer error", metadata: ["error": "\(KafkaError(err))"])
                    break
                }
            }
            return batch
        }
    }

    /// An endless async sequence of non-empty batches; ends when the task is cancelled.
    public func batches(maxCount: Int = 500, timeoutMs: Int32 = 100) -> Batches {
        Batches(consumer: self, maxCount: maxCount, timeoutMs: timeoutMs)
    }

    /// Commits the next offsets to read (`offset + 1` of the last applied message).
    /// `waitForBroker: false` sends the commit without waiting for its answer: right for a
    /// service whose store already records what it applied (a lost commit means re-delivery
    /// that the applied-marker recognises), and it saves a round trip per batch.
    public func commit(_ nextOffsets: [TopicPartition: Int64], waitForBroker: Bool = true) async throws {
        guard !nextOffsets.isEmpty else { return }
        let rk = handle
        try await onQueue {
            let list = NativePartitionList(nextOffsets.map { ($0.key, $0.value) })
            try KafkaError.check(rd_kafka_commit(rk, list.pointer, waitForBroker ? 0 : 1), "commit")
        }
    }

    /// Committed offsets of this group for the given partitions (-1001 when none).
    public func committed(_ partitions: [TopicPartition], timeoutMs: Int32 = 10_000) async throws -> [TopicPartition: Int64] {
        let rk = handle
        return try await onQueue {
            let list = NativePartitionList(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) })
            try KafkaError.check(rd_kafka_committed(rk, list.pointer, Int32(timeoutMs)), "committed")
            return Dictionary(uniqueKeysWithValues: list.entries.map { ($0.0, $0.1) })
        }
    }

    /// Reads these partitions from these offsets without joining a group (no rebalance wait):
    /// for readers that take a whole topic, such as `TopicSnapshot`. Replaces any assignment.
    public func assign(_ offsets: [TopicPartition: Int64]) async throws {
        let rk = handle
        try await onQueue {
            let list = NativePartitionList(offsets.map { ($0.key, $0.value) })
            try KafkaError.check(rd_kafka_assign(rk, list.pointer), "assign")
        }
    }

    public func seek(_ offsets: [TopicPartition: Int64], timeoutMs: Int32 = 10_000) async throws {
        let rk = handle
        try await onQueue {
            let list = NativePartitionList(offsets.map { ($0.key, $0.value) })
            if let error = rd_kafka_seek_partitions(rk, list.pointer, timeoutMs) {
                let code = rd_kafka_error_code(error); rd_kafka_error_destroy(error)
                throw KafkaError(code, context: "seek")
            }
        }
    }

    /// The earliest offset whose timestamp is at or after `timestampMs`, per partition.
    public func offsets(forTimestampMs timestampMs: Int64, partitions: [TopicPartition], timeoutMs: Int32 = 10_000) async throws -> [TopicPartition: Int64] {
        try await offsetsForTimes(handle, timestampMs: timestampMs, partitions: partitions, timeoutMs: timeoutMs)
    }

    public func pause(_ partitions: [TopicPartition]) throws {
        let list = NativePartitionList(partitions.map { ($0, Int64(0)) })
        try KafkaError.check(rd_kafka_pause_partitions(handle, list.pointer), "pause")
    }

    public func resume(_ partitions: [TopicPartition]) throws {
        let list = NativePartitionList(partitions.map { ($0, Int64(0)) })
        try KafkaError.check(rd_kafka_resume_partitions(handle, list.pointer), "resume")
    }

    /// The high watermark librdkafka last saw in a fetch response (no network round trip).
    public func cachedHighWatermark(_ tp: TopicPartition) -> Int64? {
        var low: Int64 = 0, high: Int64 = 0
        guard rd_kafka_get_watermark_offsets(handle, tp.topic, tp.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
              high >= 0 else { return nil }
        return high
    }

    /// Leaves the group cleanly (so a replacement gets the partitions without waiting for a timeout).
    public func close() async {
        let rk = handle
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            queue.async {
                if !self.closed { _ = rd_kafka_consumer_close(rk); self.closed = true }
                c.resume()
            }
        }
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in
            queue.async { c.resume(with: Result { try body() }) }
        }
    }

    deinit {
        if !closed { rd_kafka_consumer_close(handle) }
        rd_kafka_destroy(handle)
    }

    public struct Batches: AsyncSequence, Sendable {
        public typealias Element = [KafkaMessage]
        let consumer: KafkaConsumer
        let maxCount: Int
        let timeoutMs: Int32
        public struct AsyncIterator: AsyncIteratorProtocol {
            let consumer: KafkaConsumer
            let maxCount: Int
            let timeoutMs: Int32
            public mutating func next() async throws -> [KafkaMessage]? {
                while !Task.isCancelled {
                    let batch = try await consumer.poll(maxCount: maxCount, timeoutMs: timeoutMs)
                    if !batch.isEmpty { return batch }
                }
                return nil
            }
        }
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(consumer: consumer, maxCount: maxCount, timeoutMs: timeoutMs)
        }
    }
}

/// Applies assignments in the rebalance callback (eager or cooperative) and remembers them.
final class ConsumerState: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RebalanceEvent] = []
    private var assigned: Set<TopicPartition> = []
    private let logger: Logger
    private let startOffsets: (@Sendable ([TopicPartition]) -> [TopicPartition: Int64])?

    init(logger: Logger, startOffsets: (@Sendable ([TopicPartition]) -> [TopicPartition: Int64])?) {
        self.logger = logger; self.startOffsets = startOffsets
    }

    func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t, _ partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let tps = (0..<Int(partitions.pointee.cnt)).map {
            TopicPartition(String(cString: partitions.pointee.elems[$0].topic), partitions.pointee.elems[$0].partition)
        }
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        // Asked before taking the lock: answering may take a while (a task restored from its
        // checkpoint), and readers of `currentAssignment` must not wait for it.
        let starts = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? startOffsets?(tps) : nil
        lock.lock(); defer { lock.unlock() }
        if err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
            if let starts, !starts.isEmpty {
                for i in 0..<Int(partitions.pointee.cnt) {
                    let tp = tps[i]
                    if let offset = starts[tp] { partitions.pointee.elems[i].offset = offset }
                }
                logger.info("starting assigned partitions at the store's offsets", metadata: ["partitions": "\(starts.count)"])
            }
            if cooperative { rd_kafka_error_destroy(rd_kafka_incremental_assign(rk, partitions)) }
            else { rd_kafka_assign(rk, partitions) }
            assigned.formUnion(tps)
            events.append(.assigned(tps))
        } else {
            if cooperative { rd_kafka_error_destroy(rd_kafka_incremental_unassign(rk, partitions)) }
            else { rd_kafka_assign(rk, nil) }
            assigned.subtract(tps)
            events.append(.revoked(tps))
        }
        logger.info("rebalance", metadata: ["assigned": "\(assigned.count)", "change": "\(err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? "assign" : "revoke") \(tps.count)"])
    }

    func drain() -> [RebalanceEvent] { lock.lock(); defer { lock.unlock(); events = [] }; return events }
    var currentAssignment: Set<TopicPartition> { lock.lock(); defer { lock.unlock() }; return assigned }
}

/// Shared by the consumer and the admin client: Kafka's ListOffsets by timestamp.
func offsetsForTimes(_ rk: OpaquePointer, timestampMs: Int64, partitions: [TopicPartition], timeoutMs: Int32) async throws -> [TopicPartition: Int64] {
    try await blocking {
        let list = NativePartitionList(partitions.map { ($0, timestampMs) })
        try KafkaError.check(rd_kafka_offsets_for_times(rk, list.pointer, timeoutMs), "offsets for times")
        return Dictionary(uniqueKeysWithValues: list.entries.map { ($0.0, $0.1) })
    }
}

/// Runs a blocking call (librdkafka's, a store backup, a file copy) off the cooperative pool.
public func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        DispatchQueue.global().async { c.resume(with: Result { try body() }) }
    }
}
