import Envelope
import Foundation
import GRDB

/// A message waiting in the transactional outbox.
public struct OutboxMessage: Sendable {
    /// What the record weighs on the wire, as the producer's `message.max.bytes` counts it (near enough).
    public var wireBytes: Int { value.count + (key?.count ?? 0) + headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.count + 8 } }

    public var seq: Int64
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [(String, [UInt8])]
    public var eventID: String
}

/// The transactional outbox: outgoing events are rows written in the same transaction as the
/// state that caused them; the relay publishes them and deletes what the broker acknowledged.
/// Payloads (names, identity numbers, phones of submissions, referrals, dead letters) are sealed
/// while they wait (`Sealer`, bound to the event id).
public enum Outbox {
    public static func enqueue(_ db: Database, topic: String, event: CloudEvent, sealer: Sealer) throws {
        try enqueue(db, topic: topic, key: event.key.map { Array($0.utf8) }, value: event.data,
                    headers: event.headers.map { ($0.0, Array($0.1.utf8)) }, eventID: event.id, sealer: sealer)
    }

    public static func enqueue(_ db: Database, topic: String, key: [UInt8]?, value: [UInt8],
                               headers: [(String, [UInt8])], eventID: String, sealer: Sealer) throws {
        try db.cachedStatement(sql: "INSERT INTO runtime_outbox(topic, key, value, headers, event_id) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [topic, key.map { Data($0) }, Data(sealer.seal(value, aad: aad(eventID))), encodeHeaders(headers), eventID])
    }

    static func aad(_ eventID: String) -> String { "runtime_outbox/" + eventID }

    public static func pending(_ db: Database, limit: Int, sealer: Sealer) throws -> [OutboxMessage] {
        try Row.fetchAll(cached: db, sql: "SELECT seq, topic, key, value, headers, event_id FROM runtime_outbox ORDER BY seq LIMIT ?",
                         arguments: [limit]).map { row in
            let key: Data? = row[2]
            let value: Data = row[3]
            let headers: Data = row[4]
            let eventID: String = row[5]
            return OutboxMessage(seq: row[0], topic: row[1], key: key.map { Array($0) },
                                 value: Array(try sealer.openOrLegacy(value, aad: aad(eventID))),
                                 headers: decodeHeaders(headers), eventID: eventID)
        }
    }

    public static func remove(_ db: Database, throughSeq seq: Int64) throws {
        try db.executeCached(sql: "DELETE FROM runtime_outbox WHERE seq <= ?", arguments: [seq])
    }

    /// Deletes exactly these rows (a relay that sent rows other than the outbox's head).
    public static func remove(_ db: Database, seqs: [Int64]) throws {
        for seq in seqs { try db.executeCached(sql: "DELETE FROM runtime_outbox WHERE seq = ?", arguments: [seq]) }
    }

    /// Deletes one row (the relay's quarantine of a record no broker will take).
    public static func remove(_ db: Database, seq: Int64) throws {
        try db.execute(sql: "DELETE FROM runtime_outbox WHERE seq = ?", arguments: [seq])
    }

    /// Moves a row that can never be published into `runtime_outbox_quarantine`, whole, with why.
    /// The value stays sealed there (bound to `runtime_outbox_quarantine/<event id>`).
    public static func quarantine(_ db: Database, _ message: OutboxMessage, reason: String, nowMs: Int64, sealer: Sealer) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO runtime_outbox_quarantine(seq, topic, key, value, headers, event_id, reason, quarantined_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [message.seq, message.topic, message.key.map { Data($0) },
                             Data(sealer.seal(message.value, aad: "runtime_outbox_quarantine/" + message.eventID)),
                             encodeHeaders(message.headers), message.eventID, reason, nowMs])
        try remove(db, seq: message.seq)
    }

    public static func quarantined(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM runtime_outbox_quarantine") ?? 0
    }

    public static func backlog(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM runtime_outbox") ?? 0
    }

    /// Headers as length-prefixed binary (values may be arbitrary bytes, e.g. dead letters').
    /// Built in one buffer: appending to `Data` piece by piece cost 4 % of the no-op service's CPU.
    static func encodeHeaders(_ headers: [(String, [UInt8])]) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(headers.reduce(0) { $0 + 8 + $1.0.utf8.count + $1.1.count })
        func put<C: Collection>(_ bytes: C) where C.Element == UInt8 {
            let n = UInt32(bytes.count)
            out.append(UInt8(truncatingIfNeeded: n >> 24)); out.append(UInt8(truncatingIfNeeded: n >> 16))
            out.append(UInt8(truncatingIfNeeded: n >> 8)); out.append(UInt8(truncatingIfNeeded: n))
            out.append(contentsOf: bytes)
        }
        for (k, v) in headers { put(k.utf8); put(v) }
        return Data(out)
    }

    static func decodeHeaders(_ data: Data) -> [(String, [UInt8])] {
        let bytes = [UInt8](data)
        var i = 0
        var out: [(String, [UInt8])] = []
        func take() -> [UInt8]? {
            guard i + 4 <= bytes.count else { return nil }
            let n = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            i += 4
            guard i + n <= bytes.count else { return nil }
            defer { i += n }
            return Array(bytes[i..<i + n])
        }
        while let k = take(), let v = take() { out.append((String(decoding: k, as: UTF8.self), v)) }
        return out
    }
}
