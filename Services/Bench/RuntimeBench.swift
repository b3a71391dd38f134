import Envelope
import Foundation
import Kafka

/// The foundation's benchmark: (a) the raw hop, librdkafka producing and consuming N 1 KiB
/// events with no processing; (b) the no-op service through the full runtime (consume, one
/// SQLite transaction per batch with applied-marker and outbox, produce). Both are timed from
/// the first send to the last event consumed, on the same broker in the same run.
struct RuntimeBench {
    let kafka: KafkaConfiguration
    let events: Int
    let workDir: String

    func rawHop() async throws -> Double {
        let topic = try await BenchSupport.freshTopics(kafka, ["raw"])[0]
        let consumer = try await BenchSupport.joinedConsumer(kafka, topic: topic)
        let started = ContinuousClock.now
        async let consumed = BenchSupport.consume(consumer, count: events)
        try await BenchSupport.produce(kafka, topic: topic, count: events, prefix: "raw")
        let got = try await consumed
        guard got == events else { throw BenchError("raw hop consumed \(got) of \(events)") }
        return Double(events) / BenchSupport.seconds(.now - started)
    }

    /// (c): the raw relay (RawRelay) as its own process, the same two hops as the no-op service.
    /// Returns events/s, its peak RSS in MiB and its CPU-µs per event.
    func rawRelay() async throws -> (rate: Double, rssMiB: Double, cpuMicros: Double) {
        let topics = try await BenchSupport.freshTopics(kafka, ["relay.in", "relay.out"])
        let relay = try BenchSupport.start("doudi-bench", env: ["DOUDI_BROKERS": kafka.bootstrapServers],
                                           arguments: ["--brokers", kafka.bootstrapServers, "--relay-from", topics[0], "--relay-to", topics[1],
                                                       "--relay-group", "bench-\(topics[0])"],
                                           log: "\(workDir)/relay.log")
        defer { BenchSupport.stop(relay) }
        return try await measure(relay, input: topics[0], output: topics[1], label: "raw relay")
    }

    /// Produces `events` on `input` and times them until all are consumed from `output`; the
    /// process's peak RSS and the CPU it used over the same window.
    private func measure(_ process: Process, input: String, output: String, label: String) async throws
        -> (rate: Double, rssMiB: Double, cpuMicros: Double) {
        // Let it join the group first, so the measurement is of processing, not of the join.
        try await Task.sleep(for: .seconds(4))
        let consumer = try await BenchSupport.joinedConsumer(kafka, topic: output)
        let cpu0 = BenchSupport.cpuSeconds(process.processIdentifier) ?? 0
        let started = ContinuousClock.now
        async let consumed = BenchSupport.consume(consumer, count: events)
        try await BenchSupport.produce(kafka, topic: input, count: events, prefix: label.replacingOccurrences(of: " ", with: "-"))
        let got = try await consumed
        let elapsed = ContinuousClock.now - started
        let cpu = (BenchSupport.cpuSeconds(process.processIdentifier) ?? 0) - cpu0
        let rss = BenchSupport.peakRSSMiB(process.processIdentifier) ?? 0
        guard got >= events else { throw BenchError("\(label) delivered \(got) of \(events)") }
        return (Double(events) / BenchSupport.seconds(elapsed), rss, cpu * 1e6 / Double(events))
    }

    /// (d): the same no-op written the usual way in Python (scripts/peer-noop.py: confluent-kafka
    /// and sqlite3, the same guarantees). nil, with the reason, when its Python has no
    /// confluent-kafka (`DOUDI_BENCH_PYTHON`, default `python3`; `pip install confluent-kafka`).
    func pythonPeer() async throws -> Result<(rate: Double, rssMiB: Double, cpuMicros: Double), BenchError> {
        let env = ProcessInfo.processInfo.environment
        let python = env["DOUDI_BENCH_PYTHON"] ?? "python3"
        let script = env["DOUDI_BENCH_PEER"] ?? "scripts/peer-noop.py"
        guard FileManager.default.fileExists(atPath: script) else { return .failure(BenchError("no \(script) (run from the repository, or set DOUDI_BENCH_PEER)")) }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = [python, "-c", "import confluent_kafka"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        try check.run()
        check.waitUntilExit()
        guard check.terminationStatus == 0 else {
            return .failure(BenchError("\(python) has no confluent-kafka (pip install confluent-kafka, or set DOUDI_BENCH_PYTHON)"))
        }
        let topics = try await BenchSupport.freshTopics(kafka, ["peer.in", "peer.out"])
        let p = try BenchSupport.start("/usr/bin/env", env: [:],
                                       arguments: [python, script, "--brokers", kafka.bootstrapServers, "--from", topics[0], "--to", topics[1],
                                                   "--group", "bench-\(topics[0])", "--db", "\(workDir)/peer-\(EventID.random().prefix(6)).sqlite"],
                                       log: "\(workDir)/peer.log")
        defer { BenchSupport.stop(p) }
        return .success(try await measure(p, input: topics[0], output: topics[1], label: "python peer"))
    }

    /// Returns events/s, the service's peak RSS in MiB and its CPU-µs per event.
    func noopService(batchSize: Int = 2000) async throws -> (rate: Double, rssMiB: Double, cpuMicros: Double) {
        let topics = try await BenchSupport.freshTopics(kafka, ["noop.in", "noop.out"])
        let dataDir = "\(workDir)/noop-\(EventID.random().prefix(6))"
        let service = try BenchSupport.start("doudi-noop", env: [
            "DOUDI_BROKERS": kafka.bootstrapServers, "DOUDI_NOOP_INPUT": topics[0], "DOUDI_NOOP_OUTPUT": topics[1],
            "DOUDI_GROUP_ID": "bench-\(topics[0])", "DOUDI_DATA_DIR": dataDir, "DOUDI_HTTP_PORT": "0",
            "DOUDI_BATCH_SIZE": String(batchSize), "DOUDI_SESSION_TIMEOUT_MS": "6000",
        ], log: "\(workDir)/noop.log")
        defer { BenchSupport.stop(service) }
        return try await measure(service, input: topics[0], output: topics[1], label: "no-op service")
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
