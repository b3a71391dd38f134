import ArgumentParser
import Kafka

struct LagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lag", abstract: "Consumer-group lag per topic and partition.")
    @OptionGroup var broker: BrokerOptions
    @Option(help: "Only this group.") var group: String?

    func run() async throws {
        let admin = try broker.admin()
        let groups = try await admin.listGroups(group)
        let partitions = try await allPartitions(admin)
        var rows: [[String]] = []
        for g in groups {
            let committed = try await admin.groupOffsets(g.name, partitions: partitions)
            var byTopic: [String: (Int64, Int)] = [:]
            for (tp, offset) in committed.sorted(by: { $0.key < $1.key }) {
                let high = try await admin.watermarks(tp).high
                byTopic[tp.topic, default: (0, 0)].0 += max(0, high - offset)
                byTopic[tp.topic, default: (0, 0)].1 += 1
            }
            if byTopic.isEmpty { rows.append([g.name, "-", "-", "-", g.state, String(g.memberCount)]) }
            for (topic, (lag, n)) in byTopic.sorted(by: { $0.key < $1.key }) {
                rows.append([g.name, topic, String(n), String(lag), g.state, String(g.memberCount)])
            }
        }
        printTable(["GROUP", "TOPIC", "PARTITIONS", "LAG", "STATE", "MEMBERS"], rows)
        print("note: lag is high watermark minus committed offset; brokers that report watermarks per batch (Tansu) understate it.")
    }
}

func allPartitions(_ admin: KafkaAdmin, topic: String? = nil) async throws -> [TopicPartition] {
    try await admin.listTopics().filter { topic == nil || $0.name == topic }.flatMap { t in
        (0..<t.partitions).map { TopicPartition(t.name, Int32($0)) }
    }
}
