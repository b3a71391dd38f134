import ArgumentParser
import Foundation
import Kafka

/// `doudi-bench`: prints throughput figures of the suite, each as a ratio against a baseline
/// measured in the same run (the machine is noisy; ratios are what compare across runs).
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doudi-bench", abstract: "Benchmarks (release build recommended: swift build -c release).")

    @Option(help: "Bootstrap servers.") var brokers = ProcessInfo.processInfo.environment["DOUDI_BROKERS"] ?? "127.0.0.1:19092"
    @Option(help: "Events for the runtime benchmark.") var events = 200_000
    @Option(help: "Which: runtime.") var only: String?
    @Option(help: "Working directory for stores and logs.") var workDir = "/tmp/doudi-bench"

    func run() async throws {
        try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
        let kafka = KafkaConfiguration(bootstrapServers: brokers, clientID: "doudi-bench")
        let runtime = RuntimeBench(kafka: kafka, events: events, workDir: workDir)
        print("doudi-bench: \(events) events of 1 KiB, broker \(brokers), librdkafka \(librdkafkaVersion)")
        let raw = try await runtime.rawHop()
        print(String(format: "(a) raw hop (produce + consume):            %10.0f events/s", raw))
        let noop = try await runtime.noopService()
        print(String(format: "(b) no-op service through the runtime:      %10.0f events/s   b/a = %.2f   peak RSS %.0f MiB",
                     noop.rate, noop.rate / raw, noop.rssMiB))
        _ = only
    }
}
