import CRdKafka
import Foundation

/// Reads topics from their beginning to the end offsets captured when the read starts, without
/// joining a consumer group. A reader never stops "after N idle seconds": if a partition does not
/// reach its captured end (the broker is down, the topic was recreated), it fails with an error
/// naming the partition instead of returning a truncated result.
///
/// Tansu reports a partition's high watermark as the last batch's base offset + 1, so the captured
/// end may fall inside the last batch: every record of the batches fetched is still delivered.
public struct TopicSnapshot: Sendable {
    public let configuration: KafkaConfiguration
    /// How long the read may go without any progress before it fails.
    public var stallTimeout: Duration

    public init(configuration: KafkaConfiguration, stallTimeout: Duration = .seconds(30)) {
        self.configuration = configuration; self.stallTimeout = stallTimeout
    }

    /// What a read covers: per non-empty partition, where it starts and the end offset captured.
    public struct Extent: Sendable, Equatable {
        public var starts: [TopicPartition: Int64]
        public var ends: [TopicPartition: Int64]
        public init(starts: [TopicPartition: Int64], ends: [TopicPartition: Int64]) { self.starts = starts; self.ends = ends }
    }

    public struct Incomplete: Error, CustomStringConvertible {
        public var partition: TopicPartition
        public var reached: Int64
        public var end: Int64
        public init(partition: TopicPartition, reached: Int64, end: Int64) { self.partition = partition; self.reached = reached; self.end = end }
        public var description: String {
            "\(partition.topic)[\(partition.partition)] reached offset \(reached) of \(end) and made no progress: "
                + "the read would be incomplete (is the broker reachable? was the topic recreated?)"
        }
    }

    /// The extent of `topics` now: from each partition's low watermark to its high watermark.
    /// Topics that do not exist, and empty partitions, are left out.
    public func capture(_ topics: [String]) async throws -> Extent {
        let admin = try KafkaAdmin(configuration: configuration)
        var extent = Extent(starts: [:], ends: [:])
        for topic in topics {
            for tp in try await admin.partitions(of: topic) {
                let (low, high) = try await admin.watermarks(tp)
                if high > low { extent.starts[tp] = low; extent.ends[tp] = high }
            }
        }
        return extent
    }

    /// The offset after each partition's last record now. Kafka's high watermark is that; Tansu's
    /// may be the last batch's base offset + 1, so the record at the high watermark - 1 is fetched,
    /// with the rest of its batch. Empty partitions: their high watermark.
    public func ends(_ partitions: [TopicPartition]) async throws -> [TopicPartition: Int64] {
        let admin = try KafkaAdmin(configuration: configuration)
        var ends: [TopicPartition: Int64] = [:], starts: [TopicPartition: Int64] = [:]
        for tp in partitions {
            let (low, high) = try await admin.watermarks(tp)
            ends[tp] = high
            if high > low { starts[tp] = high - 1 }
        }
        guard !starts.isEmpty else { return ends }
        var config = KafkaConsumerConfiguration(configuration, groupID: "doudi-snapshot-\(UUID().uuidString.lowercased())", topics: [])
        config.sessionTimeoutMs = 6000
        let consumer = try KafkaConsumer(configuration: config)
        try await consumer.assign(starts)
        var waiting = Set(starts.keys)
        var lastProgress = ContinuousClock.now
        while true {
            let batch = try await consumer.poll(maxCount: 5000, timeoutMs: 200)
            for m in batch {
                ends[m.topicPartition] = max(ends[m.topicPartition] ?? 0, m.offset + 1)
                waiting.remove(m.topicPartition)
            }
            if !batch.isEmpty { lastProgress = .now; continue }
            if waiting.isEmpty { break }
            if ContinuousClock.now - lastProgress > stallTimeout, let tp = waiting.sorted().first {
                await consumer.close()
                throw Incomplete(partition: tp, reached: starts[tp] ?? 0, end: (starts[tp] ?? 0) + 1)
            }
        }
        await consumer.close()
        return ends
    }

    /// Reads `topics` in full (the extent captured now) and calls `body` for every message,
    /// partition by partition in offset order (partitions interleave). Returns the extent read
    /// and the number of messages.
    @discardableResult
    public func read(_ topics: [String], _ body: (KafkaMessage) throws -> Void) async throws -> (extent: Extent, messages: Int) {
        let extent = try await capture(topics)
        return (extent, try await read(extent, body))
    }

    /// Reads a given extent; fails with `Incomplete` when a partition stops short of its end for
    /// longer than `stallTimeout`. Returns the number of messages.
    @discardableResult
    public func read(_ extent: Extent, _ body: (KafkaMessage) throws -> Void) async throws -> Int {
        guard !extent.starts.isEmpty else { return 0 }
        var config = KafkaConsumerConfiguration(configuration, groupID: "doudi-snapshot-\(UUID().uuidString.lowercased())", topics: [])
        config.sessionTimeoutMs = 6000
        let consumer = try KafkaConsumer(configuration: config)
        try await consumer.assign(extent.starts)
        var count = 0
        var reached: [TopicPartition: Int64] = extent.starts.mapValues { $0 - 1 }
        var pending = Set(extent.starts.keys)
        var lastProgress = ContinuousClock.now
        while !pending.isEmpty {
            let batch = try await consumer.poll(maxCount: 5000, timeoutMs: 200)
            for m in batch {
                try body(m)
                count += 1
                let tp = m.topicPartition
                reached[tp] = max(reached[tp] ?? -1, m.offset)
                if let end = extent.ends[tp], m.offset >= end - 1 { pending.remove(tp) }
            }
            if !batch.isEmpty { lastProgress = .now }
            else if ContinuousClock.now - lastProgress > stallTimeout,
                    let tp = pending.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }).first {
                await consumer.close()
                throw Incomplete(partition: tp, reached: (reached[tp] ?? -1) + 1, end: extent.ends[tp] ?? 0)
            }
        }
        // The rest of the batches already fetched (records past a watermark that fell inside a batch).
        while true {
            let batch = try await consumer.poll(maxCount: 5000, timeoutMs: 0)
            if batch.isEmpty { break }
            for m in batch { try body(m); count += 1 }
        }
        await consumer.close()
        return count
    }
}
