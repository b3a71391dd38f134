import Envelope
import Foundation
import Kafka

/// The broker the integration tests use: started by scripts/test (Tansu), address in DOUDI_BROKERS.
public enum TestBroker {
    public static let address = ProcessInfo.processInfo.environment["DOUDI_BROKERS"] ?? "127.0.0.1:19092"
    public static var kafka: KafkaConfiguration { KafkaConfiguration(bootstrapServers: address, clientID: "doudi-tests") }

    /// A fresh topic namespace with every contract topic created: pass it to services as
    /// `DOUDI_TOPIC_NAMESPACE` and read `"\(namespace)<topic>"`.
    public static func freshNamespace(partitions: Int = 3) async throws -> String {
        let namespace = "t\(EventID.random().prefix(8))."
        try await KafkaAdmin(configuration: kafka).createTopics(Topics.all(namespace: namespace).map { TopicSpec(name: $0, partitions: partitions) })
        return namespace
    }

    /// Fresh topics for one test, so tests never see each other's events.
    public static func freshTopics(_ names: [String], partitions: Int = 3) async throws -> [String] {
        let suffix = String(EventID.random().prefix(8))
        let unique = names.map { "\($0).\(suffix)" }
        try await KafkaAdmin(configuration: kafka).createTopics(unique.map { TopicSpec(name: $0, partitions: partitions) })
        return unique
    }

    public static func produce(_ events: [CloudEvent], to topic: String) async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(kafka))
        for chunk in stride(from: 0, to: events.count, by: 2000) {
            try await producer.send(events[chunk..<min(chunk + 2000, events.count)].map {
                OutgoingMessage(topic: topic, key: $0.key.map { Array($0.utf8) }, value: $0.data,
                                headers: $0.headers.map { KafkaHeader($0.0, $0.1) })
            })
        }
    }

    /// Reads a topic from the start (`TopicReader`: no group) until `until` holds or `timeout` passes.
    /// Once `until` holds, the read goes on to the end every partition had at that moment, so a
    /// message published before the one that satisfied `until`, on a partition fetched later, is
    /// not missed.
    public static func read(_ topic: String, timeout: Duration = .seconds(60),
                     until: ([KafkaMessage]) -> Bool) async throws -> [KafkaMessage] {
        let consumer = try TopicReader([topic])
        var all: [KafkaMessage] = []
        var reached: [TopicPartition: Int64] = [:]
        func take(_ batch: [KafkaMessage]) {
            all += batch
            for m in batch { reached[m.topicPartition] = max(reached[m.topicPartition] ?? 0, m.offset + 1) }
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline && !until(all) {
            take(try await consumer.poll(maxCount: 5000, timeoutMs: 200))
        }
        if until(all) {
            let partitions = try await KafkaAdmin(configuration: kafka).partitions(of: topic)
            let ends = try await TopicSnapshot(configuration: kafka).ends(partitions)
            while ContinuousClock.now < deadline && ends.contains(where: { $0.value > (reached[$0.key] ?? 0) }) {
                take(try await consumer.poll(maxCount: 5000, timeoutMs: 200))
            }
        }
        await consumer.close()
        return all
    }

    /// Waits until consumer group `group` has no live member: a SIGKILLed member stays listed until
    /// its session times out (`DOUDI_SESSION_TIMEOUT_MS`, 10 s), and `doudi replay` rightly refuses a
    /// live group. Returns false on timeout.
    @discardableResult
    public static func waitUntilGroupIsEmpty(_ group: String, timeout: Duration = .seconds(30)) async throws -> Bool {
        try await waitForGroup(group, timeout: timeout) { $0.allSatisfy { $0.memberCount == 0 } }
    }

    /// Waits until consumer group `group` is stable with `members` live members: a service restarted
    /// after a SIGKILL joins only once the group has given up the killed member (its session
    /// timeout); stopped before that, it leaves the killed member listed. Returns false on timeout.
    @discardableResult
    public static func waitUntilGroupIsStable(_ group: String, members: Int, timeout: Duration = .seconds(60)) async throws -> Bool {
        try await waitForGroup(group, timeout: timeout) { $0.contains { $0.memberCount == members && $0.state == "Stable" } }
    }

    private static func waitForGroup(_ group: String, timeout: Duration, until done: ([GroupInfo]) -> Bool) async throws -> Bool {
        let admin = try KafkaAdmin(configuration: kafka)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if done(try await admin.listGroups(group)) { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    /// Reads until the topic has been quiet for `quiet` after at least `minimum` messages.
    public static func readSettled(_ topic: String, minimum: Int, quiet: Duration = .seconds(3), timeout: Duration = .seconds(90)) async throws -> [KafkaMessage] {
        try await readSettled(topics: [topic], minimum: minimum, quiet: quiet, timeout: timeout)
    }

    /// Reads several topics until at least `minimum` messages arrived and then `quiet` passed without more.
    public static func readSettled(topics: [String], minimum: Int, quiet: Duration = .seconds(3), timeout: Duration = .seconds(90)) async throws -> [KafkaMessage] {
        let consumer = try TopicReader(topics)
        var all: [KafkaMessage] = []
        let deadline = ContinuousClock.now + timeout
        var lastNew = ContinuousClock.now
        while ContinuousClock.now < deadline {
            let batch = try await consumer.poll(maxCount: 5000, timeoutMs: 200)
            if !batch.isEmpty { all += batch; lastNew = .now }
            else if all.count >= minimum && ContinuousClock.now - lastNew > quiet { break }
        }
        await consumer.close()
        return all
    }
}

public func demoEvent(_ i: Int, prefix: String, keys: Int = 20, body: String? = nil) -> CloudEvent {
    CloudEvent(id: "\(prefix)-\(i)", source: "/tests", type: "demo.input.v1", time: Timestamp.rfc3339(),
               subject: "k\(i % keys)", key: "k\(i % keys)", data: Array((body ?? "{\"n\":\(i)}").utf8))
}

/// A service executable run as a child process, as in production.
public final class ServiceProcess: @unchecked Sendable {
    public let process = Process()
    public let logURL: URL

    static var binDir: URL { URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent() }

    public static func binary(_ name: String) -> URL {
        // swift test runs the .xctest bundle from the build directory, beside the executables.
        var dir = binDir
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path) && dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent(name)
    }

    public init(_ executable: String, environment: [String: String], logName: String) throws {
        process.executableURL = ServiceProcess.binary(executable)
        var env = ProcessInfo.processInfo.environment
        env["DOUDI_BROKERS"] = TestBroker.address
        env["DOUDI_SESSION_TIMEOUT_MS"] = "6000"
        env["DOUDI_HTTP_PORT"] = "0"
        // The published development secrets (a test that checks production refusals overrides it).
        env["DOUDI_MODE"] = "development"
        // Only event time moves the router's clock in tests (old event dates would otherwise all be overdue).
        env["DOUDI_ROUTER_WALLCLOCK"] = "0"
        env["DOUDI_CASEWORK_CLOCK"] = "event"
        // Nor the basic-living payroll's (a wall-clock month run would pay every month up to today).
        env["DOUDI_BASIC_LIVING_WALLCLOCK"] = "0"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("\(logName).log")
        // Appended to: a service restarted by a test keeps the log of its earlier run.
        if !FileManager.default.fileExists(atPath: logURL.path) { FileManager.default.createFile(atPath: logURL.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: logURL)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    public func kill9() { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }

    public func terminate() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    public var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
}

public func temporaryDirectory(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("doudi-\(name)-\(EventID.random().prefix(8))").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Polls a condition until it holds or the timeout passes.
public func eventually(timeout: Duration = .seconds(60), _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(200))
    }
    return try condition()
}

/// `eventually` for async conditions.
public func eventuallyAsync(timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(250))
    }
    return try await condition()
}

/// A TCP port nobody listens on now (bind to 0 on loopback, read it back, close).
public func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}
