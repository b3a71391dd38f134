import Envelope
import Foundation
import Kafka

/// What every benchmark needs: the broker, fresh topics, child services, timing, RSS.
enum BenchSupport {
    static var binDir: URL { URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent() }

    static func freshTopics(_ kafka: KafkaConfiguration, _ names: [String], partitions: Int = 3) async throws -> [String] {
        let suffix = String(EventID.random().prefix(8))
        let unique = names.map { "bench.\($0).\(suffix)" }
        try await KafkaAdmin(configuration: kafka).createTopics(unique.map { TopicSpec(name: $0, partitions: partitions) })
        return unique
    }

    /// A fresh namespace with every contract topic (for benchmarks of whole services).
    static func freshNamespace(_ kafka: KafkaConfiguration, partitions: Int = 3) async throws -> String {
        let ns = "bench\(EventID.random().prefix(8))."
        try await KafkaAdmin(configuration: kafka).createTopics(Topics.all(namespace: ns).map { TopicSpec(name: $0, partitions: partitions) })
        return ns
    }

    /// Starts a suite executable with the given environment; output goes to a log file.
    /// Starts one of the suite's executables (`executable`, from the build directory), or any
    /// program given by its absolute path, with its output to `log`.
    static func start(_ executable: String, env extra: [String: String], arguments: [String] = [], log: String) throws -> Process {
        let p = Process()
        p.executableURL = executable.hasPrefix("/") ? URL(fileURLWithPath: executable) : binDir.appendingPathComponent(executable)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        p.environment = env
        let url = URL(fileURLWithPath: log)
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace` (a process that ignores SIGTERM
    /// must not hold the benchmark up).
    static func stop(_ p: Process, grace: Duration = .seconds(10)) {
        guard p.isRunning else { return }
        p.terminate()
        let deadline = ContinuousClock.now + grace
        while p.isRunning && ContinuousClock.now < deadline { usleep(50_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    /// Peak resident set size of a process (VmHWM), in MiB.
    static func peakRSSMiB(_ pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first(where: { !$0.isEmpty }) ?? "") else { return nil }
        return kb / 1024
    }

    /// A consumer (fresh group) that has joined and been assigned its partitions, so timing
    /// starts after the group join (a few seconds on Tansu) for every measurement alike.
    static func joinedConsumer(_ kafka: KafkaConfiguration, topic: String) async throws -> KafkaConsumer {
        var config = KafkaConsumerConfiguration(kafka, groupID: "bench-\(EventID.random())", topics: [topic])
        config.sessionTimeoutMs = 6000
        config.common.extra["fetch.max.bytes"] = "104857600"
        let consumer = try KafkaConsumer(configuration: config)
        let deadline = ContinuousClock.now + .seconds(30)
        while consumer.assignment.isEmpty && ContinuousClock.now < deadline { _ = try await consumer.poll(maxCount: 1, timeoutMs: 100) }
        return consumer
    }

    /// Consumes until `count` messages arrived (or the timeout); returns how many.
    static func consume(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(900),
                        onMessage: (KafkaMessage) -> Void = { _ in }) async throws -> Int {
        var got = 0
        let deadline = ContinuousClock.now + timeout
        while got < count && ContinuousClock.now < deadline {
            let batch = try await consumer.poll(maxCount: 10_000, timeoutMs: 100)
            for m in batch { onMessage(m) }
            got += batch.count
        }
        await consumer.close()
        return got
    }

    /// N keyed CloudEvents with a payload of about `payloadBytes`, produced in chunks.
    static func produce(_ kafka: KafkaConfiguration, topic: String, count: Int, prefix: String, payloadBytes: Int = 1024) async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka))
        let filler = String(repeating: "x", count: max(0, payloadBytes - 40))
        let time = Timestamp.rfc3339()
        var sent = 0
        while sent < count {
            let n = min(20_000, count - sent)
            try await producer.send((sent..<sent + n).map { i in
                let key = "k\(i % 1000)"
                let e = CloudEvent(id: "\(prefix)-\(i)", source: "/bench", type: "demo.input.v1", time: time,
                                   subject: key, key: key, data: Array("{\"n\":\(i),\"text\":\"\(filler)\"}".utf8))
                return OutgoingMessage(topic: topic, key: Array(key.utf8), value: e.data, headers: e.headers.map { KafkaHeader($0.0, $0.1) })
            })
            sent += n
        }
    }

    /// CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // After the command name: state is field 3, utime field 14, stime field 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds of several processes at one moment (missing ones are left out).
    static func cpuSnapshot(_ pids: [String: Int32]) -> [String: Double] {
        var out: [String: Double] = [:]
        for (name, pid) in pids { if let s = cpuSeconds(pid) { out[name] = s } }
        return out
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
