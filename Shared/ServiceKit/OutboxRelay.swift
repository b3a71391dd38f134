import DoudiDomain
import Envelope
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
///
/// Several replicas may open one store (docs/scaling.md, "Tasks on a shared data directory"): a
/// relay publishes a store's outbox only while this replica owns the task and holds its lease
/// (`runtime_relay_lease`, renewed at half its length), so two replicas do not both send it. A
/// replica that dies holding the lease delays the task's publishing by at most the lease; one that
/// only paused past it sends some rows again on waking, under their ids (recognised downstream).
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
    /// Which task's store this is (health reports each task's outbox).
    let task: Int
    /// Whether this replica owns the task now (is assigned some of its partitions).
    let owned: @Sendable () -> Bool
    let lease: RelayLease
    /// With checkpoints (`TaskCheckpoints`): the last outbox row a published checkpoint of the task
    /// holds; rows after it wait (nil: none may go yet). Without: every row goes.
    let covered: (@Sendable () -> Int64?)?

    init(store: ServiceStore, producer: KafkaProducer, metrics: ServiceMetrics, health: RuntimeHealth, wake: WakeSignal,
         logger: Logger, service: String, batchSize: Int = 2000,
         maxRecordBytes: Int = KafkaLimits.maxMessageBytes - KafkaLimits.recordOverheadBytes,
         task: Int = 0, owned: @escaping @Sendable () -> Bool = { true }, lease: Duration = .seconds(5),
         covered: (@Sendable () -> Int64?)? = nil) {
        self.store = store; self.producer = producer; self.metrics = metrics; self.health = health; self.wake = wake
        self.logger = logger; self.service = service; self.batchSize = batchSize; self.maxRecordBytes = maxRecordBytes
        self.task = task; self.owned = owned; self.covered = covered
        self.lease = RelayLease(store: store, length: lease)
    }

    /// Publishes until `shouldStop` is true and the outbox is empty (or `drainDeadline` passes).
    func run(shouldStop: @Sendable () -> Bool, drainTimeout: Duration = .seconds(20)) async {
        var delay = Duration.milliseconds(100)
        var stopDeadline: ContinuousClock.Instant?
        while true {
            if health.fatal != nil { return }
            if shouldStop() && stopDeadline == nil { stopDeadline = .now + drainTimeout }
            if let d = stopDeadline, ContinuousClock.now > d {
                logger.warning("outbox not drained before shutdown; it resumes at next start")
                await lease.release()
                return
            }
            do {
                guard try await lease.hold(owned()) else {
                    health.outboxHead(seq: nil, task: task)
                    if stopDeadline != nil { return }
                    await wake.wait(timeout: .milliseconds(250))
                    continue
                }
                let sent = try await publishOnce()
                delay = .milliseconds(100)
                health.relaySucceeded()
                if sent == 0 {
                    if stopDeadline != nil { await lease.release(); return }
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
        var (rows, backlog) = try await store.pool.read { db in (try Outbox.pending(db, limit: limit, sealer: sealer), try Outbox.backlog(db)) }
        metrics.outboxBacklog.set(Int64(backlog))
        health.outboxHead(seq: rows.first?.seq, task: task)
        // Only what a published checkpoint holds: a takeover then restores a state that knows every
        // event published (it can take back what it no longer decides; docs/scaling.md).
        // Access records are not decisions: they go at once (install keeps them, TaskCheckpoints).
        if let covered {
            let through = covered() ?? 0, audit = Topics.name(.auditAccess)
            rows = rows.filter { $0.seq <= through || $0.topic == audit }
        }
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
            // With checkpoints the rows sent need not be the outbox's head: exactly those go.
            let sent = covered == nil ? nil : sendable.prefix(delivered).map(\.seq)
            try await store.pool.write { db in
                if let sent { try Outbox.remove(db, seqs: sent) } else { try Outbox.remove(db, throughSeq: last) }
            }
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

/// This replica's hold on a store's relay lease (`TaskMarks.lease`).
final class RelayLease: @unchecked Sendable {
    let store: ServiceStore
    let length: Duration
    /// Unique to this process: host, process id, a random part (a restarted process is another
    /// holder) and the process-id namespace (two containers may share a host name, not a namespace).
    static let holder = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UInt32.random(in: 0...UInt32.max))/\(pidNamespace)"

    /// `/proc/self/ns/pid`'s target (`pid:[4026531836]`), or "" where there is none.
    static let pidNamespace: String = {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid"))?.filter { $0.isNumber } ?? ""
    }()
    private let lock = NSLock()
    /// Until when this replica's hold is known good without asking the store (half the lease).
    private var goodUntil: ContinuousClock.Instant?
    /// Another holder's lease: do not ask again before this.
    private var othersUntil: ContinuousClock.Instant?

    init(store: ServiceStore, length: Duration) { self.store = store; self.length = length }

    private var lengthMs: Int64 { length.components.seconds * 1000 + length.components.attoseconds / 1_000_000_000_000_000 }

    /// Whether this replica may publish now: takes or renews the lease while `owned`, gives it up when not.
    func hold(_ owned: Bool) async throws -> Bool {
        let now = ContinuousClock.now
        let (good, others) = lock.withLock { (goodUntil, othersUntil) }
        if !owned {
            if good != nil { await release() }
            return false
        }
        if let good, now < good { return true }
        if let others, now < others { return false }
        let holder = Self.holder, lengthMs = lengthMs
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let (held, current) = try await store.pool.write { db -> (Bool, Int64) in
            if try TaskMarks.lease(db, holder: holder, nowMs: nowMs, untilMs: nowMs + lengthMs) { return (true, nowMs + lengthMs) }
            guard let other = try TaskMarks.holder(db) else { return (false, nowMs) }
            // A process of this host that no longer runs (a restart after a crash) holds nothing.
            if Self.isGone(other.holder), try TaskMarks.takeOver(db, from: other.holder, holder: holder, untilMs: nowMs + lengthMs) {
                return (true, nowMs + lengthMs)
            }
            return (false, other.untilMs)
        }
        lock.withLock {
            if held { goodUntil = now + length / 2; othersUntil = nil }
            else { goodUntil = nil; othersUntil = now + min(length, .milliseconds(max(0, current - nowMs)) + .milliseconds(50)) }
        }
        return held
    }

    /// Whether `holder` names a process of this host and process-id namespace that is not running
    /// (`kill(pid, 0)`: ESRCH). Any doubt (another host, another namespace, none known) says no.
    static func isGone(_ holder: String) -> Bool {
        let parts = holder.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Substring(ProcessInfo.processInfo.hostName), !pidNamespace.isEmpty,
              parts[3] == Substring(pidNamespace), let pid = Int32(parts[1]),
              pid != ProcessInfo.processInfo.processIdentifier else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Gives the lease up at once (another replica need not wait for it to run out).
    func release() async {
        let had = lock.withLock { () -> Bool in defer { goodUntil = nil }; return goodUntil != nil }
        guard had else { return }
        let holder = Self.holder
        _ = try? await store.pool.write { try TaskMarks.release($0, holder: holder) }
    }
}

/// A wake-up with at most one pending signal, for the relays (one per task). Waiters are resumed
/// by the signal itself, not by polling: ten idle services polling every few milliseconds cost the
/// pipeline a noticeable share of two cores. A signal resumes every relay waiting; with none
/// waiting, the next wait returns at once.
final class WakeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var generation: UInt64 = 0
    /// Waits in progress, and those whose timeout fired before they had parked (they must not park then).
    private var active: Set<UInt64> = []
    private var expired: Set<UInt64> = []

    func signal() {
        lock.lock()
        // Kept pending even when relays were parked: another relay may be between finding its
        // outbox empty and parking, and must not sleep through this signal.
        pending = true
        let all = waiters.values
        waiters = [:]
        lock.unlock()
        for c in all { c.resume() }
    }

    /// Returns at the next signal (at once if one is pending), or after `timeout`.
    func wait(timeout: Duration) async {
        let mine: UInt64 = lock.withLock { generation &+= 1; active.insert(generation); return generation }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.expire(mine)
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if pending || expired.remove(mine) != nil {
                pending = false
                lock.unlock()
                c.resume()
                return
            }
            waiters[mine] = c
            lock.unlock()
        }
        timer.cancel()
        lock.withLock { _ = expired.remove(mine); _ = active.remove(mine) }
    }

    private func expire(_ g: UInt64) {
        lock.lock()
        guard let c = waiters.removeValue(forKey: g) else {
            if active.contains(g) { expired.insert(g) }
            lock.unlock()
            return
        }
        lock.unlock()
        c.resume()
    }
}
