import ArgumentParser
import Envelope
import Foundation
import Kafka
import Logging

@main
struct Doudi: AsyncParsableCommand {
    /// The CLI's own logging (the Kafka client's rebalance notes) only from warnings up.
    static func main() async {
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["DOUDI_LOG_LEVEL"] ?? "") ?? .warning
            return h
        }
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand { try await async.run() } else { try command.run() }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "doudi",
        abstract: "Operate the Doudi suite: topics, lag, replay, dead letters, demo data.",
        subcommands: [TopicsCommand.self, LagCommand.self, ReplayCommand.self, DeadLettersCommand.self, DemoCommand.self,
                      SeedCommand.self, SummaryCommand.self, StatusCommand.self, ContractCommand.self, ExportCommand.self,
                      ExplainCommand.self, SampleCommand.self, SurveyCommand.self, StandardsCommand.self,
                      ReliefCommand.self,
                      ImportCommand.self, OperatorCommand.self, AuditCommand.self])
}

/// Options every command that talks to Kafka shares.
struct BrokerOptions: ParsableArguments {
    @Option(name: .long, help: "Bootstrap servers (env DOUDI_BROKERS).")
    var brokers: String = ProcessInfo.processInfo.environment["DOUDI_BROKERS"] ?? "127.0.0.1:19092"

    /// The same `DOUDI_KAFKA_*` security settings as every service (SASL/SCRAM, TLS: docs/configuration.md).
    var kafka: KafkaConfiguration {
        var extra: [String: String] = [:]
        for (k, v) in ProcessInfo.processInfo.environment where k.hasPrefix("DOUDI_KAFKA_") {
            extra[k.dropFirst("DOUDI_KAFKA_".count).lowercased().replacingOccurrences(of: "_", with: ".")] = v
        }
        return KafkaConfiguration(bootstrapServers: brokers, clientID: "doudi-cli", extra: extra)
    }
    func admin() throws -> KafkaAdmin { try KafkaAdmin(configuration: kafka) }
}

/// Prints rows as aligned columns.
func printTable(_ header: [String], _ rows: [[String]]) {
    let all = [header] + rows
    let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
    for row in all {
        print(row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
    }
}

/// Reads a topic from the beginning until it has been idle for `idleMs`, with a throw-away group.
func readAll(_ kafka: KafkaConfiguration, topic: String, idleMs: Int = 3000,
             _ body: (KafkaMessage) throws -> Void) async throws {
    var config = KafkaConsumerConfiguration(kafka, groupID: "doudi-cli-read-\(EventID.random())", topics: [topic])
    config.sessionTimeoutMs = 6000
    let consumer = try KafkaConsumer(configuration: config)
    defer { Task { await consumer.close() } }
    var idle = 0
    var joined = false
    // Joining a group takes a few seconds on some brokers: wait longer for the first message.
    while idle < (joined ? idleMs : max(idleMs, 10_000)) {
        let batch = try await consumer.poll(maxCount: 1000, timeoutMs: 200)
        if batch.isEmpty { idle += 200; continue }
        joined = true; idle = 0
        for m in batch { try body(m) }
    }
}
