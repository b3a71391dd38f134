import Envelope
import TestSupport
import Kafka
import XCTest

/// `doudi replay`: re-delivered events change nothing, and a deleted store rebuilt from the
/// earliest offset is identical.
final class ReplayTests: XCTestCase {
    func testReplayChangesNothingAndRebuildIsIdentical() async throws {
        let h = try await NoopHarness.make("replay")
        let first = (0..<150).map { demoEvent($0, prefix: h.input) }
        let second = (150..<300).map { demoEvent($0, prefix: h.input) }
        try await TestBroker.produce(first, to: h.input)
        try await Task.sleep(for: .milliseconds(1500))
        let middle = Timestamp.rfc3339()
        try await Task.sleep(for: .milliseconds(1500))
        try await TestBroker.produce(second, to: h.input)

        var service = try h.start()
        let ready = try await eventually { try h.appliedCount() == 300 && h.outboxBacklog() == 0 }
        XCTAssertTrue(ready, service.log)
        let digest = try h.stateDigest()

        // Refused while the group has a live member.
        let refused = try runCLI(["replay", "--group", h.group, "--topic", h.input, "--to-earliest"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.output.contains("live member"), refused.output)
        service.terminate()

        // Dry run prints the plan and changes nothing; the real run resets to the middle.
        let dry = try runCLI(["replay", "--group", h.group, "--topic", h.input, "--to-datetime", middle, "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.output)
        XCTAssertTrue(dry.output.contains("dry run"), dry.output)
        let reset = try runCLI(["replay", "--group", h.group, "--topic", h.input, "--to-datetime", middle])
        XCTAssertEqual(reset.status, 0, reset.output)

        service = try h.start()
        try await Task.sleep(for: .seconds(8))  // group join, then re-delivery of the second half
        XCTAssertEqual(try h.appliedCount(), 300)
        XCTAssertEqual(try h.stateDigest(), digest, "re-delivered events changed nothing")
        service.terminate()
        let afterReplay = try await TestBroker.readSettled(h.output, minimum: 300)
        XCTAssertEqual(afterReplay.count, 300, "no event was derived twice")

        // Delete the store and rebuild from the earliest offset.
        try FileManager.default.removeItem(atPath: h.dataDir)
        let rebuild = try runCLI(["replay", "--group", h.group, "--to-earliest"])
        XCTAssertEqual(rebuild.status, 0, rebuild.output)
        service = try h.start()
        defer { service.terminate() }
        let rebuiltReady = try await eventually { try h.appliedCount() == 300 && h.outboxBacklog() == 0 }
        XCTAssertTrue(rebuiltReady, service.log)
        XCTAssertEqual(try h.stateDigest(), digest, "the rebuilt state is identical")
        let rebuilt = try await TestBroker.readSettled(h.output, minimum: 600)
        XCTAssertEqual(Set(rebuilt.compactMap { $0.header("ce_id") }).count, 300, "re-derived events keep their ids")
    }
}

