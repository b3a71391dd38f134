import Crypto
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

    /// What the applied-marker says of an event: events are identified by (`ce_source`, `ce_id`)
    /// (two producers may choose the same id), and the same identity with other content is a
    /// collision, not a re-delivery.
    public enum Seen: Equatable, Sendable { case new, applied, collision }

    /// `digest` is `Inbox.digest(of:)` of the payload. Markers from before the source was recorded
    /// (source `''`, no digest) still count as applied for their id.
    public static func seen(_ db: Database, source: String, eventID: String, digest: String) throws -> Seen {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT source, digest FROM runtime_applied_events WHERE event_id = ? AND source IN (?, '')
            """), arguments: [eventID, source])
        guard !rows.isEmpty else { return .new }
        for row in rows {
            let stored: String? = row[1]
            if stored == nil || stored == digest { return .applied }
        }
        return .collision
    }

    public static func isApplied(_ db: Database, source: String, eventID: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM runtime_applied_events WHERE event_id = ? AND source IN (?, '')"),
                          arguments: [eventID, source]) ?? false
    }

    public static func markApplied(_ db: Database, source: String, eventID: String, digest: String?, atMs: Int64) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO runtime_applied_events(event_id, source, digest, applied_at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [eventID, source, digest, atMs])
    }

    /// A short digest of a payload (SHA-256, 16 bytes, hex): a producer cannot make two payloads share one.
    public static func digest(of payload: [UInt8]) -> String {
        SHA256.hash(data: payload).prefix(16).map { String($0, radix: 16).leftPadded }.joined()
    }

    public static func setNextOffset(_ db: Database, topic: String, partition: Int32, next: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO runtime_offsets(topic, partition, next_offset) VALUES (?, ?, ?)
            ON CONFLICT(topic, partition) DO UPDATE SET next_offset = max(next_offset, excluded.next_offset)
            """).execute(arguments: [topic, partition, next])
    }

    /// Runs `body` in a savepoint (prepared once per connection, unlike `Database.inSavepoint`):
    /// a thrown error rolls back what `body` wrote and is rethrown.
    public static func inSavepoint<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT doudi_event").execute()
        do {
            let result = try body()
            try db.cachedStatement(sql: "RELEASE doudi_event").execute()
            return result
        } catch {
            try db.cachedStatement(sql: "ROLLBACK TO doudi_event").execute()
            try db.cachedStatement(sql: "RELEASE doudi_event").execute()
            throw error
        }
    }

    /// Count of applied events (metrics and tests).
    public static func appliedCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM runtime_applied_events") ?? 0
    }
}

private extension String {
    var leftPadded: String { count == 1 ? "0" + self : self }
}
