import Envelope
import TestSupport
import Foundation
import GRDB
import Kafka

/// The demo service on a test's own topics, group and store.
struct NoopHarness {
    let input: String
    let output: String
    let group: String
    let dataDir: String

    static func make(_ name: String, partitions: Int = 3) async throws -> NoopHarness {
        let topics = try await TestBroker.freshTopics(["\(name).in", "\(name).out"], partitions: partitions)
        try await KafkaAdmin(configuration: TestBroker.kafka).createTopics([TopicSpec(name: Topics.deadletter, partitions: 3)])
        return NoopHarness(input: topics[0], output: topics[1], group: "test-\(topics[0])", dataDir: temporaryDirectory(name))
    }

    func start(extra: [String: String] = [:], replica: String = "") throws -> ServiceProcess {
        try ServiceProcess("doudi-noop", environment: [
            "DOUDI_NOOP_INPUT": input, "DOUDI_NOOP_OUTPUT": output, "DOUDI_GROUP_ID": group,
            "DOUDI_DATA_DIR": dataDir, "DOUDI_BATCH_SIZE": "200",
        ].merging(extra) { $1 }, logName: group + replica)
    }

    var storePath: String { "\(dataDir)/noop.sqlite" }

    /// The service's store, read beside the running service: wait while it holds a write lock
    /// (its migrations at start) instead of failing with "database is locked".
    static func open(_ path: String) throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: config)
    }

    func appliedCount() throws -> Int {
        guard FileManager.default.fileExists(atPath: storePath) else { return 0 }
        return try Self.open(storePath).read { db in
            // The service may have created the file and not yet its tables.
            try db.tableExists("runtime_applied_events") ? Int.fetchOne(db, sql: "SELECT count(*) FROM runtime_applied_events") ?? 0 : 0
        }
    }

    /// Sum of per-key counters: equals the number of distinct inputs iff each was applied once.
    func seenTotal() throws -> Int {
        try Self.open(storePath).read { try Int.fetchOne($0, sql: "SELECT coalesce(sum(seen), 0) FROM demo_state") ?? 0 }
    }

    func outboxBacklog() throws -> Int {
        try Self.open(storePath).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM runtime_outbox") ?? 0 }
    }

    func stateDigest() throws -> String {
        try Self.open(storePath).read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT key, seen, total FROM demo_state ORDER BY key")
            return EventID.derived(rows.map { "\($0[0] as String)|\($0[1] as Int)|\($0[2] as Int)" })
        }
    }
}
