import Envelope
import TestSupport
import Kafka
import XCTest

/// `doudi replay`: re-delivered events change nothing, and a deleted store rebuilt from the
/// earliest offset is identical. Events of a type the service ignores sit among those replayed and
/// rebuilt: they have no applied-marker, are read past each time, and never count in the state.
/// (The consumer starts at the store's offsets, not the group's, so a replay re-delivers only the
/// last applied event, for the log check; the ignored events below the store's offsets that a
/// replica sharing a store may read are judged by the same rule, before the markers.)
final class ReplayTests: XCTestCase {
    func testReplayChangesNothingAndRebuildIsIdentical() async throws {
        let h = try await NoopHarness.make("replay")
        let first = (0..<150).map { demoEvent($0, prefix: h.input) }
        // Ignored events (EventProcessor.ignoredTypes) among the second half; their payload would
        // count in the state were they applied.
        let second = (150..<300).flatMap { i -> [CloudEvent] in
            let event = demoEvent(i, prefix: h.input)
            guard i % 10 == 0 else { return [event] }
            return [event, CloudEvent(id: "\(h.input)-ignored-\(i)", source: "/tests", type: "demo.ignored.v1", time: Timestamp.rfc3339(),
                                      subject: event.key, key: event.key, data: Array("{\"n\":1000}".utf8))]
        }
        try await TestBroker.produce(first, to: h.input)
        try await Task.sleep(for: .milliseconds(1500))
        let middle = Timestamp.rfc3339()
        try await Task.sleep(for: .milliseconds(1500))
        try await TestBroker.produce(second, to: h.input)

        var service = try h.start()
        let ready = try await eventually { try h.appliedCount() == 300 && h.outboxBacklog() == 0 }
        XCTAssertTrue(ready, service.log)
        let digest = try h.stateDigest()
        let seen = try h.seenTotal()

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
        XCTAssertTrue(service.process.isRunning, "ignored events read again did not stop the service\n\(service.log.suffix(2000))")
        XCTAssertFalse(service.log.contains("behind the store"), service.log.suffix(2000).description)
        XCTAssertEqual(try h.appliedCount(), 300)
        XCTAssertEqual(try h.stateDigest(), digest, "re-delivered events changed nothing")
        XCTAssertEqual(try h.seenTotal(), seen)
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
        XCTAssertEqual(try h.seenTotal(), seen, "the ignored events were read past again")
        let rebuilt = try await TestBroker.readSettled(h.output, minimum: 600)
        XCTAssertEqual(Set(rebuilt.compactMap { $0.header("ce_id") }).count, 300, "re-derived events keep their ids")
    }
}

