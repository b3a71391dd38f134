import Envelope
import GRDB
import Hummingbird
import Store

/// The runtime's entry point for writes that do not come from the consumer (HTTP handlers,
/// schedulers, operator actions): the state change and the events it publishes commit in one
/// store transaction, as the consumer's do, and the outbox relay is woken at once.
///
///     let approved = try await writer.write { db in
///         let result = try CountyApprovals.approve(db, ...)
///         return (result, result.events)
///     }
public struct StoreWriter: Sendable {
    public let store: ServiceStore
    let wake: WakeSignal
    let health: RuntimeHealth
    let tracer: Tracer
    /// How far the consumer's store has read each input topic (`ReadProgress.caughtUp(_:in:)`):
    /// a scheduler's decision that rests on the absence of a fact waits for its topic.
    public let progress: ReadProgress
    /// The task this writer's store is, and of how many (docs/scaling.md).
    public let task: Int, taskCount: Int

    /// Replicas with data directories of their own (`DOUDI_CHECKPOINT_EVERY`): this replica's file
    /// of a task it does not own is a stale copy, so a write to it is refused (`TaskNotOwned`).
    let ownerOnly: Bool

    init(store: ServiceStore, wake: WakeSignal, health: RuntimeHealth, tracer: Tracer, progress: ReadProgress,
         task: Int = 0, taskCount: Int = 1, ownerOnly: Bool = false) {
        self.store = store; self.wake = wake; self.health = health; self.tracer = tracer; self.progress = progress
        self.task = task; self.taskCount = taskCount; self.ownerOnly = ownerOnly
    }

    /// Whether this replica owns the task (is assigned some of its partitions); one task is
    /// always owned. Schedulers write only the tasks they own.
    public var owned: Bool {
        let task = task, count = taskCount
        // With checkpoints, even the one task is this replica's only while it is assigned partitions.
        if count == 1 && !ownerOnly { return true }
        return progress.assignment.contains { Int($0.partition) % count == task }
    }

    /// Whether this store has read `topic` to its end on the partitions of its task that this
    /// replica is assigned (`ReadProgress`).
    public func caughtUp(_ topic: String, in db: Database) throws -> Bool {
        let task = task, count = taskCount
        return try progress.caughtUp(topic, in: db, partitions: { Int($0) % count == task })
    }

    /// Runs `body` in one write transaction and appends the events it returns to the outbox in
    /// the same transaction. A thrown error rolls back both. `counted`: the write is state a
    /// checkpoint must carry (`runtime_writes`); the access audit's records are not (they stay with
    /// the replica's file, TaskCheckpoints).
    public func write<T: Sendable>(counted: Bool = true, _ body: @Sendable (Database) throws -> (T, [OutgoingEvent])) async throws -> T {
        if ownerOnly && !owned { throw TaskNotOwned(task: task, taskCount: taskCount) }
        let tracer = tracer, sealer = store.sealer
        let value: T
        do {
            value = try await store.pool.write { db -> T in
                if counted { try LocalWrites.increment(db) }
                var (value, events) = try body(db)
                tracer.stampRoots(&events)
                for out in events { try Outbox.enqueue(db, topic: out.topic, event: out.event, sealer: sealer) }
                return value
            }
        } catch {
            // A damaged store stops the service instead of answering 500 for ever.
            health.observe(error, storePath: store.path)
            throw error
        }
        wake.signal()
        return value
    }

    /// Reads in a snapshot (no events).
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await store.pool.read(body)
    }
}

/// A write to a task another replica owns, on a replica with a data directory of its own: 503, to
/// be retried (through the load balancer, it reaches the owner; or once the group has settled).
public struct TaskNotOwned: Error, CustomStringConvertible, HTTPResponseError {
    public var task: Int, taskCount: Int
    public var description: String {
        "task \(task) of \(taskCount) (the households of its partition) is owned by another replica, whose data directory holds it; retry"
    }
    public var status: HTTPResponse.Status { .serviceUnavailable }
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try HTTPError(.serviceUnavailable, headers: [.retryAfter: "1"], message: description).response(from: request, context: context)
    }
}
