import Foundation
import GRDB
import Envelope
import Kafka

/// What `/healthz` and `/readyz` report, from what the runtime saw (not from a timer's hope):
/// a batch retrying beyond its budget, an outbox whose oldest event has waited too long, a store
/// that failed. Readiness fails with the reason; liveness fails only once the store is unusable
/// (the service is then stopping with the same message).
public final class RuntimeHealth: @unchecked Sendable {
    struct Failure { var since: ContinuousClock.Instant; var attempts: Int; var reason: String }

    private let lock = NSLock()
    private let retryBudget: Int
    private let outboxMaxAge: Duration
    private var consumer: Failure?
    private var relay: Failure?
    /// Per task (docs/scaling.md): the oldest row waiting in that task's outbox, and since when.
    private var outboxHeads: [Int: (seq: Int64, since: ContinuousClock.Instant)] = [:]
    private var fatalReason: String?

    init(retryBudget: Int, outboxMaxAge: Duration) { self.retryBudget = retryBudget; self.outboxMaxAge = outboxMaxAge }

    func batchFailed(attempt: Int, reason: String) {
        lock.withLock { consumer = Failure(since: consumer?.since ?? .now, attempts: attempt, reason: reason) }
    }
    func batchSucceeded() { lock.withLock { consumer = nil } }

    func relayFailed(reason: String) {
        lock.withLock { relay = Failure(since: relay?.since ?? .now, attempts: (relay?.attempts ?? 0) + 1, reason: reason) }
    }
    func relaySucceeded() { lock.withLock { relay = nil } }

    /// The relay's view of a task's outbox: the oldest row waiting (nil when empty, or when this
    /// replica does not publish that task's outbox).
    func outboxHead(seq: Int64?, task: Int = 0) {
        lock.withLock {
            guard let seq else { outboxHeads[task] = nil; return }
            if outboxHeads[task]?.seq != seq { outboxHeads[task] = (seq, .now) }
        }
    }

    /// The store (or the broker's log) is in a state the service must not work on.
    func fail(_ reason: String) { lock.withLock { if fatalReason == nil { fatalReason = reason } } }
    public var fatal: String? { lock.withLock { fatalReason } }

    /// Records a store error seen outside the consumer (an HTTP handler's write): a damaged store stops the service.
    func observe(_ error: Error, storePath: String) {
        if FailureClass.of(error) == .fatal { fail(RuntimeFailure.storeDamaged(path: storePath, detail: Self.brief(error)).description) }
    }

    /// An error in a line: SQLite's code and message without the statement.
    static func brief(_ error: Error) -> String {
        if let db = error as? DatabaseError { return "SQLite error \(db.resultCode.rawValue): \(db.message ?? "")" }
        return "\(error)"
    }

    public func liveness() -> (ok: Bool, detail: String) {
        if let f = fatal { return (false, f) }
        return (true, "ok")
    }

    /// `split`: a store whose partitions this replica shares with another (`ReadProgress.split`).
    public func readiness(assigned: Bool, split: ReadProgress.SplitStore? = nil) -> (ready: Bool, detail: String) {
        lock.lock(); defer { lock.unlock() }
        var reasons: [String] = []
        if let f = fatalReason { reasons.append(f) }
        if let c = consumer, c.attempts >= retryBudget {
            reasons.append("a batch has failed \(c.attempts) times over \(Self.seconds(.now - c.since)): \(c.reason)")
        }
        if let head = outboxHeads.values.min(by: { $0.since < $1.since }), ContinuousClock.now - head.since > outboxMaxAge {
            var r = "the oldest outbox event has waited \(Self.seconds(.now - head.since)) (limit \(Self.seconds(outboxMaxAge)))"
            if let rf = relay { r += "; publishing fails: \(rf.reason)" }
            reasons.append(r)
        }
        if !assigned { reasons.append("waiting for partition assignment") }
        if let split { reasons.append(split.description) }
        return reasons.isEmpty ? (true, "ready") : (false, reasons.joined(separator: "\n"))
    }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return s < 10 ? String(format: "%.1f s", s) : "\(Int(s)) s"
    }
}

/// How the runtime treats an error thrown while applying a message.
enum FailureClass: Equatable {
    /// The message itself is bad: dead-letter it at once.
    case poison
    /// The store or the system is busy, locked, full: retry for ever (readiness says so).
    case transient
    /// The store is damaged: stop the service with a clear message.
    case fatal
    /// Anything else (a bug, a dependency): retry up to the budget, then dead-letter the message.
    case unknown

    static func of(_ error: Error) -> FailureClass {
        switch error {
        case is PoisonMessage, is EnvelopeError, is DecodingError: return .poison
        case is RuntimeFailure, is TaskFailure: return .fatal
        case let db as DatabaseError:
            switch db.resultCode {
            case .SQLITE_CONSTRAINT: return .poison
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .fatal
            case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_NOMEM, .SQLITE_CANTOPEN,
                 .SQLITE_PROTOCOL, .SQLITE_INTERRUPT, .SQLITE_READONLY:
                return .transient
            default: return .unknown
            }
        default: return .unknown
        }
    }
}

/// Conditions that stop a service with a message an operator can act on.
enum RuntimeFailure: Error, CustomStringConvertible {
    static func wayOut(topic: String, path: String) -> String {
        "the broker's log is behind the store (the topic was recreated, or the broker lost its data). "
            + "The service stopped rather than skip new events as already applied. Re-baseline the store on the new log with "
            + "`doudi store rebaseline --store \(path) --topic \(topic)`, or rebuild the store by replay "
            + "(docs/operations.md, \"The broker lost a topic\")."
    }

    case storeDamaged(path: String, detail: String)
    case brokerBehindStore(topic: String, partition: Int32, offset: Int64, storeNext: Int64, storePath: String)
    case brokerLostEvents(topic: String, partition: Int32, storeNext: Int64, waited: Duration, storePath: String)

    var description: String {
        switch self {
        case .storeDamaged(let path, let detail):
            return "the store \(path) is damaged (\(detail.prefix(200))); the service stopped. "
                + "Restore it from a backup or rebuild it by replay (docs/operations.md, \"A damaged store\")."
        case .brokerBehindStore(let topic, let partition, let offset, let next, let path):
            return "\(topic)[\(partition)] delivered offset \(offset), not the event the store applied there (its next offset is \(next)): "
                + Self.wayOut(topic: topic, path: path)
        case .brokerLostEvents(let topic, let partition, let next, let waited, let path):
            return "\(topic)[\(partition)] did not deliver offset \(next - 1), the last event the store applied, within "
                + "\(RuntimeHealth.seconds(waited)): " + Self.wayOut(topic: topic, path: path)
        }
    }
}
