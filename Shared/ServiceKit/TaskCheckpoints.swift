import Crypto
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Kafka
import Logging
import Store

/// Checkpoints of each task's store on the broker, so that a replica on another machine, with a
/// data directory of its own, can take a task over (docs/scaling.md, "Replicas on separate
/// machines: checkpoints"; issue 17).
///
/// A checkpoint is the task's SQLite file as one read transaction saw it (SQLite's online backup),
/// sealed in chunks with the store keys (`Sealer`) and published to partition *t* of
/// `runtime.checkpoints.<service>`, then a manifest naming its chunks, their digest, the offsets the
/// file had applied and its migrations. The owner of a task checkpoints it every
/// `DOUDI_CHECKPOINT_EVERY` when it applied something since. A replica assigned a task reads the
/// task's latest complete checkpoint and installs it, in one transaction, when it is ahead of the
/// replica's own file; it then starts the task's partitions at the file's offsets, as always.
///
/// Why this is safe whoever wrote the checkpoint and whenever: a checkpoint is a store at a
/// transaction boundary — state, outbox, applied-marker and offsets together — so it is a state
/// the service reached by applying exactly the inputs below its offsets. Applying the inputs after
/// them derives the same events with the same ids (the convergence property), which consumers
/// recognise; the outbox rows it holds are re-sent the same way. A zombie's checkpoint is such a
/// state too, so no epoch is needed. What a checkpoint cannot give back is older than
/// `DOUDI_DEDUPE_HORIZON`: the interval must be far shorter than it (checked at start).
public final class TaskCheckpoints: @unchecked Sendable {
    public struct Manifest: Codable, Sendable, Equatable {
        public var id: String
        public var service: String
        public var task: Int
        public var taskCount: Int
        public var chunks: Int
        public var bytes: Int
        public var sha256: String
        /// topic → partition → next offset, of the task's partitions.
        public var offsets: [String: [String: Int64]]
        public var migrations: [String]
        public var takenAt: String
    }

    public static let chunkBytes = 256 * 1024
    /// Runtime tables that stay the replica's own: its relay lease and its task marks.
    static let localTables: Set<String> = ["grdb_migrations", "runtime_relay_lease", "runtime_task"]

    let service: String
    let topic: String
    let tasks: TaskStores
    let kafka: KafkaConfiguration
    let producer: KafkaProducer
    let logger: Logger
    private let lock = NSLock()
    private var lastTaken: [Int: [String: [String: Int64]]] = [:]

    public init(service: String, tasks: TaskStores, kafka: KafkaConfiguration, producer: KafkaProducer, logger: Logger) {
        self.service = service; self.tasks = tasks; self.kafka = kafka; self.producer = producer; self.logger = logger
        topic = Self.topic(service: service)
    }

    public static func topic(service: String) -> String { Topics.namespace + KafkaAccess.checkpointTopic(service) }

    /// What `doudi topics create` and a service that finds it missing create: a partition per task,
    /// records up to the suite's limit, kept for a day (a takeover reads the newest checkpoint).
    public static func spec(service: String, partitions: Int, replicationFactor: Int = 1, minInsyncReplicas: Int = 0) -> TopicSpec {
        var config = ["cleanup.policy": "delete", "retention.ms": String(86_400_000), "max.message.bytes": String(KafkaLimits.maxMessageBytes)]
        if minInsyncReplicas > 0 { config["min.insync.replicas"] = String(minInsyncReplicas) }
        return TopicSpec(name: topic(service: service), partitions: partitions, replicationFactor: replicationFactor, config: config)
    }

    /// Creates the checkpoint topic (one partition per task) if it is missing (a principal
    /// without the right to create topics needs `doudi topics create` to have made it), and checks
    /// that it has a partition per task.
    public func ensureTopic() async throws {
        let admin = try KafkaAdmin(configuration: kafka)
        if try await admin.partitions(of: topic).isEmpty {
            _ = try await admin.createTopics([Self.spec(service: service, partitions: tasks.count)])
        }
        let found = try await admin.partitions(of: topic).count
        guard found == tasks.count else {
            throw SettingsError(problems: ["\(topic) has \(found) partitions, but DOUDI_TASKS=\(tasks.count): a task's checkpoints go to its own partition; recreate the topic with \(tasks.count)"])
        }
    }

    // MARK: taking

    /// Checkpoints `task` unless its offsets are those of its last checkpoint. Returns the manifest
    /// published, nil when nothing changed.
    @discardableResult
    public func take(task: Int) async throws -> Manifest? {
        let store = tasks.stores[task]
        let file = "\(store.path).checkpoint-\(UUID().uuidString.lowercased())"
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { unlink(file + suffix) } }
        let (offsets, migrations) = try await offPool { () throws -> ([String: [String: Int64]], [String]) in
            let previousMask = umask(0o077)
            defer { umask(previousMask) }
            let copy = try DatabaseQueue(path: file)
            try store.pool.backup(to: copy)
            let read = try copy.read { db in (try Self.offsets(db, task: task, of: self.tasks),
                                               try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")) }
            try copy.close()
            return read
        }
        if offsets.isEmpty || lock.withLock({ lastTaken[task] == offsets }) { return nil }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let id = "\(Int64(Date().timeIntervalSince1970 * 1000))-\(UUID().uuidString.prefix(8).lowercased())"
        let count = max(1, (bytes.count + Self.chunkBytes - 1) / Self.chunkBytes)
        var chunks: [OutgoingMessage] = []
        for i in 0..<count {
            let part = Array(bytes[(i * Self.chunkBytes)..<min(bytes.count, (i + 1) * Self.chunkBytes)])
            chunks.append(OutgoingMessage(topic: topic, key: Array("chunk".utf8),
                                          value: store.sealer.seal(part, aad: Self.aad(service: service, task: task, id: id, chunk: i)),
                                          headers: [KafkaHeader("doudi_checkpoint", id), KafkaHeader("doudi_chunk", "\(i)/\(count)")],
                                          partition: Int32(task)))
        }
        let manifest = Manifest(id: id, service: service, task: task, taskCount: tasks.count, chunks: count, bytes: bytes.count,
                                sha256: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined(),
                                offsets: offsets, migrations: migrations, takenAt: Timestamp.rfc3339(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)))
        // The chunks first, acknowledged; then the manifest, which says they are all there.
        try await producer.send(chunks)
        try await producer.send(OutgoingMessage(topic: topic, key: Array("manifest".utf8), value: Array(try JSONEncoder().encode(manifest)),
                                                headers: [KafkaHeader("doudi_checkpoint", id)], partition: Int32(task)))
        lock.withLock { lastTaken[task] = offsets }
        return manifest
    }

    /// The next offsets of `task`'s partitions in a store (as JSON-friendly keys).
    static func offsets(_ db: Database, task: Int, of tasks: TaskStores) throws -> [String: [String: Int64]] {
        var out: [String: [String: Int64]] = [:]
        for (topic, byPartition) in try Inbox.lastApplied(db) {
            for (p, v) in byPartition where tasks.task(of: p) == task { out[topic, default: [:]][String(p)] = v.next }
        }
        return out
    }

    static func aad(service: String, task: Int, id: String, chunk: Int) -> String { "checkpoint/\(service)/\(task)/\(id)/\(chunk)" }

    // MARK: restoring

    /// The latest complete checkpoint of `task` on the broker, with its file's bytes; nil when
    /// there is none. Reads the partition's tail, widening it until a complete one is found.
    public func latest(task: Int) async throws -> (Manifest, [UInt8])? {
        let tp = TopicPartition(topic, Int32(task))
        let admin = try KafkaAdmin(configuration: kafka)
        let (low, high) = try await admin.watermarks(tp)
        guard high > low else { return nil }
        var window: Int64 = 64
        while true {
            let start = max(low, high - window)
            var records: [KafkaMessage] = []
            try await TopicSnapshot(configuration: kafka).read(.init(starts: [tp: start], ends: [tp: high])) { records.append($0) }
            records.sort { $0.offset < $1.offset }
            if let found = try assemble(records, task: task) { return found }
            if start == low { return nil }
            window *= 4
        }
    }

    /// The newest manifest in `records` whose chunks are the records just before it, in order,
    /// opening and matching their digest.
    func assemble(_ records: [KafkaMessage], task: Int) throws -> (Manifest, [UInt8])? {
        let sealer = tasks.stores[task].sealer
        for index in records.indices.reversed() {
            let record = records[index]
            guard record.key == Array("manifest".utf8),
                  let manifest = try? JSONDecoder().decode(Manifest.self, from: Data(record.value)),
                  manifest.service == service, manifest.task == task, manifest.taskCount == tasks.count,
                  index >= manifest.chunks else { continue }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(manifest.bytes)
            var complete = true
            for (i, chunk) in records[(index - manifest.chunks)..<index].enumerated() {
                guard chunk.header("doudi_checkpoint") == manifest.id, chunk.header("doudi_chunk") == "\(i)/\(manifest.chunks)",
                      let part = try? sealer.open(chunk.value, aad: Self.aad(service: service, task: task, id: manifest.id, chunk: i))
                else { complete = false; break }
                bytes += part
            }
            guard complete, bytes.count == manifest.bytes,
                  SHA256.hash(data: bytes).map({ String(format: "%02x", $0) }).joined() == manifest.sha256 else {
                logger.warning("checkpoint incomplete or damaged: looking for an earlier one", metadata: ["task": "\(task)", "checkpoint": "\(manifest.id)"])
                continue
            }
            return (manifest, bytes)
        }
        return nil
    }

    public enum Restored: Equatable, Sendable {
        /// Nothing on the broker for the task.
        case none
        /// The replica's own file had applied as much or more.
        case local
        /// Another software version's checkpoint (other migrations): not installed.
        case otherVersion
        case installed(Manifest)
    }

    /// Installs the latest checkpoint of `task` when it is ahead of this replica's file.
    public func restore(task: Int) async throws -> Restored {
        guard let (manifest, bytes) = try await latest(task: task) else { return .none }
        let store = tasks.stores[task]
        let file = "\(store.path).restore-\(manifest.id)"
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { unlink(file + suffix) } }
        do {
            let previousMask = umask(0o077)
            defer { umask(previousMask) }
            try Data(bytes).write(to: URL(fileURLWithPath: file))
        }
        let tasks = tasks
        let outcome = try await offPool { try Self.install(file, manifest: manifest, task: task, into: store, tasks: tasks) }
        switch outcome {
        case .installed:
            logger.notice("task restored from a checkpoint", metadata: ["task": "\(task)", "checkpoint": "\(manifest.id)",
                                                                        "offsets": "\(manifest.offsets)", "bytes": "\(manifest.bytes)"])
        case .otherVersion:
            logger.warning("checkpoint of another software version not installed: the task is read from its own file's offsets",
                           metadata: ["task": "\(task)", "checkpoint": "\(manifest.id)"])
        case .none, .local: break
        }
        return outcome
    }

    /// Copies every table of the checkpoint file into the store, in one transaction, if the
    /// checkpoint has applied more than the store (no partition less, one more) and was made by
    /// the same migrations. The comparison is in the transaction, so a batch committed meanwhile
    /// is either counted or finds its inputs applied.
    static func install(_ file: String, manifest: Manifest, task: Int, into store: ServiceStore, tasks: TaskStores) throws -> Restored {
        try store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS checkpoint", arguments: [file])
            defer { try? db.execute(sql: "DETACH DATABASE checkpoint") }
            let mine = try String.fetchAll(db, sql: "SELECT identifier FROM main.grdb_migrations ORDER BY identifier")
            let theirs = try String.fetchAll(db, sql: "SELECT identifier FROM checkpoint.grdb_migrations ORDER BY identifier")
            guard mine == theirs, theirs == manifest.migrations else { return .otherVersion }
            var result = Restored.local
            try db.inTransaction {
                let local = try offsets(db, task: task, of: tasks)
                var ahead = false
                for (topic, byPartition) in manifest.offsets {
                    for (p, next) in byPartition {
                        let mine = local[topic]?[p] ?? 0
                        if next < mine { return .rollback }
                        if next > mine { ahead = true }
                    }
                }
                for (topic, byPartition) in local {
                    for (p, next) in byPartition where next > (manifest.offsets[topic]?[p] ?? 0) { return .rollback }
                }
                guard ahead else { return .rollback }
                let tables = try String.fetchAll(db, sql: "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                    .filter { !localTables.contains($0) }
                for table in tables {
                    let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    try db.execute(sql: "DELETE FROM main.\(quoted)")
                    try db.execute(sql: "INSERT INTO main.\(quoted) SELECT * FROM checkpoint.\(quoted)")
                }
                result = .installed(manifest)
                return .commit
            }
            return result
        }
    }
}

/// Runs blocking work (a store backup, a file copy) off the cooperative pool.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        DispatchQueue.global().async { c.resume(with: Result { try body() }) }
    }
}
