@testable import ServiceKit
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
}
