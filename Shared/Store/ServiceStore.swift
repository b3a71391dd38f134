import Envelope
import Foundation
import GRDB

/// One SQLite database per service (WAL), with the runtime's own tables (applied markers and
/// the outbox) migrated before the service's. No service reads another's store.
///
/// The files are the owner's alone (0600, in a 0700 directory), and personal data in them is
/// sealed with `sealer` (AES-GCM, `DOUDI_STORE_KEYS`): the outbox's payloads here, the services'
/// own columns where they keep names or identity numbers.
public final class ServiceStore: Sendable {
    public let pool: DatabasePool
    public let path: String
    public let sealer: Sealer
    /// The writer connection's page cache, at most, unless the store is opened with another.
    /// SQLite allocates pages as they are used, so a small store stays small in memory; a store
    /// larger than the cache keeps its most used pages in it (docs/benchmarks.md, "Peak memory").
    public static let defaultWriterCacheBytes = 16 << 20
    /// What the stores that read back large state on every event use (the classifier, the matcher, the router).
    public static let largeWriterCacheBytes = 64 << 20

    /// - Parameters:
    ///   - synchronousFull: `synchronous=FULL` makes a commit survive power loss, not only a crash;
    ///     Kafka offsets are committed after the store, so the default is FULL.
    ///   - sealer: the store's keys; nil reads `DOUDI_STORE_KEYS` (the development keys in development mode).
    ///   - cacheBytes: the writer connection's page cache, at most.
    public init(path: String, synchronousFull: Bool = true, sealer: Sealer? = nil, cacheBytes: Int = ServiceStore.defaultWriterCacheBytes,
                migrations: (inout DatabaseMigrator) -> Void = { _ in }) throws {
        self.path = path
        self.sealer = try sealer ?? Sealer.fromEnvironment()
        try Self.restrictPermissions(path: path)
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.maximumReaderCount = 3
        let functions = Self.sealingFunctions(self.sealer)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronousFull ? "FULL" : "NORMAL")")
            // The writer reads the rows it is about to change: with SQLite's default page cache
            // (2 MiB) against a classifier or matcher store of hundreds of megabytes, most of those
            // reads went back to the kernel (docs/benchmarks.md, "A larger page cache"). Pages are
            // allocated as they are used, so a small store stays small in memory.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -\(max(1, cacheBytes / 1024))") }
            for f in functions { db.add(function: f) }
        }
        // SQLite creates the database (and then its -wal and -shm, with the database's mode) under
        // this umask: owner-only from the first byte, with no window in which another process
        // could open a half-made file.
        let previousMask = umask(0o077)
        defer { umask(previousMask) }
        // Replicas sharing a data directory (docs/scaling.md) may open a store at the same moment:
        // one of them migrates it while the others wait, then find it migrated.
        let lock = open(path + "-open.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        if lock >= 0 { _ = flock(lock, LOCK_EX) }
        defer { if lock >= 0 { _ = flock(lock, LOCK_UN); close(lock) } }
        pool = try DatabasePool(path: path, configuration: config)
        try Self.migrate(pool, migrations: migrations)
        // Each event is applied in a savepoint (Inbox.inSavepoint), whose sub-journal keeps the
        // pages it changes as they were. SQLite holds a sub-journal in memory up to 64 KiB and then
        // moves it to a temporary file for the rest of the transaction: a batch of 500 events wrote
        // every page its events touched to that file, 20 writes per event and half a megabyte per
        // household in the classifier (docs/benchmarks.md, "The savepoints' journal"). On the
        // writer it now stays in memory, as long as one event's savepoint: the originals of the
        // pages that event changes (new pages are not journalled). Set after the migrations, whose
        // index builds and backfills keep spilling their sorts to files.
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA temp_store = MEMORY") }
    }

    /// An in-memory store for in-process tests: the same sealing functions (development keys
    /// unless `sealer` is given) and the same migrations as a file store.
    public static func inMemory(sealer: Sealer? = nil, migrations: (inout DatabaseMigrator) -> Void) throws -> DatabaseQueue {
        let functions = sealingFunctions(try sealer ?? Sealer.fromEnvironment(["DOUDI_MODE": "development"]))
        var config = Configuration()
        config.prepareDatabase { db in for f in functions { db.add(function: f) } }
        let queue = try DatabaseQueue(configuration: config)
        try migrate(queue, migrations: migrations)
        return queue
    }

    /// The runtime's tables, then the service's: what a service store holds, on any GRDB writer
    /// (an in-memory `DatabaseQueue` for in-process tests of a processor).
    public static func migrate(_ writer: some DatabaseWriter, migrations: (inout DatabaseMigrator) -> Void) throws {
        var migrator = DatabaseMigrator()
        registerAll(&migrator, migrations: migrations)
        try migrator.migrate(writer)
    }

    /// The runtime's migrations, then the service's (what `migrate` applies).
    public static func registerAll(_ migrator: inout DatabaseMigrator, migrations: (inout DatabaseMigrator) -> Void) {
        RuntimeSchema.register(&migrator)
        migrations(&migrator)
    }

    /// `doudi_seal(value, aad)` and `doudi_open(value, aad)` in SQL, on every connection: a
    /// column is sealed where it is written and opened where it is read, without passing keys
    /// through the code in between. NULL stays NULL; `doudi_open` reads rows written before
    /// sealing as they are (`Sealer.openOrLegacy`).
    ///
    ///     INSERT INTO t(id, blob) VALUES (?, doudi_seal(?, 't/' || ?))
    ///     SELECT doudi_open(blob, 't/' || id) FROM t WHERE id = ?
    static func sealingFunctions(_ sealer: Sealer) -> [DatabaseFunction] {
        @Sendable func bytes(_ value: DatabaseValue) -> Data? {
            switch value.storage {
            case .blob(let d): return d
            case .string(let s): return Data(s.utf8)
            default: return nil
            }
        }
        let seal = DatabaseFunction("doudi_seal", argumentCount: 2, pure: false) { values -> DatabaseValueConvertible? in
            guard let plain = bytes(values[0]), let aad = String.fromDatabaseValue(values[1]) else { return nil }
            return sealer.seal(plain, aad: aad)
        }
        let open = DatabaseFunction("doudi_open", argumentCount: 2, pure: true) { values -> DatabaseValueConvertible? in
            guard let sealed = bytes(values[0]), let aad = String.fromDatabaseValue(values[1]) else { return nil }
            return try sealer.openOrLegacy(sealed, aad: aad)
        }
        return [seal, open]
    }

    /// The directory 0700 (created so, or narrowed when the process owns it), and the files of an
    /// existing store narrowed to 0600 (a new one is created under umask 077).
    static func restrictPermissions(path: String) throws {
        let fm = FileManager.default
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            if !fm.fileExists(atPath: dir) {
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } else {
                // A shared or pre-existing directory we do not own is left as it is; the files are still 0600.
                try? fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir)
            }
        }
        for file in [path, path + "-wal", path + "-shm"] where fm.fileExists(atPath: file) {
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
    }

    /// A digest of every row of the given tables, for "rebuilt from replay is identical" checks.
    public func digest(tables: [String]) throws -> String {
        try pool.read { db in
            var parts: [String] = []
            for table in tables {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2")
                parts.append(table)
                for row in rows { parts.append(row.description) }
            }
            return EventID.derived(parts)
        }
    }
}

enum RuntimeSchema {
    static func register(_ m: inout DatabaseMigrator) {
        m.registerMigration("runtime-v1") { db in
            // Per topic-partition: the next offset to apply. Offsets below it are already applied.
            try db.execute(sql: """
                CREATE TABLE runtime_offsets(topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL,
                  PRIMARY KEY(topic, partition)) WITHOUT ROWID;
                CREATE TABLE runtime_applied_events(event_id TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE runtime_outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, key BLOB,
                  value BLOB NOT NULL, headers BLOB NOT NULL, event_id TEXT NOT NULL);
                """)
        }
        m.registerMigration("runtime-v2") { db in
            // Applied-event ids are kept for the replay horizon only (`Inbox.prune`); each partition
            // remembers the id at next_offset - 1, which the log must still hold there on restart
            // (else the broker's log is not the one the store applied: `Inbox.lastApplied`); outbox rows
            // that no broker will ever take (too large, malformed) move to the quarantine with why.
            try db.execute(sql: """
                CREATE INDEX runtime_applied_events_by_time ON runtime_applied_events(applied_at);
                ALTER TABLE runtime_offsets ADD COLUMN last_event_id TEXT;
                CREATE TABLE runtime_outbox_quarantine(seq INTEGER PRIMARY KEY NOT NULL, topic TEXT NOT NULL, key BLOB,
                  value BLOB NOT NULL, headers BLOB NOT NULL, event_id TEXT NOT NULL, reason TEXT NOT NULL,
                  quarantined_at INTEGER NOT NULL);
                """)
        }
        // Issue 13: events are identified by (ce_source, ce_id), and the payload's digest tells a
        // re-delivery from a collision. Earlier markers keep source '' and no digest.
        m.registerMigration("runtime-v3-source-ids") { db in
            try db.execute(sql: """
                CREATE TABLE runtime_applied_events_v2(event_id TEXT NOT NULL, source TEXT NOT NULL, digest TEXT,
                  applied_at INTEGER NOT NULL, PRIMARY KEY(event_id, source)) WITHOUT ROWID;
                INSERT INTO runtime_applied_events_v2(event_id, source, digest, applied_at)
                  SELECT event_id, '', NULL, applied_at FROM runtime_applied_events;
                DROP TABLE runtime_applied_events;
                ALTER TABLE runtime_applied_events_v2 RENAME TO runtime_applied_events;
                CREATE INDEX runtime_applied_events_by_time ON runtime_applied_events(applied_at);
                """)
        }
        // Issue 13: every read of personal data, recorded where it happened (and on audit.access).
        m.registerMigration("runtime-v4-access-log") { db in
            try db.execute(sql: """
                CREATE TABLE runtime_access_log(access_id TEXT PRIMARY KEY NOT NULL, accessed_at TEXT NOT NULL,
                  actor TEXT NOT NULL, role TEXT NOT NULL, resource TEXT NOT NULL, resource_id TEXT NOT NULL,
                  region_code TEXT, purpose TEXT NOT NULL, decision TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX runtime_access_log_time ON runtime_access_log(accessed_at);
                """)
        }
        // Issue 17: a store may be one task of a service split by partition (docs/scaling.md), and
        // several replicas may open it (a shared data directory): which task it is, and which
        // replica's relay publishes its outbox (a lease, so that two relays do not both send it),
        // and which inputs went to the dead letters (read again by another replica, they were handled).
        m.registerMigration("runtime-v5-tasks") { db in
            try db.execute(sql: """
                CREATE TABLE runtime_task(id INTEGER PRIMARY KEY CHECK (id = 1), task INTEGER NOT NULL, task_count INTEGER NOT NULL);
                CREATE TABLE runtime_relay_lease(id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, until_ms INTEGER NOT NULL);
                CREATE TABLE runtime_dead_lettered(topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
                  PRIMARY KEY(topic, partition, offset)) WITHOUT ROWID;
                """)
        }
        // How many writes that did not come from the consumer (HTTP, schedulers) the store holds:
        // with offsets, what says which of two copies of a task is further (TaskCheckpoints).
        m.registerMigration("runtime-v6-writes") { db in
            try db.execute(sql: "CREATE TABLE runtime_writes(id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL)")
        }
        // Markers from before the source was recorded (runtime-v3, source '') move to a table of
        // their own: a new event's marker is then one INSERT, with no read for a legacy marker of
        // its id unless such markers remain (`Inbox.claim`). They are forgotten at the replay
        // horizon like the others.
        m.registerMigration("runtime-v7-legacy-markers") { db in
            try db.execute(sql: """
                CREATE TABLE runtime_legacy_applied(event_id TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX runtime_legacy_applied_by_time ON runtime_legacy_applied(applied_at);
                INSERT OR IGNORE INTO runtime_legacy_applied(event_id, applied_at)
                  SELECT event_id, applied_at FROM runtime_applied_events WHERE source = '';
                DELETE FROM runtime_applied_events WHERE source = '';
                """)
        }
    }
}

/// Writes of a store that did not come from the consumer (`runtime_writes`).
public enum LocalWrites {
    public static func count(_ db: Database, schema: String = "main") throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT count FROM \(schema).runtime_writes WHERE id = 1") ?? 0
    }

    public static func increment(_ db: Database) throws {
        try db.executeCached(sql: "INSERT INTO runtime_writes(id, count) VALUES (1, 1) ON CONFLICT(id) DO UPDATE SET count = count + 1")
    }
}
