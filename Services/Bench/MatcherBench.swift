// The matcher's batch path at scale: a registry of `persons` seeded into a fresh store (by the
// matcher's own writer, `doudi-matcher seed-synthetic`), `records` department records on a fresh
// topic namespace, then the running matcher's throughput (records consumed and committed per
// second, from its store's offsets) and its peak resident memory (VmHWM).
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Kafka

func matcherBench(brokers: String, persons: Int = 1_000_000, records: Int = 200_000) async throws -> [String: Double] {
    let namespace = "bench\(EventID.random().prefix(8))."
    let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-matcher-bench-\(namespace)").path
    defer { try? FileManager.default.removeItem(atPath: dataDir) }
    let environment = [
        "DOUDI_BROKERS": brokers, "DOUDI_TOPIC_NAMESPACE": namespace, "DOUDI_DATA_DIR": dataDir,
        "DOUDI_GROUP_ID": "bench-\(namespace)matcher", "DOUDI_PERSON_KEY_SECRET": Secrets.developmentPersonKeySecret,
        "DOUDI_HTTP_PORT": "0", "DOUDI_LOG_LEVEL": "warning",
    ]
    let kafka = KafkaConfiguration(bootstrapServers: brokers, clientID: "doudi-bench")
    let topics = ["dept.records", "intake.accepted", "assistance.outcomes", "registry.households", "monitoring.signals", "deadletter"]
    _ = try await KafkaAdmin(configuration: kafka).createTopics(topics.map { TopicSpec(name: namespace + $0, partitions: 3) })

    var started = ContinuousClock.now
    let seed = try MatcherBenchProcess(arguments: ["seed-synthetic", String(persons)], environment: environment)
    seed.process.waitUntilExit()
    guard seed.process.terminationStatus == 0 else { throw MatcherBenchError("seeding failed: \(seed.output)") }
    let seedSeconds = (ContinuousClock.now - started).seconds

    started = ContinuousClock.now
    let topic = namespace + "dept.records"
    let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka))
    for chunk in stride(from: 0, to: records, by: 5_000) {
        let messages = try (chunk..<min(chunk + 5_000, records)).map { j -> OutgoingMessage in
            let record = SyntheticRegistry.benchRecord(j, persons: persons)
            let event = try CloudEvent.make(id: "bench-rec-\(j)", source: "/doudi/bench", type: EventType.deptRecord.rawValue,
                                            time: "2024-06-30T10:00:00+08:00", subject: nil, key: record.recordId,
                                            causationID: nil, payload: record)
            return OutgoingMessage(topic: topic, key: Array(record.recordId.utf8), value: event.data,
                                   headers: event.headers.map { KafkaHeader($0.0, $0.1) })
        }
        try await producer.send(messages)
    }
    await producer.flush()
    let produceSeconds = (ContinuousClock.now - started).seconds

    let matcher = try MatcherBenchProcess(arguments: [], environment: environment)
    defer { matcher.stop() }
    let store = try DatabaseQueue(path: "\(dataDir)/matcher.sqlite")
    func consumed() throws -> Int {
        try store.read { try Int.fetchOne($0, sql: "SELECT coalesce(sum(next_offset), 0) FROM runtime_offsets WHERE topic = ?",
                                           arguments: [topic]) ?? 0 }
    }
    // Measured from the first committed batch (after the group join) to the last.
    let deadline = ContinuousClock.now + .seconds(1_800)
    var first: (ContinuousClock.Instant, Int)?
    var done = 0
    while done < records && ContinuousClock.now < deadline && matcher.process.isRunning {
        try await Task.sleep(for: .milliseconds(100))
        done = try consumed()
        if first == nil && done > 0 { first = (ContinuousClock.now, done) }
    }
    guard let first, done >= records else { throw MatcherBenchError("matcher consumed \(done) of \(records): \(matcher.output)") }
    let seconds = (ContinuousClock.now - first.0).seconds
    let peakRSS = matcher.peakRSSKiB() / 1024
    let storeMiB = Double((try? FileManager.default.attributesOfItem(atPath: "\(dataDir)/matcher.sqlite")[.size] as? Int) ?? 0) / 1_048_576
    return ["matcher_records_per_second": Double(records - first.1) / max(seconds, 0.001),
            "matcher_peak_rss_mib": peakRSS, "matcher_seed_seconds": seedSeconds,
            "matcher_produce_records_per_second": Double(records) / max(produceSeconds, 0.001),
            "matcher_store_mib": storeMiB, "matcher_registry_persons": Double(persons), "matcher_records": Double(records)]
}

struct MatcherBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// doudi-matcher as a child process: beside this executable, or `DOUDI_MATCHER_BIN`.
final class MatcherBenchProcess {
    let process = Process()
    let logURL: URL

    init(arguments: [String], environment: [String: String]) throws {
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("doudi-matcher")
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["DOUDI_MATCHER_BIN"] ?? sibling.path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-matcher-bench-\(EventID.random().prefix(8)).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    var output: String { String((try? String(contentsOf: logURL, encoding: .utf8))?.suffix(2_000) ?? "") }

    /// Peak resident set (VmHWM) in KiB, read while the process is alive.
    func peakRSSKiB() -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

private extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
