import Foundation
import Kafka
import Logging
import Store

/// Publishes outbox rows in order and deletes those the broker acknowledged.
///
/// A crash between the acknowledgement and the delete re-sends those rows on restart: the
/// events keep their deterministic `ce_id`, and consumers recognise them as already applied.
final class OutboxRelay: Sendable {
    let store: ServiceStore
    let producer: KafkaProducer
    let metrics: ServiceMetrics
    let wake: WakeSignal
    let logger: Logger
    let batchSize: Int

    init(store: ServiceStore, producer: KafkaProducer, metrics: ServiceMetrics, wake: WakeSignal, logger: Logger, batchSize: Int = 2000) {
        self.store = store; self.producer = producer; self.metrics = metrics; self.wake = wake
        self.logger = logger; self.batchSize = batchSize
    }

    /// Publishes until `shouldStop` is true and the outbox is empty (or `drainDeadline` passes).
    func run(shouldStop: @Sendable () -> Bool, drainTimeout: Duration = .seconds(20)) async {
        var delay = Duration.milliseconds(100)
        var stopDeadline: ContinuousClock.Instant?
        while true {
            if shouldStop() && stopDeadline == nil { stopDeadline = .now + drainTimeout }
            if let d = stopDeadline, ContinuousClock.now > d { logger.warning("outbox not drained before shutdown; it resumes at next start"); return }
            do {
                let sent = try await publishOnce()
                delay = .milliseconds(100)
                if sent == 0 {
                    if stopDeadline != nil { return }
                    await wake.wait(timeout: .milliseconds(200))
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("outbox publish failed, retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }

    /// One round: read, publish, delete. Returns how many were published.
    func publishOnce() async throws -> Int {
        let limit = batchSize
        let sealer = store.sealer
        let (rows, backlog) = try await store.pool.read { db in (try Outbox.pending(db, limit: limit, sealer: sealer), try Outbox.backlog(db)) }
        metrics.outboxBacklog.set(Int64(backlog))
        guard let last = rows.last else { return 0 }
        try await producer.send(rows.map {
            OutgoingMessage(topic: $0.topic, key: $0.key, value: $0.value, headers: $0.headers.map { KafkaHeader(key: $0.0, value: $0.1) })
        })
        try await store.pool.write { db in try Outbox.remove(db, throughSeq: last.seq) }
        metrics.published.increment(by: Int64(rows.count))
        metrics.outboxBacklog.set(Int64(backlog - rows.count))
        return rows.count
    }
}

/// A wake-up with at most one pending signal and one waiter (the relay). The waiter is resumed by
/// the signal itself, not by polling: ten idle services polling every few milliseconds cost the
/// pipeline a noticeable share of two cores.
final class WakeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: (generation: UInt64, continuation: CheckedContinuation<Void, Never>)?
    private var generation: UInt64 = 0
    /// The latest wait whose timeout fired before it had parked (it must not park then).
    private var expired: UInt64 = 0

    func signal() {
        lock.lock()
        if let w = waiter {
            waiter = nil
            lock.unlock()
            w.continuation.resume()
            return
        }
        pending = true
        lock.unlock()
    }

    /// Returns at the next signal (at once if one is pending), or after `timeout`.
    func wait(timeout: Duration) async {
        let mine: UInt64 = lock.withLock { generation &+= 1; return generation }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.expire(mine)
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if pending || expired >= mine {
                pending = false
                lock.unlock()
                c.resume()
                return
            }
            waiter = (mine, c)
            lock.unlock()
        }
        timer.cancel()
    }

    private func expire(_ g: UInt64) {
        lock.lock()
        guard let w = waiter, w.generation == g else { expired = max(expired, g); lock.unlock(); return }
        waiter = nil
        lock.unlock()
        w.continuation.resume()
    }
}
