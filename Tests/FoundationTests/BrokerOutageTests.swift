import Envelope
import TestSupport
import Foundation
import Kafka
import XCTest

/// The broker is paused (SIGSTOP) for 10 s under load and resumed: nothing is lost.
final class BrokerOutageTests: XCTestCase {
    func testBrokerPausedUnderLoadLosesNothing() async throws {
        guard let pidText = ProcessInfo.processInfo.environment["DOUDI_TEST_BROKER_PID"], let pid = Int32(pidText) else {
            throw XCTSkip("DOUDI_TEST_BROKER_PID not set (scripts/test sets it)")
        }
        let h = try await NoopHarness.make("outage")
        let count = 4000
        let inputs = (0..<count).map { demoEvent($0, prefix: h.input) }
        let service = try h.start()
        defer { service.terminate() }
        try await TestBroker.produce(Array(inputs[..<1000]), to: h.input)
        let ready = try await eventually { try h.appliedCount() > 0 }
        XCTAssertTrue(ready, service.log)

        // Produce the rest while the broker is stopped for 10 s; librdkafka queues and retries.
        let producing = Task { try await TestBroker.produce(Array(inputs[1000...]), to: h.input) }
        try await Task.sleep(for: .milliseconds(200))
        kill(pid, SIGSTOP)
        try await Task.sleep(for: .seconds(10))
        kill(pid, SIGCONT)
        try await producing.value

        let done = try await eventually(timeout: .seconds(120)) { try h.appliedCount() == count && h.outboxBacklog() == 0 }
        let applied = try h.appliedCount()
        XCTAssertTrue(done, "applied \(applied) of \(count)\n\(service.log.suffix(2000))")
        XCTAssertEqual(try h.seenTotal(), count)
        let out = try await TestBroker.readSettled(h.output, minimum: count)
        XCTAssertEqual(Set(out.compactMap { $0.header("ce_id") }).count, count)
    }
}
