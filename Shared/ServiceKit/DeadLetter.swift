import Envelope
import Foundation
import GRDB
import Kafka
import Store

/// Dead letters: the original bytes, key and headers, plus where they came from and why.
///
/// A dead letter's value is capped (`maxValueBytes`): an input too large for the suite must not
/// become an outbox row too large for the broker (which blocked a service's relay for ever). A
/// capped letter says so (`dlq_value_bytes`, `dlq_value_truncated`); its whole original is still at
/// `dlq_original_topic/partition/offset`, or, for an outgoing event, in the service's store
/// (`runtime_outbox_quarantine`).
public enum DeadLetter {
    public static var topic: String { Topics.deadletter }
    public static let maxValueBytes = 256 * 1024

    /// Errors that re-trying cannot fix: the message itself is bad.
    static func isPoison(_ error: Error) -> Bool { FailureClass.of(error) == .poison }

    public static func headers(for message: KafkaMessage, service: String, reason: String, nowMs: Int64) -> [(String, [UInt8])] {
        var h = message.headers.filter { !$0.key.hasPrefix("dlq_") }.map { ($0.key, $0.value) }
        func add(_ k: String, _ v: String) { h.append((k, Array(v.utf8))) }
        add("dlq_original_topic", message.topic)
        add("dlq_original_partition", String(message.partition))
        add("dlq_original_offset", String(message.offset))
        add("dlq_service", service)
        add("dlq_error", String(reason.prefix(500)))
        add("dlq_time", Timestamp.rfc3339(milliseconds: nowMs))
        return h
    }

    static func enqueue(_ db: Database, message: KafkaMessage, service: String, reason: String, nowMs: Int64, sealer: Sealer) throws {
        var headers = headers(for: message, service: service, reason: reason, nowMs: nowMs)
        let value = capped(message.value, headers: &headers)
        try Outbox.enqueue(db, topic: topic, key: message.key, value: value, headers: headers,
                           eventID: "dlq:\(message.topic):\(message.partition):\(message.offset)", sealer: sealer)
    }

    /// An outgoing event no broker will take: its letter, in the transaction that quarantines it.
    static func enqueueQuarantined(_ db: Database, row: OutboxMessage, service: String, reason: String, nowMs: Int64, sealer: Sealer) throws {
        var h = row.headers.filter { !$0.0.hasPrefix("dlq_") }
        func add(_ k: String, _ v: String) { h.append((k, Array(v.utf8))) }
        add("dlq_stage", "outbox")
        add("dlq_original_topic", row.topic)
        add("dlq_service", service)
        add("dlq_error", String(reason.prefix(500)))
        add("dlq_time", Timestamp.rfc3339(milliseconds: nowMs))
        add("dlq_quarantine_seq", String(row.seq))
        let value = capped(row.value, headers: &h)
        try Outbox.enqueue(db, topic: topic, key: row.key, value: value, headers: h, eventID: "dlq:outbox:\(row.eventID)", sealer: sealer)
    }

    private static func capped(_ value: [UInt8], headers: inout [(String, [UInt8])]) -> [UInt8] {
        guard value.count > maxValueBytes else { return value }
        headers.append(("dlq_value_bytes", Array(String(value.count).utf8)))
        headers.append(("dlq_value_truncated", Array("true".utf8)))
        return Array(value.prefix(maxValueBytes))
    }
}
