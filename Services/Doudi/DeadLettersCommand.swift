import ArgumentParser
import Envelope
import Foundation
import Kafka

struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deadletters", abstract: "Inspect and re-drive dead letters.",
                                                    subcommands: [List.self, Redrive.self])

    /// Lists where each dead letter came from and why; never its payload (it may hold personal data).
    struct List: AsyncParsableCommand {
        @OptionGroup var broker: BrokerOptions
        @Option(help: "Only those of this service.") var service: String?
        @Option(help: "Show at most N.") var limit = 100

        func run() async throws {
            var rows: [[String]] = []
            var total = 0
            try await readAll(broker.kafka, topic: Topics.deadletter) { m in
                guard service == nil || m.header("dlq_service") == service else { return }
                total += 1
                if rows.count < limit {
                    rows.append([String(m.offset), m.header("dlq_service") ?? "-",
                                 "\(m.header("dlq_original_topic") ?? "?")[\(m.header("dlq_original_partition") ?? "?")]@\(m.header("dlq_original_offset") ?? "?")",
                                 m.header("dlq_time") ?? "-", m.header("ce_id") ?? "-", m.header("dlq_error") ?? "-"])
                }
            }
            printTable(["DLQ-OFFSET", "SERVICE", "ORIGIN", "TIME", "CE_ID", "ERROR"], rows)
            print("\(total) dead letter(s)\(total > rows.count ? ", \(rows.count) shown" : "")")
        }
    }

    /// Sends dead letters back to their original topic with their original bytes and headers.
    /// A consumer group remembers what was re-driven, so running it twice re-drives nothing twice.
    struct Redrive: AsyncParsableCommand {
        @OptionGroup var broker: BrokerOptions
        @Option(help: "Only those of this service.") var service: String?
        @Option(help: "Only those from this original topic.") var originalTopic: String?
        @Flag(help: "Show what would be re-driven.") var dryRun = false

        func run() async throws {
            // What exists now is what is re-driven: the end offsets are captured first, and the read
            // fails rather than stopping short of them. The group `doudi-redrive` keeps the offsets
            // already re-driven; partitions are assigned directly, without waiting for a group join.
            let extent = try await TopicSnapshot(configuration: broker.kafka).capture([Topics.deadletter])
            var config = KafkaConsumerConfiguration(broker.kafka, groupID: "doudi-redrive", topics: [])
            config.sessionTimeoutMs = 6000
            let consumer = try KafkaConsumer(configuration: config)
            let committed = try await consumer.committed(Array(extent.ends.keys))
            var starts: [TopicPartition: Int64] = [:]
            for (tp, end) in extent.ends {
                let start = max(committed[tp].flatMap { $0 >= 0 ? $0 : nil } ?? 0, extent.starts[tp] ?? 0)
                if start < end { starts[tp] = start }
            }
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(broker.kafka))
            var redriven = 0, skipped = 0, truncated = 0
            var pending = Set(starts.keys)
            if !starts.isEmpty { try await consumer.assign(starts) }
            var lastProgress = ContinuousClock.now
            while !pending.isEmpty {
                let batch = try await consumer.poll(maxCount: 500, timeoutMs: 200)
                if batch.isEmpty {
                    if ContinuousClock.now - lastProgress > .seconds(30), let tp = pending.first {
                        await consumer.close()
                        throw TopicSnapshot.Incomplete(partition: tp, reached: -1, end: extent.ends[tp] ?? 0)
                    }
                    continue
                }
                lastProgress = .now
                var out: [OutgoingMessage] = []
                for m in batch {
                    if let end = extent.ends[m.topicPartition], m.offset >= end - 1 { pending.remove(m.topicPartition) }
                    guard let topic = m.header("dlq_original_topic"),
                          service == nil || m.header("dlq_service") == service,
                          originalTopic == nil || topic == originalTopic else { skipped += 1; continue }
                    // A capped letter holds only the start of its event: re-driving it would publish a
                    // broken event. Its whole original is at its origin (see docs/operations.md).
                    if m.header("dlq_value_truncated") == "true" { truncated += 1; continue }
                    out.append(OutgoingMessage(topic: topic, key: m.key, value: m.value,
                                               headers: m.headers.filter { !$0.key.hasPrefix("dlq_") }))
                }
                if dryRun { redriven += out.count; continue }
                try await producer.send(out)
                redriven += out.count
                var next: [TopicPartition: Int64] = [:]
                for m in batch { next[m.topicPartition] = max(next[m.topicPartition] ?? 0, m.offset + 1) }
                try await consumer.commit(next)
            }
            await consumer.close()
            let note = truncated > 0 ? ", \(truncated) truncated (too large; see docs/operations.md)" : ""
            print(dryRun ? "dry run: \(redriven) would be re-driven, \(skipped) filtered out\(note)"
                         : "\(redriven) re-driven to their original topics, \(skipped) filtered out\(note)")
        }
    }
}
