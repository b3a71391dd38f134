import Foundation
import Kafka
import Logging
import Store

/// Publishes outbox rows in order and deletes those the broker acknowledged.
///
/// A crash between the acknowledgement and the delete re-sends those rows on restart: the
/// events keep their deterministic `ce_id`, and consumers recognise them as already applied.
///
/// One bad row never blocks the rest: a row the producer or the broker refuses for a reason no
/// retry can fix (too large, malformed) is quarantined: moved whole to `runtime_outbox_quarantine`,
/// its capped letter sent to `deadletter`, `doudi_outbox_quarantined_total` raised; and the
/// acknowledged rows before a failure are deleted before any retry, so they are not re-sent.
final class OutboxRelay: Sendable {
    let store: ServiceStore
    let producer: KafkaProducer
    let metrics: ServiceMetrics
    let health: RuntimeHealth
    let wake: WakeSignal
    let logger: Logger
    let batchSize: Int
    let service: String
    let maxRecordBytes: Int

    init(store: ServiceStore, producer: KafkaProducer, metrics: ServiceMetrics, health: RuntimeHealth, wake: WakeSignal,
         logger: Logger, service: String, batchSize: Int = 2000,
         maxRecordBytes: Int = KafkaLimits.maxMessageBytes - KafkaLimits.recordOverheadBytes) {
        self.store = store; self.producer = producer; self.metrics = metrics; self.health = health; self.wake = wake
        self.logger = logger; self.service = service; self.batchSize = batchSize; self.maxRecordBytes = maxRecordBytes
    }

    /// Publishes until `shouldStop` is true and the outbox is empty (or `drainDeadline` passes).
    func run(shouldStop: @Sendable () -> Bool, drainTimeout: Duration = .seconds(20)) async {
        var delay = Duration.milliseconds(100)
        var stopDeadline: ContinuousClock.Instant?
        while true {
            if health.fatal != nil { return }
            if shouldStop() && stopDeadline == nil { stopDeadline = .now + drainTimeout }
            if let d = stopDeadline, ContinuousClock.now > d { logger.warning("outbox not drained before shutdown; it resumes at next start"); return }
            do {
                let sent = try await publishOnce()
                delay = .milliseconds(100)
                health.relaySucceeded()
                if sent == 0 {
                    if stopDeadline != nil { return }
                    await wake.wait(timeout: .milliseconds(200))
                }
            } catch is CancellationError {
                return
            } catch {
                health.relayFailed(reason: "\(error)")
                health.observe(error, storePath: store.path)
                logger.error("outbox publish failed, retrying", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }

    /// One round: read, publish, delete. Returns how many rows left the outbox (published or quarantined).
    func publishOnce() async throws -> Int {
        let limit = batchSize
        let sealer = store.sealer
        let (rows, backlog) = try await store.pool.read { db in (try Outbox.pending(db, limit: limit, sealer: sealer), try Outbox.backlog(db)) }
        metrics.outboxBacklog.set(Int64(backlog))
        health.outboxHead(seq: rows.first?.seq)
        guard !rows.isEmpty else { return 0 }
        // A row larger than any broker of the suite takes is not sent at all.
        let sendable = rows.prefix { $0.wireBytes <= maxRecordBytes }
        if sendable.isEmpty {
            let row = rows[0]
            try await quarantine(row, reason: "event of \(row.wireBytes) bytes exceeds the record limit of \(maxRecordBytes) bytes")
            return 1
        }
        let results = await producer.sendEach(sendable.map {
            OutgoingMessage(topic: $0.topic, key: $0.key, value: $0.value, headers: $0.headers.map { KafkaHeader(key: $0.0, value: $0.1) })
        })
        let failed = results.firstIndex { $0 != nil }
        let delivered = failed ?? sendable.count
        if delivered > 0 {
            let last = sendable[sendable.startIndex + delivered - 1].seq
            try await store.pool.write { db in try Outbox.remove(db, throughSeq: last) }
            metrics.published.increment(by: Int64(delivered))
            metrics.outboxBacklog.set(Int64(backlog - delivered))
        }
        guard let failed, let error = results[failed] else { return delivered }
        let row = sendable[sendable.startIndex + failed]
        if error.isPermanentForRecord {
            try await quarantine(row, reason: "the broker refused the event: \(error.message)")
            return delivered + 1
        }
        if delivered > 0 { return delivered }
        throw error
    }

    private func quarantine(_ row: OutboxMessage, reason: String) async throws {
        let service = service, sealer = store.sealer
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        try await store.pool.write { db in
            try Outbox.quarantine(db, row, reason: reason, nowMs: nowMs, sealer: sealer)
            // A letter about a letter that cannot be sent is not written again.
            if row.topic != DeadLetter.topic {
                try DeadLetter.enqueueQuarantined(db, row: row, service: service, reason: reason, nowMs: nowMs, sealer: sealer)
            }
        }
        metrics.quarantined.increment()
        logger.error("outbox event quarantined; the relay goes on", metadata: [
            "event": "\(row.eventID)", "topic": "\(row.topic)", "bytes": "\(row.wireBytes)", "reason": "\(reason)",
            "seq": "\(row.seq)"])
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
