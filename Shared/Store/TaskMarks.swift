import GRDB

/// What a store knows of its place among a service's tasks (docs/scaling.md, "Tasks on a shared
/// data directory"): which task of how many it is, and which replica's relay holds its outbox.
public enum TaskMarks {
    /// The task a store was made for, written at its first opening: a store made for another
    /// count of tasks holds the state of other partitions and must not be used (`Mismatch`).
    public static func claim(_ db: Database, task: Int, count: Int) throws -> (task: Int, count: Int)? {
        if let row = try Row.fetchOne(db, sql: "SELECT task, task_count FROM runtime_task WHERE id = 1") {
            let found = (task: row[0] as Int, count: row[1] as Int)
            return found == (task, count) ? nil : found
        }
        try db.execute(sql: "INSERT INTO runtime_task(id, task, task_count) VALUES (1, ?, ?)", arguments: [task, count])
        return nil
    }

    /// Takes or renews the relay lease for `holder` until `untilMs`, unless another holder's lease
    /// runs past `nowMs`. Returns whether `holder` holds it now.
    public static func lease(_ db: Database, holder: String, nowMs: Int64, untilMs: Int64) throws -> Bool {
        try db.execute(sql: """
            INSERT INTO runtime_relay_lease(id, holder, until_ms) VALUES (1, ?1, ?2)
            ON CONFLICT(id) DO UPDATE SET holder = ?1, until_ms = ?2 WHERE holder = ?1 OR until_ms < ?3
            """, arguments: [holder, untilMs, nowMs])
        return db.changesCount > 0
    }

    /// Takes the lease from `previous` (a holder known to be gone), whatever its time.
    public static func takeOver(_ db: Database, from previous: String, holder: String, untilMs: Int64) throws -> Bool {
        try db.execute(sql: "UPDATE runtime_relay_lease SET holder = ?, until_ms = ? WHERE id = 1 AND holder = ?",
                       arguments: [holder, untilMs, previous])
        return db.changesCount > 0
    }

    /// Gives the lease up (the replica no longer owns the task, or it stops).
    public static func release(_ db: Database, holder: String) throws {
        try db.execute(sql: "UPDATE runtime_relay_lease SET until_ms = 0 WHERE id = 1 AND holder = ?", arguments: [holder])
    }

    /// The current holder and until when (nil: never leased).
    public static func holder(_ db: Database) throws -> (holder: String, untilMs: Int64)? {
        try Row.fetchOne(db, sql: "SELECT holder, until_ms FROM runtime_relay_lease WHERE id = 1").map { ($0[0], $0[1]) }
    }
}
