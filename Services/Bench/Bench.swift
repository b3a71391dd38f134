import ArgumentParser
import Foundation
import Kafka

/// `doudi-bench`: prints throughput figures of the suite, each as a ratio against a baseline
/// measured in the same run (the machine is noisy; ratios are what compare across runs).
/// Build optimised first: `swift build -c release`, then `.build/release/doudi-bench`.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doudi-bench", abstract: "Benchmarks of the runtime, each service, and the whole pipeline.")

    @Option(help: "Bootstrap servers.") var brokers = ProcessInfo.processInfo.environment["DOUDI_BROKERS"] ?? "127.0.0.1:19092"
    @Option(help: "Events for the runtime benchmark.") var events = 200_000
    @Option(parsing: .upToNextOption, help: "Which: runtime classifier relief router matcher intake pipeline regions state-coding registry-decode (default: all).")
    var only: [String] = []
    @Option(help: "Working directory for stores and logs.") var workDir = "/tmp/doudi-bench"
    @Option(help: "Households for the classifier engine.") var households = 200_000
    @Option(help: "Relief applications.") var applications = 2_000
    @Option(help: "Warnings for the router.") var warnings = 5_000
    @Option(help: "Registry size for the matcher.") var persons = 1_000_000
    @Option(help: "Department records for the matcher.") var records = 200_000
    @Option(help: "Households through the whole pipeline.") var pipelineHouseholds = 10_000
    @Option(help: "Replicas of the matcher, the classifier and the router in the pipeline (each in one group, sharing the data directory; docs/scaling.md).")
    var pipelineReplicas = 1
    @Option(help: "DOUDI_TASKS of the classifier and the router in the pipeline (their state split by partition).")
    var pipelineTasks = 1
    @Option(help: "Submissions for the intake topic path.") var submissions = 20_000
    @Option(parsing: .upToNextOption, help: "Offered loads (households/s) for the pipeline latency, each for 15 s.")
    var pipelineRates: [Int] = [1000, 200]
    @Option(help: "The broker's process id, for its CPU in the pipeline's cost per household (default: DOUDI_BROKER_PID, DOUDI_TEST_BROKER_PID, or the pid file scripts/broker writes for the port).")
    var brokerPid: Int32?
    @Flag(help: "Skip the runtime's (a), (b) and (c) (the ratios to them print as nan).") var skipRuntime = false
    @Option(help: .hidden) var relayFrom: String?
    @Option(help: .hidden) var relayTo: String?
    @Option(help: .hidden) var relayGroup: String?

    func wants(_ name: String) -> Bool { only.isEmpty || only.contains(name) }

    func run() async throws {
        if let relayFrom, let relayTo {   // (c)'s child process
            try await RawRelay.run(kafka: KafkaConfiguration.fromEnvironment(ProcessInfo.processInfo.environment, clientID: "doudi-bench-relay", brokers: brokers),
                                   from: relayFrom, to: relayTo, group: relayGroup ?? "bench-relay-\(relayFrom)")
            return
        }
        // Benchmarks run the services on synthetic data with the published development secrets.
        if ProcessInfo.processInfo.environment["DOUDI_MODE"] == nil { setenv("DOUDI_MODE", "development", 1) }
        if only == ["regions"] {   // no broker needed
            for (title, value, unit) in regionBench() { line(title, value, unit: unit) }
            return
        }
        if only == ["convergence"] {   // the pure engine only
            let c = convergenceBench()
            emit(String(format: "classifier engine, 6 registry points per household: stateless %.1f µs, history in order %.1f µs (%.1f×), newest first %.1f µs (%.1f×)",
                        c.stateless, c.inOrder, c.inOrder / c.stateless, c.reversed, c.reversed / c.stateless))
            return
        }
        try FileManager.default.createDirectory(atPath: workDir, withIntermediateDirectories: true)
        let kafka = KafkaConfiguration(bootstrapServers: brokers, clientID: "doudi-bench")
        let runtime = RuntimeBench(kafka: kafka, events: events, workDir: workDir)
        emit("doudi-bench: broker \(brokers), librdkafka \(librdkafkaVersion), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        var raw = Double.nan, noop: (rate: Double, rssMiB: Double, cpuMicros: Double) = (.nan, 0, 0)
        if !skipRuntime {
        raw = try await runtime.rawHop()
        line("(a) raw hop: librdkafka produce + consume, \(events) × 1 KiB", raw, unit: "events/s")
        noop = try await runtime.noopService()
        line("(b) no-op service through the runtime", noop.rate, unit: "events/s",
             extra: String(format: "b/a = %.2f, peak RSS %.0f MiB, %.1f CPU-µs/event", noop.rate / raw, noop.rssMiB, noop.cpuMicros))
        let relay = try await runtime.rawRelay()
        line("(c) raw relay: librdkafka consume → produce, no store, no decoding", relay.rate, unit: "events/s",
             extra: String(format: "b/c = %.2f, peak RSS %.0f MiB, %.1f CPU-µs/event", noop.rate / relay.rate, relay.rssMiB, relay.cpuMicros))
        switch try await runtime.pythonPeer() {
        case .success(let peer):
            line("(d) the no-op in Python: confluent-kafka + sqlite3, the same guarantees (scripts/peer-noop.py)", peer.rate, unit: "events/s",
                 extra: String(format: "b/d = %.2f, peak RSS %.0f MiB, %.1f CPU-µs/event (b: %.1f)", noop.rate / peer.rate, peer.rssMiB,
                               peer.cpuMicros, noop.cpuMicros))
        case .failure(let why):
            emit("(d) the no-op in Python: skipped — \(why)")
        }
        }
        var engineRate: Double?
        if wants("classifier") {
            let rate = classifierEngineBench(households: households)
            engineRate = rate
            line("classifier engine, one core, \(households) households", rate, unit: "households/s",
                 extra: String(format: "%.4f CPU-ms/household", 1000 / rate))
        }
        if wants("classifier") || wants("state-coding") {
            let c = try stateCodingBench()
            emit(String(format: "classifier history, decode + encode: JSON %.1f µs, StateCoding %.1f µs (%.1f× less); %d → %d bytes",
                        c.json, c.binary, c.json / c.binary, c.jsonBytes, c.binaryBytes))
            emit(String(format: "classifier history, encode only: tree %.1f µs, as it goes %.1f µs (%.1f× less)",
                        c.treeEncode, c.streamEncode, c.treeEncode / c.streamEncode))
        }
        if wants("router") || wants("registry-decode") {
            let r = try registryDecodeBench()
            emit(String(format: "router, a registry version of %d bytes decoded: whole profile %.1f µs, people only %.1f µs (%.1f× less)",
                        r.bytes, r.profile, r.people, r.profile / r.people))
        }
        if wants("regions") { for (title, value, unit) in regionBench() { line(title, value, unit: unit) } }
        if wants("relief") {
            let r = try await reliefBench(brokers: brokers, applications: applications)
            for (k, v) in r.sorted(by: { $0.key < $1.key }) {
                line("relief \(k)", v, unit: "/s", extra: k.hasSuffix("PerSecond") ? String(format: "ratio to no-op %.3f", v / noop.rate) : "")
            }
        }
        if wants("intake") {
            let intake = IntakeBench(kafka: kafka, workDir: workDir)
            let topic = try await intake.topicPath(submissions: submissions)
            line("intake topic path, \(submissions) submissions", topic, unit: "submissions/s",
                 extra: String(format: "ratio to no-op %.2f", topic / noop.rate))
            let http = try await intake.http(perSecond: 500, seconds: 10)
            emit(String(format: "intake HTTP at 500 requests/s for 10 s: p50 %.1f ms, p99 %.1f ms, %.1f%% answered 202",
                         http.p50, http.p99, http.ok * 100))
        }
        if wants("matcher") {
            let r = try await matcherBench(brokers: brokers, persons: persons, records: records)
            for (k, v) in r.sorted(by: { $0.key < $1.key }) {
                line("matcher \(k) (registry \(persons) persons)", v, unit: "",
                     extra: k.lowercased().contains("persecond") ? String(format: "ratio to no-op %.3f", v / noop.rate) : "")
            }
        }
        if wants("router") {
            let r = try await routerBench(brokers: brokers, warnings: warnings)
            for (k, v) in r.sorted(by: { $0.key < $1.key }) {
                line("router + handlers \(k)", v, unit: "", extra: k.lowercased().contains("persecond") ? String(format: "ratio to no-op %.3f", v / noop.rate) : "")
            }
        }
        if wants("pipeline") && FileManager.default.fileExists(atPath: BenchSupport.binDir.appendingPathComponent("doudi-intake").path) {
            guard (1...3).contains(pipelineReplicas), [1, 3].contains(pipelineTasks) else {
                throw BenchError("--pipeline-replicas must be 1, 2 or 3 and --pipeline-tasks 1 or 3 (the topics have 3 partitions)")
            }
            // Replicas of the classifier and the router on one task share one store, and a replica
            // assigned part of its task's partitions never finds the outcomes read to their end: the
            // router would never escalate (docs/scaling.md, "Which services").
            guard pipelineReplicas == 1 || pipelineTasks == 3 else {
                throw BenchError("--pipeline-replicas \(pipelineReplicas) needs --pipeline-tasks 3: replicas of the classifier and the router split their state by partition (docs/scaling.md)")
            }
            let pipeline = PipelineBench(kafka: kafka, workDir: workDir, brokerPid: brokerPid ?? Self.brokerPid(brokers),
                                         replicas: pipelineReplicas, tasks: pipelineTasks)
            let t = try await pipeline.throughput(households: pipelineHouseholds)
            line("pipeline, \(pipelineHouseholds) households, \(pipelineReplicas) replica(s), \(pipelineTasks) task(s), submission → last referral/outcome", t.rate, unit: "households/s",
                 extra: String(format: "ratio to raw hop %.3f; %d referrals, %d outcomes", t.rate / raw, t.referrals, t.outcomes))
            emit("  CPU-ms per household (CPU seconds of each process from /proc, first submission → last event):")
            let services = t.cpuSeconds.filter { $0.key.hasPrefix("doudi-") }.values.reduce(0, +)
            for (name, seconds) in t.cpuSeconds.sorted(by: { $0.value > $1.value }) {
                var note = ""
                if name == "doudi-classifier", let engineRate { note = String(format: "  (%.0f× the pure engine)", seconds * engineRate / Double(pipelineHouseholds)) }
                emit("    \(name.padding(toLength: 24, withPad: " ", startingAt: 0))" + String(format: " %7.3f  (%.1f s)", seconds * 1000 / Double(pipelineHouseholds), seconds) + note)
            }
            emit(String(format: "    %@ %7.3f  (%.1f s)", "services together".padding(toLength: 24, withPad: " ", startingAt: 0),
                        services * 1000 / Double(pipelineHouseholds), services))
            for (type, count) in t.eventsByType.sorted(by: { $0.key < $1.key }) {
                emit("    \(type.padding(toLength: 60, withPad: " ", startingAt: 0))"
                     + String(format: " %8d  (%.2f per household)", count, Double(count) / Double(pipelineHouseholds)))
            }
            for rate in pipelineRates where rate > 0 {
                let l = try await pipeline.latency(perSecond: rate, seconds: 15)
                emit(String(format: "pipeline latency at %d households/s, submission → first referral: p50 %.0f ms, p99 %.0f ms (%d samples)",
                             rate, l.p50, l.p99, l.samples))
                emit("    median per hop (record timestamps): " + l.hops.map { String(format: "%@ %.0f ms", $0.name, $0.p50) }.joined(separator: ", "))
            }
        }
    }

    /// The pid file `scripts/broker` writes for the port of `brokers`, or the environment's.
    static func brokerPid(_ brokers: String) -> Int32? {
        let env = ProcessInfo.processInfo.environment
        if let pid = (env["DOUDI_BROKER_PID"] ?? env["DOUDI_TEST_BROKER_PID"]).flatMap({ Int32($0) }) { return pid }
        guard let port = brokers.split(separator: ",").first?.split(separator: ":").last else { return nil }
        let file = FileManager.default.currentDirectoryPath + "/.deps/run/tansu-\(port).pid"
        return (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func line(_ label: String, _ value: Double, unit: String, extra: String = "") {
        emit("\(label.padding(toLength: 72, withPad: " ", startingAt: 0)) \(String(format: "%10.0f", value)) \(unit)  \(extra)")
    }
}

/// Writes a line at once (unbuffered), so figures appear as they are measured, also in a file.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
