import Crypto
import GRDB

/// The applied-marker: which input offsets and event ids a service has applied. Written in the
/// same transaction as the state change, so "applied" and "changed" can never disagree.
public enum Inbox {
    /// Next offset to apply for each partition of the given topics.
    public static func nextOffsets(_ db: Database) throws -> [String: [Int32: Int64]] {
        var out: [String: [Int32: Int64]] = [:]
        for row in try Row.fetchAll(cached: db, sql: "SELECT topic, partition, next_offset FROM runtime_offsets") {
            out[row[0], default: [:]][row[1]] = row[2]
        }
        return out
    }

    /// What the applied-marker says of an event: events are identified by (`ce_source`, `ce_id`)
    /// (two producers may choose the same id), and the same identity with other content is a
    /// collision, not a re-delivery. Markers from before the source was recorded (issue 13) are
    /// kept apart, in `runtime_legacy_applied`, and count as applied for their id.
    public enum Seen: Equatable, Sendable { case new, applied, collision }

    /// Claims an event for this transaction: records its applied-marker unless one is there, and
    /// says what was there. `.new` means the marker was written now (in the caller's savepoint, so
    /// it goes if the event's changes go). One statement for a new event, which is nearly every
    /// event: a SELECT and then an INSERT were 16 % of the no-op service's CPU (docs/benchmarks.md).
    /// `digest` is `Inbox.digest(of:)` of the payload. `legacy`: whether the store still holds
    /// markers from before the source was recorded (`hasLegacyMarkers`), which count as applied for
    /// their id whatever the source.
    public static func claim(_ db: Database, source: String, eventID: String, digest: String, atMs: Int64, legacy: Bool) throws -> Seen {
        // A legacy marker answers first, and no marker is written for it: a later re-send of that
        // id is judged as it was before (applied for its id), and the horizon still forgets it.
        if legacy, try isLegacyApplied(db, eventID: eventID) { return .applied }
        try db.cachedStatement(sql: """
            INSERT INTO runtime_applied_events(event_id, source, digest, applied_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
            """).execute(arguments: [eventID, source, digest, atMs])
        if db.changesCount > 0 { return .new }
        let stored = try Row.fetchOne(db.cachedStatement(sql: "SELECT digest FROM runtime_applied_events WHERE event_id = ? AND source = ?"),
                                      arguments: [eventID, source])
        let known: String? = stored?[0]
        return known == nil || known == digest ? .applied : .collision
    }

    /// Whether markers from before the source was recorded remain (until the replay horizon
    /// forgets them): asked once per transaction.
    public static func hasLegacyMarkers(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM runtime_legacy_applied)")) ?? false
    }

    private static func isLegacyApplied(_ db: Database, eventID: String) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM runtime_legacy_applied WHERE event_id = ?"), arguments: [eventID]) ?? false
    }

    public static func isApplied(_ db: Database, source: String, eventID: String) throws -> Bool {
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM runtime_applied_events WHERE event_id = ? AND source = ?"),
                             arguments: [eventID, source]) ?? false { return true }
        return try isLegacyApplied(db, eventID: eventID)
    }

    public static func markApplied(_ db: Database, source: String, eventID: String, digest: String?, atMs: Int64) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO runtime_applied_events(event_id, source, digest, applied_at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [eventID, source, digest, atMs])
    }

    /// A short digest of a payload (SHA-256, 16 bytes, hex): a producer cannot make two payloads share one.
    public static func digest(of payload: [UInt8]) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(32)
        for byte in SHA256.hash(data: payload).prefix(16) {
            hex.append(hexDigits[Int(byte >> 4)]); hex.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// An input sent to the dead letters: it has no applied-marker, and a replica that reads it
    /// again below the store's next offset (a takeover, a retried batch) must know it was handled.
    public static func markDeadLettered(_ db: Database, topic: String, partition: Int32, offset: Int64) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO runtime_dead_lettered(topic, partition, offset) VALUES (?, ?, ?)")
            .execute(arguments: [topic, partition, offset])
    }

    public static func wasDeadLettered(_ db: Database, topic: String, partition: Int32, offset: Int64) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM runtime_dead_lettered WHERE topic = ? AND partition = ? AND offset = ?"),
                          arguments: [topic, partition, offset]) ?? false
    }

    /// Raises a partition's next offset; `lastEventID` is the `ce_id` of the message at `next - 1`
    /// (nil when it had none), checked against the log when the partition is assigned again.
    public static func setNextOffset(_ db: Database, topic: String, partition: Int32, next: Int64, lastEventID: String? = nil) throws {
        try db.cachedStatement(sql: """
            INSERT INTO runtime_offsets(topic, partition, next_offset, last_event_id) VALUES (?, ?, ?, ?)
            ON CONFLICT(topic, partition) DO UPDATE SET
              last_event_id = CASE WHEN excluded.next_offset > next_offset THEN excluded.last_event_id ELSE last_event_id END,
              next_offset = max(next_offset, excluded.next_offset)
            """).execute(arguments: [topic, partition, next, lastEventID])
    }

    /// Per partition: the next offset and the id of the event applied just before it, if known.
    public static func lastApplied(_ db: Database) throws -> [String: [Int32: (next: Int64, lastEventID: String?)]] {
        var out: [String: [Int32: (next: Int64, lastEventID: String?)]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT topic, partition, next_offset, last_event_id FROM runtime_offsets") {
            out[row[0], default: [:]][row[1]] = (row[2], row[3])
        }
        return out
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

    /// Forgets the ids of events applied before `cutoffMs` (the replay horizon, `DOUDI_DEDUPE_HORIZON`).
    /// Offsets still recognise every re-delivery of the topics read (a message below a partition's
    /// next offset is never applied twice); the ids catch the same event re-sent at a new offset,
    /// which happens within the horizon (an outbox re-send after a crash, a re-drive, a replay of
    /// another topic). Deletes in slices so that the consumer's transactions are not held up.
    /// Returns how many ids were forgotten.
    @discardableResult
    public static func prune(_ db: Database, appliedBeforeMs cutoffMs: Int64, limit: Int = 10_000) throws -> Int {
        try db.execute(sql: """
            DELETE FROM runtime_applied_events WHERE (event_id, source) IN
              (SELECT event_id, source FROM runtime_applied_events WHERE applied_at < ? ORDER BY applied_at LIMIT ?)
            """, arguments: [cutoffMs, limit])
        let forgotten = db.changesCount
        try db.execute(sql: """
            DELETE FROM runtime_legacy_applied WHERE event_id IN
              (SELECT event_id FROM runtime_legacy_applied WHERE applied_at < ? ORDER BY applied_at LIMIT ?)
            """, arguments: [cutoffMs, limit])
        return forgotten + db.changesCount
    }

    /// Sets a partition's next offset exactly (an operator's re-baseline; the consumer only ever raises it).
    public static func resetNextOffset(_ db: Database, topic: String, partition: Int32, next: Int64) throws {
        try db.execute(sql: """
            INSERT INTO runtime_offsets(topic, partition, next_offset, last_event_id) VALUES (?, ?, ?, NULL)
            ON CONFLICT(topic, partition) DO UPDATE SET next_offset = excluded.next_offset, last_event_id = NULL
            """, arguments: [topic, partition, next])
    }

    /// Count of applied events (metrics and tests).
    public static func appliedCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM runtime_applied_events") ?? 0
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
