import Envelope
import Foundation
import GRDB
import Kafka
import Store

/// A processor run in-process on an in-memory SQLite database (GRDB `DatabaseQueue`): each
/// delivery is applied as the consumer loop applies it — state, derived events and the applied
/// marker in one transaction, a re-delivered event id a no-op, `finishBatch` after each batch —
/// without Kafka or a process. For fast tests of a processor's decisions in any delivery order
/// (docs/architecture.md "Convergence"); the process-level tests keep covering the runtime.
public final class InProcessPipeline {
    public let processor: any EventProcessor
    public let db: DatabaseQueue
    /// Everything the processor published, in order.
    public private(set) var published: [OutgoingEvent] = []
    private var offsets: [String: Int64] = [:]
    private let source: String
    /// How many records each topic holds, for a replay: the input is on the topics from the start,
    /// and `readToEnd(topic)` says whether that many were delivered. Topics not named here always
    /// count as read to their end (a live run that reads each record as it is produced).
    public var topicEnds: [String: Int64] = [:]

    public init(_ processor: any EventProcessor) throws {
        self.processor = processor
        db = try ServiceStore.inMemory { processor.registerMigrations(&$0) }
        source = "/doudi/\(processor.name)"
    }

    /// Applies one batch of events (each on its topic) in one transaction, as the consumer loop
    /// does; returns what the batch published. A `PoisonMessage` or decoding error is rethrown
    /// (the runtime would dead-letter it) after rolling back that event only.
    @discardableResult
    public func deliver(_ batch: [(topic: String, event: CloudEvent)]) throws -> [OutgoingEvent] {
        let processor = processor, source = source, ends = topicEnds
        var offsets = offsets
        let out = try db.write { db -> [OutgoingEvent] in
            var out: [OutgoingEvent] = []
            for (topic, event) in batch {
                let offset = offsets[topic, default: 0]
                offsets[topic] = offset + 1
                if processor.ignoredTypes.contains(event.type) { continue }  // read past, as the consumer loop does
                // The consumer loop's rule: the marker is claimed first; a re-delivery is skipped,
                // the same (ce_source, ce_id) with other content refused.
                switch try Inbox.claim(db, source: event.source, eventID: event.id, digest: Inbox.digest(of: event.data), atMs: 0, legacy: false) {
                case .applied: continue
                case .collision: throw PoisonMessage.collision(source: event.source, id: event.id)
                case .new: break
                }
                let message = KafkaMessage(topic: topic, partition: 0, offset: offset, key: event.key.map { Array($0.utf8) },
                                           value: event.data, headers: event.headers.map { KafkaHeader($0.0, $0.1) })
                let read = offsets
                let context = ProcessingContext(db: db, message: message, eventTime: event.time, source: source,
                                                caughtUp: { t in ends[t].map { read[t, default: 0] >= $0 } ?? true })
                out += try processor.process(event, in: context)
            }
            let read = offsets
            out += try processor.finishBatch(in: BatchContext(db: db, source: source,
                                                              caughtUp: { t in ends[t].map { read[t, default: 0] >= $0 } ?? true }))
            return out
        }
        self.offsets = offsets
        published += out
        return out
    }

    /// One event, in a batch of its own.
    @discardableResult
    public func deliver(_ event: CloudEvent, on topic: String) throws -> [OutgoingEvent] {
        try deliver([(topic, event)])
    }

    public func read<T>(_ body: (Database) throws -> T) throws -> T { try db.read(body) }
}
