import Envelope
import GRDB
import Kafka
import Store

/// What a service does with one input event, inside the runtime's store transaction.
///
/// The runtime calls `process` within one SQLite transaction that also records the outbox rows
/// and the applied-marker; a thrown `PoisonMessage` (or a decoding error) rolls back this
/// event's changes only and sends it to `deadletter`. Any other error is treated as transient:
/// the whole batch is retried with backoff and nothing is skipped.
public protocol EventProcessor: Sendable {
    /// The service name, used for the store file, `ce_source` (`/doudi/<name>`) and metrics.
    var name: String { get }
    var inputTopics: [String] { get }
    /// The service's own tables (the runtime's are migrated first).
    func registerMigrations(_ migrator: inout DatabaseMigrator)
    func process(_ event: CloudEvent, in context: ProcessingContext) throws -> [OutgoingEvent]
    /// Called once per batch, after its last event and in the same transaction: for what a
    /// service gathers over a batch and publishes once (the matcher's one profile version per
    /// household for a run of outcomes). An error retries the whole batch.
    func finishBatch(in context: BatchContext) throws -> [OutgoingEvent]
    /// Whether `finishBatch` also runs while no input arrives (about twice a second): for work a
    /// batch left waiting on another topic being read to its end (`BatchContext.readToEnd`).
    var finishesWhenIdle: Bool { get }
    /// Whether every input topic is keyed by the entity whose state it changes, alike, so that the
    /// state splits by partition into tasks (`DOUDI_TASKS` > 1, docs/scaling.md). A service whose
    /// events read state of other keys (the matcher places people of several households) says no.
    var partitionedState: Bool { get }
    /// Types (`ce_type`) on the input topics the service has no use for, such as the router's
    /// escalations on `assistance.outcomes` for the matcher: the runtime reads past them — their
    /// offsets move with the batch — without applying them (no decoding, savepoint or
    /// applied-marker: they change nothing, so there is nothing to recognise when one comes again).
    var ignoredTypes: Set<String> { get }
    /// The most the store's writer keeps of its pages in memory, unless `DOUDI_STORE_CACHE` says
    /// otherwise. The runtime's default (16 MiB) holds a small service's working set; a service
    /// that reads back large state on every event (the classifier's histories, the matcher's
    /// registry, the router's referrals) asks for more.
    var storeCacheBytes: Int { get }
}

extension EventProcessor {
    public func finishBatch(in context: BatchContext) throws -> [OutgoingEvent] { [] }
    public var finishesWhenIdle: Bool { false }
    public var partitionedState: Bool { false }
    public var ignoredTypes: Set<String> { [] }
    public var storeCacheBytes: Int { ServiceStore.defaultWriterCacheBytes }
}

/// What `finishBatch` may use: the batch's open transaction.
public struct BatchContext {
    public let db: Database
    public let source: String
    let caughtUp: (String) -> Bool

    public init(db: Database, source: String, caughtUp: @escaping (String) -> Bool = { _ in true }) {
        self.db = db; self.source = source; self.caughtUp = caughtUp
    }

    /// Whether the store has applied every record of `topic` the broker holds (`ReadProgress`).
    public func readToEnd(_ topic: String) -> Bool { caughtUp(topic) }
}

/// An event to publish through the outbox.
public struct OutgoingEvent: Sendable {
    public var topic: String
    public var event: CloudEvent
    public init(topic: String, event: CloudEvent) { self.topic = topic; self.event = event }
}

/// The input cannot be applied, now or ever: dead-letter it with this reason.
/// The reason must not contain personal data (it is written to a header and logs).
public struct PoisonMessage: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }

    /// One producer's id re-used for other content (`Inbox.Seen.collision`).
    static func collision(source: String, id: String) -> PoisonMessage {
        PoisonMessage("event id collision: ce_source \(source.prefix(80)) already published ce_id \(id.prefix(80)) with other content")
    }
}

/// What `process` may use: the open transaction, the message's coordinates, and helpers to
/// build derived events with deterministic ids.
public struct ProcessingContext {
    public let db: Database
    public let message: KafkaMessage
    /// Event time of the input (its `ce_time`, else the broker timestamp): decisions depend on
    /// event time, never on the wall clock, so that a replay decides the same.
    public let eventTime: String
    public let source: String
    let caughtUp: (String) -> Bool

    public init(db: Database, message: KafkaMessage, eventTime: String, source: String,
                caughtUp: @escaping (String) -> Bool = { _ in true }) {
        self.db = db; self.message = message; self.eventTime = eventTime; self.source = source; self.caughtUp = caughtUp
    }

    /// Whether the store has applied every record of `topic` the broker holds, this event included
    /// (`ReadProgress`): a decision that rests on the absence of a fact on `topic` waits for it.
    public func readToEnd(_ topic: String) -> Bool { caughtUp(topic) }

    /// A derived event: its id is a function of the cause's id and `discriminator`.
    public func derive<T: Encodable>(from cause: CloudEvent, type: String, discriminator: String,
                                     subject: String?, key: String?, payload: T) throws -> CloudEvent {
        try CloudEvent.make(id: EventID.derived(cause.id, type, discriminator), source: source, type: type,
                            time: eventTime, subject: subject, key: key, causationID: cause.id, payload: payload)
    }
}
