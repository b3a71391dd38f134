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
/// file had applied, its count of writes from outside the consumer (`runtime_writes`) and its
/// migrations. The owner of a task checkpoints it as soon as it owns it, then every
/// `DOUDI_CHECKPOINT_EVERY` when it changed, and at least every `republishEvery` (so that the
/// topic's retention never leaves a task without one). The task's outbox is published only as far
/// as a published checkpoint holds it (`covered`): every event on the broker then comes from a
/// state a takeover restores, so the new owner can take back what it no longer decides. A replica assigned a task reads the newest
/// manifest; only when it is ahead of the replica's own file does it fetch the chunks and install
/// them, in one transaction; it then starts the task's partitions at the file's offsets.
///
/// Why this is safe whoever wrote the checkpoint and whenever: a checkpoint is a store at a
/// transaction boundary — state, outbox, applied-marker and offsets together — so it is a state
/// the service reached by applying exactly the inputs below its offsets (and the writes it counts).
/// Applying the inputs after them derives the same events with the same ids (the convergence
/// property), which consumers recognise; the outbox rows it holds are re-sent the same way. What a
/// checkpoint cannot give back is older than `DOUDI_DEDUPE_HORIZON`: the interval must be far
/// shorter than it (checked at start).
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
        /// `runtime_writes`: writes from outside the consumer the file holds.
        public var writes: Int64
        public var migrations: [String]
        public var takenAt: String
    }

    /// Where a copy of a task stands: what it applied and how many outside writes it holds.
    struct Position: Equatable, Sendable {
        var offsets: [String: [String: Int64]]
        var writes: Int64

        /// Whether `self` has everything `other` has and more; nil when each has something the
        /// other lacks (two replicas wrote the task at once: the replica keeps its own).
        func isAhead(of other: Position) -> Bool? {
            var more = writes > other.writes, less = writes < other.writes
            for topic in Set(offsets.keys).union(other.offsets.keys) {
                let mine = offsets[topic] ?? [:], theirs = other.offsets[topic] ?? [:]
                for p in Set(mine.keys).union(theirs.keys) {
                    let a = mine[p] ?? 0, b = theirs[p] ?? 0
                    if a > b { more = true }
                    if a < b { less = true }
                }
            }
            return less ? (more ? nil : false) : more
        }
    }

    public static let chunkBytes = 256 * 1024
    /// An unchanged task is checkpointed again this often: the topic keeps a day.
    public static let republishEvery: Duration = .seconds(6 * 3600)
    /// Runtime tables that stay the replica's own: its relay lease and its task marks. The outbox
    /// and the access records of both copies are kept (`install`).
    static let localTables: Set<String> = ["grdb_migrations", "runtime_relay_lease", "runtime_task", "runtime_outbox", "runtime_access_log"]

    let service: String
    let topic: String
    let tasks: TaskStores
    let kafka: KafkaConfiguration
    let producer: KafkaProducer
    let migrations: @Sendable (inout DatabaseMigrator) -> Void
    let logger: Logger
    private let lock = NSLock()
    private var lastTaken: [Int: (position: Position, at: ContinuousClock.Instant)] = [:]
    private var coveredThrough: [Int: Int64] = [:]
    private var unrestoredTasks: Set<Int> = []

    /// Tasks whose last restore failed or met a checkpoint of a later version: this replica's file
    /// may be behind what was published, so it neither checkpoints them nor publishes their outbox
    /// until a restore succeeds (readiness then fails on the outbox's age, saying why).
    public var unrestored: Set<Int> { lock.withLock { unrestoredTasks } }
    /// Called when more of a task's outbox may be published.
    var onCovered: @Sendable () -> Void = {}

    /// The last outbox row of `task` that a published checkpoint holds (or that an installed one
    /// brought): the relay publishes no further, so that every event on the broker comes from a
    /// state a takeover restores, which can then take it back if it no longer decides it.
    public func covered(task: Int) -> Int64? { lock.withLock { unrestoredTasks.contains(task) ? nil : coveredThrough[task] } }

    private func cover(_ task: Int, through seq: Int64) {
        lock.withLock { coveredThrough[task] = max(coveredThrough[task] ?? 0, seq) }
        onCovered()
    }

    public init(service: String, tasks: TaskStores, kafka: KafkaConfiguration, producer: KafkaProducer,
                migrations: @escaping @Sendable (inout DatabaseMigrator) -> Void, logger: Logger) {
        self.service = service; self.tasks = tasks; self.kafka = kafka; self.producer = producer
        self.migrations = migrations; self.logger = logger
        topic = Self.topic(service: service)
    }

    public static func topic(service: String) -> String { Topics.namespace + KafkaAccess.checkpointTopic(service) }

    /// What `doudi topics create` and a service that finds it missing create: records up to the
    /// suite's limit, kept for a day (a takeover reads the newest checkpoint; an unchanged task is
    /// checkpointed again every `republishEvery`).
    public static func spec(service: String, partitions: Int, replicationFactor: Int = 1, minInsyncReplicas: Int = 0) -> TopicSpec {
        var config = ["cleanup.policy": "delete", "retention.ms": String(86_400_000), "max.message.bytes": String(KafkaLimits.maxMessageBytes)]
        if minInsyncReplicas > 0 { config["min.insync.replicas"] = String(minInsyncReplicas) }
        return TopicSpec(name: topic(service: service), partitions: partitions, replicationFactor: replicationFactor, config: config)
    }

    /// Creates the checkpoint topic if it is missing (a principal without the right to create
    /// topics needs `doudi topics create` to have made it), and checks that it has a partition for
    /// every task (task *t* uses partition *t*).
    public func ensureTopic() async throws {
        let admin = try KafkaAdmin(configuration: kafka)
        if try await admin.partitions(of: topic).isEmpty {
            _ = try await admin.createTopics([Self.spec(service: service, partitions: tasks.count)])
        }
        let found = try await admin.partitions(of: topic).count
        guard found >= tasks.count else {
            throw SettingsError(problems: ["\(topic) has \(found) partitions, but DOUDI_TASKS=\(tasks.count): a task's checkpoints go to partition <task>; recreate the topic with at least \(tasks.count)"])
        }
    }

    // MARK: taking

    /// Checkpoints `task` unless it is where its last checkpoint was (and that one is younger than
    /// `republishEvery`). The manifest is sent only while `stillOwned` says the task is this
    /// replica's: a replica that lost it meanwhile must not publish an older state last.
    @discardableResult
    public func take(task: Int, stillOwned: @Sendable () -> Bool = { true }) async throws -> Manifest? {
        if unrestored.contains(task) { return nil }
        let store = tasks.stores[task]
        let file = "\(store.path).checkpoint-\(UUID().uuidString.lowercased())"
        defer { Self.remove(file) }
        let (position, migrations, outboxThrough) = try await blocking { () throws -> (Position, [String], Int64) in
            try Self.createPrivate(file)
            let copy = try DatabaseQueue(path: file)
            try store.pool.backup(to: copy)
            let read = try copy.read { db in
                (Position(offsets: try Self.offsets(db, task: task, of: self.tasks), writes: try LocalWrites.count(db)),
                 try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"),
                 try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM runtime_outbox") ?? 0)
            }
            try copy.close()
            return read
        }
        if position.offsets.isEmpty && position.writes == 0 && outboxThrough == 0 { return nil }
        let unchanged = lock.withLock { () -> Bool in
            guard let last = lastTaken[task] else { return false }
            return last.position == position && ContinuousClock.now - last.at < Self.republishEvery
                && (coveredThrough[task] ?? 0) >= outboxThrough
        }
        if unchanged { return nil }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let id = "\(Int64(Date().timeIntervalSince1970 * 1000))-\(UUID().uuidString.prefix(8).lowercased())"
        let (count, chunks) = Self.chunks(of: bytes, id: id, service: service, task: task, topic: topic, sealer: store.sealer)
        let manifest = Manifest(id: id, service: service, task: task, taskCount: tasks.count, chunks: count, bytes: bytes.count,
                                sha256: Self.hex(SHA256.hash(data: bytes)), offsets: position.offsets, writes: position.writes,
                                migrations: migrations, takenAt: Timestamp.rfc3339(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)))
        // The chunks first, acknowledged; then the manifest, which says they are all there.
        try await producer.send(chunks)
        guard stillOwned() else { return nil }
        try await producer.send(OutgoingMessage(topic: topic, key: Array("manifest".utf8), value: Array(try JSONEncoder().encode(manifest)),
                                                headers: [KafkaHeader("doudi_checkpoint", id)], partition: Int32(task)))
        lock.withLock { lastTaken[task] = (position, .now) }
        cover(task, through: outboxThrough)
        return manifest
    }

    /// The next offsets of `task`'s partitions in a store (as JSON-friendly keys).
    static func offsets(_ db: Database, task: Int, of tasks: TaskStores, schema: String = "main") throws -> [String: [String: Int64]] {
        var out: [String: [String: Int64]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT topic, partition, next_offset FROM \(schema).runtime_offsets") {
            let p: Int32 = row[1]
            if tasks.task(of: p) == task { out[row[0], default: [:]][String(p)] = row[2] }
        }
        return out
    }

    static func aad(service: String, task: Int, id: String, chunk: Int) -> String { "checkpoint/\(service)/\(task)/\(id)/\(chunk)" }

    /// A checkpoint file's bytes as its sealed chunk records, each bound to its checkpoint, task and
    /// position (so a chunk cannot stand in for another).
    static func chunks(of bytes: [UInt8], id: String, service: String, task: Int, topic: String, sealer: Sealer,
                       chunkBytes: Int = TaskCheckpoints.chunkBytes) -> (count: Int, records: [OutgoingMessage]) {
        let count = max(1, (bytes.count + chunkBytes - 1) / chunkBytes)
        let records = (0..<count).map { i in
            OutgoingMessage(topic: topic, key: Array("chunk".utf8),
                            value: sealer.seal(Array(bytes[(i * chunkBytes)..<min(bytes.count, (i + 1) * chunkBytes)]),
                                               aad: aad(service: service, task: task, id: id, chunk: i)),
                            headers: [KafkaHeader("doudi_checkpoint", id), KafkaHeader("doudi_chunk", "\(i)/\(count)")],
                            partition: Int32(task))
        }
        return (count, records)
    }

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }

    /// Creates an empty file only the owner may read (no process-wide umask: a checkpoint and a
    /// restore may run at once).
    static func createPrivate(_ path: String) throws {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        close(fd)
    }

    static func remove(_ file: String) {
        for suffix in ["", "-wal", "-shm", "-journal", "-open.lock"] { unlink(file + suffix) }
    }

    // MARK: restoring

    /// The newest manifest of `task` on the broker and its offset; nil when there is none. Reads
    /// the partition's tail, widening the window until one is found.
    func newestManifest(task: Int) async throws -> (manifest: Manifest, offset: Int64, low: Int64)? {
        let tp = TopicPartition(topic, Int32(task))
        let (low, high) = try await KafkaAdmin(configuration: kafka).watermarks(tp)
        guard high > low else { return nil }
        var window: Int64 = 8
        while true {
            let start = max(low, high - window)
            var found: (Manifest, Int64)?
            try await TopicSnapshot(configuration: kafka).read(.init(starts: [tp: start], ends: [tp: high])) { record in
                guard record.key == Array("manifest".utf8), record.offset >= (found?.1 ?? -1),
                      let m = try? JSONDecoder().decode(Manifest.self, from: Data(record.value)),
                      m.service == service, m.task == task, m.taskCount == tasks.count else { return }
                found = (m, record.offset)
            }
            if let found { return (found.0, found.1, low) }
            if start == low { return nil }
            window *= 4
        }
    }

    /// The newest complete checkpoint in `[from, through]` of `task`'s partition, with its file's bytes.
    func complete(task: Int, from: Int64, through: Int64) async throws -> (Manifest, [UInt8])? {
        let tp = TopicPartition(topic, Int32(task))
        var records: [KafkaMessage] = []
        try await TopicSnapshot(configuration: kafka).read(.init(starts: [tp: from], ends: [tp: through + 1])) {
            if $0.offset <= through { records.append($0) }
        }
        records.sort { $0.offset < $1.offset }
        return assemble(records, task: task)
    }

    /// The newest manifest in `records` whose chunks are all among them, opening and matching its
    /// digest. Chunks are found by their checkpoint's id and position, not by where they sit: two
    /// replicas checkpointing one task at once (one of them about to learn it lost the task)
    /// interleave their records, and neither checkpoint is damaged by that.
    func assemble(_ records: [KafkaMessage], task: Int) -> (Manifest, [UInt8])? {
        Self.assemble(records, service: service, task: task, taskCount: tasks.count, sealer: tasks.stores[task].sealer, logger: logger)
    }

    static func assemble(_ records: [KafkaMessage], service: String, task: Int, taskCount: Int, sealer: Sealer,
                         logger: Logger) -> (Manifest, [UInt8])? {
        // checkpoint id → chunk position → the records carrying it (a re-send may repeat one).
        var chunks: [String: [String: [KafkaMessage]]] = [:]
        for record in records where record.key == Array("chunk".utf8) {
            guard let id = record.header("doudi_checkpoint"), let position = record.header("doudi_chunk") else { continue }
            chunks[id, default: [:]][position, default: []].append(record)
        }
        for record in records.sorted(by: { $0.offset > $1.offset }) {
            guard record.key == Array("manifest".utf8),
                  let manifest = try? JSONDecoder().decode(Manifest.self, from: Data(record.value)),
                  manifest.service == service, manifest.task == task, manifest.taskCount == taskCount, manifest.chunks > 0
            else { continue }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(manifest.bytes)
            var complete = true
            for i in 0..<manifest.chunks {
                let aad = Self.aad(service: service, task: task, id: manifest.id, chunk: i)
                guard let part = chunks[manifest.id]?["\(i)/\(manifest.chunks)"]?.lazy.compactMap({ try? sealer.open($0.value, aad: aad) }).first
                else { complete = false; break }
                bytes += part
            }
            guard complete, bytes.count == manifest.bytes, Self.hex(SHA256.hash(data: bytes)) == manifest.sha256 else {
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
        /// The replica's own file had applied as much or more (or each had something the other lacked).
        case local
        /// A checkpoint of a later software version (migrations this one does not know): not installed.
        case otherVersion
        case installed(Manifest)
    }

    /// Installs the newest checkpoint of `task` when it is ahead of this replica's file. The
    /// manifest is compared first: the chunks are fetched only when they are needed.
    public func restore(task: Int) async throws -> Restored {
        lock.withLock { _ = unrestoredTasks.insert(task) }
        let outcome = try await restoreOnce(task: task)
        if outcome != .otherVersion { lock.withLock { _ = unrestoredTasks.remove(task) } }
        return outcome
    }

    private func restoreOnce(task: Int) async throws -> Restored {
        guard let newest = try await newestManifest(task: task) else { return .none }
        let store = tasks.stores[task], tasks = tasks
        let local = try await store.pool.read { db in
            Position(offsets: try Self.offsets(db, task: task, of: tasks), writes: try LocalWrites.count(db))
        }
        guard Position(offsets: newest.manifest.offsets, writes: newest.manifest.writes).isAhead(of: local) == true else { return .local }
        // Its chunks are the records just before it; another replica checkpointing the task at the
        // same moment may interleave as many of its own, so the window holds twice as many. Unless
        // the newest is found there (damaged, or its chunks further back), the window widens to
        // the partition's start.
        var found = try await complete(task: task, from: max(newest.low, newest.offset - 2 * Int64(newest.manifest.chunks) - 16), through: newest.offset)
        if found?.0.id != newest.manifest.id {
            found = try await complete(task: task, from: newest.low, through: newest.offset) ?? found
        }
        guard let (manifest, bytes) = found else { return .none }
        let file = "\(store.path).restore-\(manifest.id)"
        defer { Self.remove(file) }
        try Self.createPrivate(file)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let migrations = migrations
        let outcome = try await blocking { try Self.install(file, task: task, into: store, tasks: tasks, migrations: migrations) }
        switch outcome {
        case .installed:
            // What the checkpoint's outbox holds was covered by it: it may go.
            cover(task, through: try await store.pool.read { try Int64.fetchOne($0, sql: "SELECT coalesce(max(seq), 0) FROM runtime_outbox") ?? 0 })
            logger.notice("task restored from a checkpoint", metadata: ["task": "\(task)", "checkpoint": "\(manifest.id)",
                                                                        "offsets": "\(manifest.offsets)", "writes": "\(manifest.writes)",
                                                                        "bytes": "\(manifest.bytes)"])
        case .otherVersion:
            logger.warning("checkpoint of a later software version not installed: the task continues from this replica's file",
                           metadata: ["task": "\(task)", "checkpoint": "\(manifest.id)"])
        case .none, .local: break
        }
        return outcome.map { _ in manifest }
    }

    /// Brings the checkpoint file to this version's migrations (an older version's checkpoint is
    /// migrated forward), then, in one transaction of the store, replaces every table but the
    /// replica's own marks with the checkpoint's if the checkpoint is ahead of the store (the
    /// comparison reads both files in that transaction, so a batch committed meanwhile is either
    /// counted or finds its inputs applied). The store's outbox rows are the discarded state's
    /// decisions, never published unless a checkpoint the new one descends from held them: they
    /// go, but for its access records (`audit.access`: reads that happened), kept with the
    /// checkpoint's rows appended after them (a relay round in flight deletes only rows it read);
    /// the access log keeps both copies' records.
    static func install(_ file: String, task: Int, into store: ServiceStore, tasks: TaskStores,
                        migrations: @escaping @Sendable (inout DatabaseMigrator) -> Void) throws -> Restored {
        var known = DatabaseMigrator()
        ServiceStore.registerAll(&known, migrations: migrations)
        let theirs = try DatabaseQueue(path: file).read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        guard Set(theirs).isSubset(of: Set(known.migrations)) else { return .otherVersion }
        // Forward (the sealing functions are there for migrations that use them); then closed.
        try ServiceStore(path: file, synchronousFull: false, sealer: store.sealer, migrations: migrations).pool.close()
        return try store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS checkpoint", arguments: [file])
            defer { try? db.execute(sql: "DETACH DATABASE checkpoint") }
            var result = Restored.local
            try db.inTransaction {
                let local = Position(offsets: try offsets(db, task: task, of: tasks), writes: try LocalWrites.count(db))
                let copy = Position(offsets: try offsets(db, task: task, of: tasks, schema: "checkpoint"),
                                    writes: try LocalWrites.count(db, schema: "checkpoint"))
                guard copy.isAhead(of: local) == true else { return .rollback }
                let tables = try String.fetchAll(db, sql: "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                    .filter { !localTables.contains($0) }
                for table in tables {
                    let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    try db.execute(sql: "DELETE FROM main.\(quoted)")
                    try db.execute(sql: "INSERT INTO main.\(quoted) SELECT * FROM checkpoint.\(quoted)")
                }
                try db.execute(sql: "DELETE FROM main.runtime_outbox WHERE topic != ?", arguments: [Topics.name(.auditAccess)])
                try db.execute(sql: """
                    INSERT INTO main.runtime_outbox(topic, key, value, headers, event_id)
                    SELECT topic, key, value, headers, event_id FROM checkpoint.runtime_outbox ORDER BY seq
                    """)
                try db.execute(sql: "INSERT OR IGNORE INTO main.runtime_access_log SELECT * FROM checkpoint.runtime_access_log")
                result = .installed(Manifest(id: "", service: "", task: task, taskCount: tasks.count, chunks: 0, bytes: 0, sha256: "",
                                             offsets: copy.offsets, writes: copy.writes, migrations: [], takenAt: ""))
                return .commit
            }
            return result
        }
    }
}

extension TaskCheckpoints.Restored {
    /// The same outcome, naming `manifest` when installed.
    func map(_ manifest: (TaskCheckpoints.Manifest) -> TaskCheckpoints.Manifest) -> Self {
        if case .installed(let m) = self { return .installed(manifest(m)) }
        return self
    }
}

