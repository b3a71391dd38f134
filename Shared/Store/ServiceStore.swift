import Envelope
import Foundation
import GRDB

/// One SQLite database per service (WAL), with the runtime's own tables (applied markers and
/// the outbox) migrated before the service's. No service reads another's store.
public final class ServiceStore: Sendable {
    public let pool: DatabasePool
    public let path: String

    /// - Parameters:
    ///   - synchronousFull: `synchronous=FULL` makes a commit survive power loss, not only a crash;
    ///     Kafka offsets are committed after the store, so the default is FULL.
    public init(path: String, synchronousFull: Bool = true, migrations: (inout DatabaseMigrator) -> Void = { _ in }) throws {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.maximumReaderCount = 3
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronousFull ? "FULL" : "NORMAL")")
        }
        pool = try DatabasePool(path: path, configuration: config)
        try Self.migrate(pool, migrations: migrations)
    }

    /// The runtime's tables, then the service's: what a service store holds, on any GRDB writer
    /// (an in-memory `DatabaseQueue` for in-process tests of a processor).
    public static func migrate(_ writer: some DatabaseWriter, migrations: (inout DatabaseMigrator) -> Void) throws {
        var migrator = DatabaseMigrator()
        RuntimeSchema.register(&migrator)
        migrations(&migrator)
        try migrator.migrate(writer)
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
    }
}
