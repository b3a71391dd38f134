import GRDB

/// The applied-marker: which input offsets and event ids a service has applied. Written in the
/// same transaction as the state change, so "applied" and "changed" can never disagree.
public enum Inbox {
    /// Next offset to apply for each partition of the given topics.
    public static func nextOffsets(_ db: Database) throws -> [String: [Int32: Int64]] {
        var out: [String: [Int32: Int64]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT topic, partition, next_offset FROM runtime_offsets") {
            out[row[0], default: [:]][row[1]] = row[2]
        }
        return out
    }

    public static func isApplied(_ db: Database, eventID: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM runtime_applied_events WHERE event_id = ?", arguments: [eventID]) ?? false
    }

    public static func markApplied(_ db: Database, eventID: String, atMs: Int64) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO runtime_applied_events(event_id, applied_at) VALUES (?, ?)",
                       arguments: [eventID, atMs])
    }

    public static func setNextOffset(_ db: Database, topic: String, partition: Int32, next: Int64) throws {
        try db.execute(sql: """
            INSERT INTO runtime_offsets(topic, partition, next_offset) VALUES (?, ?, ?)
            ON CONFLICT(topic, partition) DO UPDATE SET next_offset = max(next_offset, excluded.next_offset)
            """, arguments: [topic, partition, next])
    }

    /// Count of applied events (metrics and tests).
    public static func appliedCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM runtime_applied_events") ?? 0
    }
}
