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
                      ReliefCommand.self, DesignateCommand.self, LedgerCommand.self, RegionsCommand.self,
                      ImportCommand.self, BackupCommand.self, StoreCommand.self, OperatorCommand.self, AuditCommand.self,
                      TasksCommand.self, PayrollCommand.self, ClockCommand.self])
}

/// Options every command that talks to Kafka shares. The brokers and every `DOUDI_KAFKA_*`
/// setting (TLS, SASL, …) are read as the services read them (`KafkaConfiguration.fromEnvironment`),
/// so the CLI reaches whatever cluster the services reach.
struct BrokerOptions: ParsableArguments {
    @Option(name: .long, help: "Bootstrap servers (env DOUDI_BROKERS). Other client settings: env DOUDI_KAFKA_<PROPERTY>.")
    var brokers: String = ProcessInfo.processInfo.environment["DOUDI_BROKERS"] ?? "127.0.0.1:19092"

    var kafka: KafkaConfiguration {
        KafkaConfiguration.fromEnvironment(ProcessInfo.processInfo.environment, clientID: "doudi-cli", brokers: brokers)
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

/// Reads a topic in full: every message up to the end offsets captured when the read starts
/// (`TopicSnapshot`, no group join). A partition that stops short of its end fails the command
/// (`TopicSnapshot.Incomplete`) rather than giving a truncated answer.
func readAll(_ kafka: KafkaConfiguration, topic: String, _ body: (KafkaMessage) throws -> Void) async throws {
    try await TopicSnapshot(configuration: kafka).read([topic], body)
}
