import Foundation
import Kafka

/// Reads topics from their beginning without joining a consumer group: the partitions are assigned
/// directly, so the first records come at once (a throw-away group's join cost about three seconds
/// per read on Tansu, several minutes over the suite). A topic that does not exist yet is looked up
/// again, every half second, until it does.
public final class TopicReader: @unchecked Sendable {
    /// librdkafka's RD_KAFKA_OFFSET_BEGINNING: the partition's earliest record.
    static let beginning: Int64 = -2

    let consumer: KafkaConsumer
    let admin: KafkaAdmin
    let topics: [String]
    private var found: Set<String> = []
    private var assigned: Set<TopicPartition> = []
    private var reached: [TopicPartition: Int64] = [:]
    private var lastLookup: ContinuousClock.Instant?

    public init(_ topics: [String], configuration: KafkaConfiguration = TestBroker.kafka) throws {
        self.topics = topics
        var config = KafkaConsumerConfiguration(configuration, groupID: "test-read-\(UUID().uuidString.lowercased())", topics: [])
        config.sessionTimeoutMs = 6000
        consumer = try KafkaConsumer(configuration: config)
        admin = try KafkaAdmin(configuration: configuration)
    }

    /// The next records, of any of the topics (empty when none came within `timeoutMs`).
    public func poll(maxCount: Int = 5000, timeoutMs: Int32 = 200) async throws -> [KafkaMessage] {
        if found.count < topics.count, lastLookup.map({ ContinuousClock.now - $0 >= .milliseconds(500) }) ?? true {
            lastLookup = .now
            var partitions = assigned
            for topic in topics where !found.contains(topic) {
                let list = try await admin.partitions(of: topic)
                if !list.isEmpty { found.insert(topic); partitions.formUnion(list) }
            }
            if partitions != assigned {
                // Assigning replaces the assignment: the partitions read already go on where they were.
                try await consumer.assign(Dictionary(uniqueKeysWithValues: partitions.map { ($0, reached[$0] ?? Self.beginning) }))
                assigned = partitions
            }
        }
        guard !assigned.isEmpty else {
            try await Task.sleep(for: .milliseconds(Int(timeoutMs)))
            return []
        }
        let batch = try await consumer.poll(maxCount: maxCount, timeoutMs: timeoutMs)
        for m in batch { reached[m.topicPartition] = max(reached[m.topicPartition] ?? 0, m.offset + 1) }
        return batch
    }

    public func close() async { await consumer.close() }
}
