import Envelope
import Foundation
import GRDB
import Kafka
import Store

/// Dead letters: the original bytes, key and headers, plus where they came from and why.
public enum DeadLetter {
    public static var topic: String { Topics.deadletter }

    /// Errors that re-trying cannot fix: the message itself is bad.
    static func isPoison(_ error: Error) -> Bool {
        switch error {
        case is PoisonMessage, is EnvelopeError, is DecodingError: return true
        case let db as DatabaseError:
            // Constraint violations come from the data; busy/locked/io are transient.
            return db.resultCode == .SQLITE_CONSTRAINT
        default: return false
        }
    }

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
        try Outbox.enqueue(db, topic: topic, key: message.key, value: message.value,
                           headers: headers(for: message, service: service, reason: reason, nowMs: nowMs),
                           eventID: "dlq:\(message.topic):\(message.partition):\(message.offset)", sealer: sealer)
    }
}
