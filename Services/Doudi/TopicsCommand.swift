import ArgumentParser
import DoudiDomain
import Envelope
import Kafka
import ServiceKit

struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "topics", abstract: "Create, list or repartition the suite's topics.",
                                                    subcommands: [Create.self, List.self, Repartition.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create every topic of the event contract (existing ones are kept).")
        @OptionGroup var broker: BrokerOptions
        @Option(help: "Partitions per topic.") var partitions = 3
        @Option(help: "Replication factor (3 in production).") var replicationFactor = 1
        @Option(help: "min.insync.replicas (2 in production; omitted when 0).") var minInsyncReplicas = 0
        @Flag(help: "Also create the demo topics (demo.input, demo.output).") var demo = false
        @Option(help: "Days the deadletter topic keeps a dead letter (its original bytes may hold personal data; docs/operations.md). 0 keeps them forever.")
        var deadletterRetentionDays = 90

        func run() async throws {
            try await TopicsCommand.createAll(broker, namespace: Topics.namespace, partitions: partitions, replicationFactor: replicationFactor,
                                              minInsyncReplicas: minInsyncReplicas, deadletterRetentionDays: deadletterRetentionDays, demo: demo)
        }
    }

    /// Creates every contract topic and every checkpoint topic under `namespace` (existing ones are kept).
    static func createAll(_ broker: BrokerOptions, namespace: String, partitions: Int, replicationFactor: Int, minInsyncReplicas: Int,
                          deadletterRetentionDays: Int, demo: Bool = false) async throws {
        // Records up to the suite's limit (the producers' `message.max.bytes`), whatever the broker's default.
        var config: [String: String] = ["max.message.bytes": String(KafkaLimits.maxMessageBytes)]
        if minInsyncReplicas > 0 { config["min.insync.replicas"] = String(minInsyncReplicas) }
        let contract = Topics.all(namespace: namespace)
        let names = contract + (demo ? ["demo.input", "demo.output"] : [])
        let created = try await broker.admin().createTopics(names.map {
            var c = config
            if $0 == namespace + ContractTopic.deadletter.name && deadletterRetentionDays > 0 {
                c["retention.ms"] = String(Int64(deadletterRetentionDays) * 86_400_000)
            }
            return TopicSpec(name: $0, partitions: partitions, replicationFactor: replicationFactor, config: c)
        })
        print("topics: \(created.count) created, \(names.count - created.count) already present (\(contract.count) in the contract\(demo ? " + 2 demo" : ""))")
        // The checkpoint topics of the services whose state splits by partition (a partition per task).
        let checkpoints = try await broker.admin().createTopics(KafkaAccess.checkpointed.map {
            var spec = TaskCheckpoints.spec(service: $0, partitions: partitions, replicationFactor: replicationFactor, minInsyncReplicas: minInsyncReplicas)
            spec.name = namespace + KafkaAccess.checkpointTopic($0)
            return spec
        })
        print("checkpoint topics: \(checkpoints.count) created, \(KafkaAccess.checkpointed.count - checkpoints.count) already present")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List topics and partitions, marking missing contract topics.")
        @OptionGroup var broker: BrokerOptions

        func run() async throws {
            let topics = try await broker.admin().listTopics()
            let present = Set(topics.map(\.name))
            var rows = topics.map { [$0.name, String($0.partitions), Topics.all.contains($0.name) ? "contract" : "other"] }
            rows += Topics.all.filter { !present.contains($0) }.map { [$0, "-", "MISSING"] }
            printTable(["TOPIC", "PARTITIONS", "KIND"], rows)
        }
    }
}
