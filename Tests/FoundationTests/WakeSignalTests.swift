@testable import ServiceKit
import Foundation
import Store
import TestSupport
import XCTest

/// The outbox relay's wake-up: a signal wakes the waiter at once, a pending signal is not lost,
/// and without a signal the wait ends at its timeout.
final class WakeSignalTests: XCTestCase {
    func testSignalWakesPendingSignalKeptAndTimeoutEnds() async throws {
        let wake = WakeSignal()
        wake.signal()
        var started = ContinuousClock.now
        await wake.wait(timeout: .seconds(10))
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(1), "a signal given before the wait is kept")

        started = .now
        await wake.wait(timeout: .milliseconds(150))
        let waited = ContinuousClock.now - started
        XCTAssertGreaterThanOrEqual(waited, .milliseconds(140), "no signal: the wait runs to its timeout")
        XCTAssertLessThan(waited, .seconds(5))

        started = .now
        Task { try await Task.sleep(for: .milliseconds(50)); wake.signal() }
        await wake.wait(timeout: .seconds(10))
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(2), "a signal during the wait wakes it")

        for _ in 0..<200 { await wake.wait(timeout: .milliseconds(1)) }  // timeouts racing the park never hang
    }

    /// One relay per task waits on the same signal: a signal wakes every one of them.
    func testASignalWakesEveryWaiter() async throws {
        let wake = WakeSignal()
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Duration.self) { group in
            for _ in 0..<3 { group.addTask { await wake.wait(timeout: .seconds(10)); return ContinuousClock.now - started } }
            try await Task.sleep(for: .milliseconds(200))
            wake.signal()
            for try await waited in group { XCTAssertLessThan(waited, .seconds(3), "each waiter woke at the signal") }
        }
    }
}

/// The relay lease of a store (docs/scaling.md): one holder at a time, renewed while held, given
/// up on release, and taken at once from a process of this host that no longer runs.
final class RelayLeaseTests: XCTestCase {
    func testOneHolderAtATimeReleasedAndTakenFromAProcessGone() async throws {
        let dir = temporaryDirectory("relay-lease")
        let store = try ServiceStore(path: dir + "/s.sqlite", sealer: try Sealer.fromEnvironment(["DOUDI_MODE": "development"]))
        let mine = RelayLease(store: store, length: .seconds(5))
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        // Another live holder (this test's parent process, say): not taken before its time.
        let live = "\(ProcessInfo.processInfo.hostName)/\(getppid())/1/\(RelayLease.pidNamespace)"
        _ = try await store.pool.write { try TaskMarks.lease($0, holder: live, nowMs: nowMs, untilMs: nowMs + 60_000) }
        let whileLive = try await mine.hold(true)
        XCTAssertFalse(whileLive, "a live holder's lease is not taken")
        // Released by its holder: taken once this replica asks again (it waits at most the lease before asking).
        _ = try await store.pool.write { try TaskMarks.release($0, holder: live) }
        try await Task.sleep(for: .milliseconds(200))
        var afterRelease = try await mine.hold(true)
        for _ in 0..<30 where !afterRelease { try await Task.sleep(for: .milliseconds(200)); afterRelease = try await mine.hold(true) }
        XCTAssertTrue(afterRelease, "a released lease is taken")
        let holder = try await store.pool.read { try TaskMarks.holder($0)?.holder }
        XCTAssertEqual(holder, RelayLease.holder)
        // Not owned any more: given up.
        let notOwned = try await mine.hold(false)
        XCTAssertFalse(notOwned)
        let until = try await store.pool.read { try TaskMarks.holder($0)?.untilMs }
        XCTAssertEqual(until, 0, "given up when the task moved")

        // A holder of this host whose process is gone (a crash): taken at once, however long its lease.
        let other = RelayLease(store: store, length: .seconds(5))
        let gone = "\(ProcessInfo.processInfo.hostName)/\(Int32.max - 7)/2/\(RelayLease.pidNamespace)"
        _ = try await store.pool.write { try TaskMarks.lease($0, holder: gone, nowMs: nowMs, untilMs: nowMs + 3_600_000) }
        let fromGone = try await other.hold(true)
        XCTAssertTrue(fromGone, "a crashed process's lease does not delay the restarted one")
        // The same process id in another process-id namespace (another container) is not known to be gone.
        let elsewhere = "\(ProcessInfo.processInfo.hostName)/\(Int32.max - 7)/3/1"
        _ = try await store.pool.write { try TaskMarks.lease($0, holder: elsewhere, nowMs: nowMs, untilMs: nowMs + 3_600_000) }
        _ = try await store.pool.write { try TaskMarks.takeOver($0, from: RelayLease.holder, holder: elsewhere, untilMs: nowMs + 3_600_000) }
        let third = RelayLease(store: store, length: .seconds(5))
        let fromElsewhere = try await third.hold(true)
        XCTAssertFalse(fromElsewhere, "another namespace's holder keeps its lease until it runs out")
    }
}
