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
            var config = KafkaConsumerConfiguration(broker.kafka, groupID: "doudi-redrive", topics: [Topics.deadletter])
            config.sessionTimeoutMs = 6000
            let consumer = try KafkaConsumer(configuration: config)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(broker.kafka))
            var idle = 0, redriven = 0, skipped = 0, joined = false
            while idle < (joined ? 3000 : 10_000) {
                let batch = try await consumer.poll(maxCount: 500, timeoutMs: 200)
                if batch.isEmpty { idle += 200; continue }
                joined = true; idle = 0
                var out: [OutgoingMessage] = []
                for m in batch {
                    guard let topic = m.header("dlq_original_topic"),
                          service == nil || m.header("dlq_service") == service,
                          originalTopic == nil || topic == originalTopic else { skipped += 1; continue }
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
            print(dryRun ? "dry run: \(redriven) would be re-driven, \(skipped) filtered out"
                         : "\(redriven) re-driven to their original topics, \(skipped) filtered out")
        }
    }
}
