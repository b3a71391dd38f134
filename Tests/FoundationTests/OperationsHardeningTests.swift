import Envelope
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import Kafka
import TestSupport
import XCTest

/// Issue 18, findings 1–4: nothing stuck, nothing lost in silence, probes that tell the truth,
/// applied-event ids that do not grow for ever. Each runs the demo service as a process against
/// the real broker and a real SQLite file.
final class OperationsHardeningTests: XCTestCase {
    private func metrics(_ port: Int) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        return String(decoding: data, as: UTF8.self)
    }

    private func probe(_ port: Int, _ path: String) async -> (Int, String)? {
        guard let (data, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!),
              let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }

    private func demo(_ n: Int, _ h: NoopHarness, _ json: String) -> CloudEvent {
        demoEvent(n, prefix: h.input, keys: 1, body: json)
    }

    /// Finding 1: an event too large for the broker, and a dead letter of an input over 1 MiB, used
    /// to block the relay for ever; now the first is quarantined, the second capped, and what
    /// follows is published.
    func testOversizedOutboxEventIsQuarantinedAndTheRelayGoesOn() async throws {
        let h = try await NoopHarness.make("quarantine", partitions: 1)
        let port = freePort()
        let huge = demo(1, h, "{\"n\":1,\"pad\":5000000}")          // its echo is > 4 MiB
        let bigPoison = demo(2, h, "{\"n\":" + String(repeating: "9", count: 1_600_000))  // 1.6 MB, not JSON
        let after = (3...5).map { demo($0, h, "{\"n\":\($0)}") }
        try await TestBroker.produce([huge, bigPoison] + after, to: h.input)

        let service = try h.start(extra: ["DOUDI_HTTP_PORT": String(port)])
        defer { service.terminate() }
        let out = try await TestBroker.read(h.output, timeout: .seconds(60)) { $0.count >= 3 }
        XCTAssertEqual(Set(out.compactMap { $0.header("ce_causationid") }), Set(after.map(\.id)),
                       "the events after the blocked ones are published\n\(service.log.suffix(3000))")

        let letters = try await TestBroker.read(Topics.deadletter) { all in
            all.filter { $0.header("dlq_original_topic") == h.input || $0.header("dlq_original_topic") == h.output }.count >= 2
        }.filter { $0.header("dlq_original_topic") == h.input || $0.header("dlq_original_topic") == h.output }
        let quarantined = try XCTUnwrap(letters.first { $0.header("dlq_stage") == "outbox" }, "the oversized echo has a letter")
        XCTAssertEqual(quarantined.header("dlq_original_topic"), h.output)
        XCTAssertEqual(quarantined.header("ce_causationid"), huge.id)
        XCTAssertEqual(quarantined.header("dlq_value_truncated"), "true")
        XCTAssertLessThanOrEqual(quarantined.value.count, 256 * 1024)
        XCTAssertTrue(quarantined.header("dlq_error")?.contains("exceeds the record limit") ?? false)
        let poison = try XCTUnwrap(letters.first { $0.header("dlq_original_offset") == "1" }, "the 1.6 MB input has a capped letter")
        XCTAssertEqual(poison.header("dlq_value_bytes"), String(bigPoison.data.count))
        XCTAssertLessThanOrEqual(poison.value.count, 256 * 1024)

        // The whole event stays in the store; the alert metric counts it; the outbox is empty.
        let kept = try NoopHarness.open(h.storePath).read {
            try Row.fetchOne($0, sql: "SELECT length(value), topic FROM runtime_outbox_quarantine")
        }
        XCTAssertGreaterThan(kept?[0] ?? 0, 5_000_000)
        XCTAssertEqual(kept?[1], h.output)
        XCTAssertEqual(try h.outboxBacklog(), 0)
        let m = try await metrics(port)
        XCTAssertTrue(m.contains("doudi_outbox_quarantined_total{service=\"noop\"} 1"), m)
    }

    /// Finding 2: an error that is not the message's fault is retried, readiness says so with the
    /// reason, and after the budget the message is dead-lettered and the rest applied. HTTP
    /// requests are counted through MetricsSystem.
    func testFailingMessageMakesReadinessFailThenGoesToDeadLettersAfterTheBudget() async throws {
        let h = try await NoopHarness.make("retrybudget", partitions: 1)
        let port = freePort()
        let failing = demo(1, h, "{\"n\":1,\"fail\":true}")
        let good = (2...4).map { demo($0, h, "{\"n\":\($0)}") }
        try await TestBroker.produce([failing] + good, to: h.input)
        let service = try h.start(extra: ["DOUDI_HTTP_PORT": String(port), "DOUDI_RETRY_BUDGET": "6"])
        defer { service.terminate() }

        var unready: String?
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, unready == nil {
            if let (status, body) = await probe(port, "/readyz"), status == 503, body.contains("failed") { unready = body }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertTrue(unready?.contains("the demo dependency is unavailable") ?? false, "readiness names the reason: \(unready ?? "never unready")\n\(service.log.suffix(2000))")

        let out = try await TestBroker.read(h.output) { $0.count >= 3 }
        XCTAssertEqual(Set(out.compactMap { $0.header("ce_causationid") }), Set(good.map(\.id)))
        let letters = try await TestBroker.read(Topics.deadletter) { all in all.contains { $0.header("ce_id") == failing.id } }
        let letter = try XCTUnwrap(letters.first { $0.header("ce_id") == failing.id })
        XCTAssertTrue(letter.header("dlq_error")?.contains("not applied after 6 attempts") ?? false, letter.header("dlq_error") ?? "")
        let ready = try await eventuallyAsync(timeout: .seconds(20)) { await probe(port, "/readyz")?.0 == 200 }
        XCTAssertTrue(ready, "ready again once the message is dead-lettered")
        let m = try await metrics(port)
        XCTAssertTrue(m.contains("doudi_batch_retries_total{service=\"noop\"} 6"), m)
        XCTAssertTrue(m.contains("hb_requests"), "HTTP metrics through MetricsSystem")
    }

    /// Finding 2: a damaged store stops the service with a clear message (it used to retry
    /// "malformed" for ever while its probes said healthy and ready).
    func testDamagedStoreStopsTheServiceWithAClearMessage() async throws {
        let h = try await NoopHarness.make("corrupt", partitions: 1)
        // Many keys, so that demo_state spans many pages and its root is an interior page.
        try await TestBroker.produce((0..<400).map { demoEvent($0, prefix: h.input, keys: 400, body: "{\"n\":\($0),\"text\":\"\(String(repeating: "t", count: 200))\"}") }, to: h.input)
        var service = try h.start()
        let applied = try await eventually { try h.appliedCount() == 400 && h.outboxBacklog() == 0 }
        XCTAssertTrue(applied, service.log)
        service.terminate()

        try await NoopHarness.open(h.storePath).writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let root: Int = try await NoopHarness.open(h.storePath).read { db in
            try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'demo_state'") ?? 0
        }
        XCTAssertGreaterThan(root, 1)
        let file = try FileHandle(forUpdatingAtPath: h.storePath).unwrap()
        try file.seek(toOffset: UInt64((root - 1) * 4096))
        try file.write(contentsOf: Data(repeating: 0xA5, count: 4096))
        try file.close()

        try await TestBroker.produce([demoEvent(1000, prefix: h.input, keys: 400)], to: h.input)
        service = try h.start()
        let stopped = try await eventually(timeout: .seconds(60)) { !service.process.isRunning }
        XCTAssertTrue(stopped, "the service stopped\n\(service.log.suffix(2000))")
        XCTAssertNotEqual(service.process.terminationStatus, 0)
        XCTAssertTrue(service.log.contains("is damaged"), service.log.suffix(2000).description)
        XCTAssertTrue(service.log.contains("docs/operations.md"), "it says what to do")
    }

    /// Finding 3: a store restored from a backup behind the group's committed offsets catches up
    /// (the consumer starts at the store's next offsets); `doudi backup` takes the copy while the
    /// service runs and records its offsets.
    func testStoreRestoredFromBackupCatchesUp() async throws {
        let h = try await NoopHarness.make("restore", partitions: 2)
        try await TestBroker.produce((0..<20).map { demoEvent($0, prefix: h.input) }, to: h.input)
        var service = try h.start()
        let ok1 = try await eventually { try h.appliedCount() == 20 }
        XCTAssertTrue(ok1, service.log)

        let backupDir = temporaryDirectory("backup")
        let backup = try runDoudi(["backup", "--data-dir", h.dataDir, "--to", backupDir])
        XCTAssertEqual(backup.status, 0, backup.output)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: backupDir + "/manifest.json"))) as? [String: Any]
        let stores = manifest?["stores"] as? [String: Any]
        let noop = stores?["noop"] as? [String: Any]
        let offsets = noop?["offsets"] as? [String: [String: Int]]
        XCTAssertEqual(offsets?[h.input]?.values.reduce(0, +), 20, "the manifest records the applied offsets: \(manifest ?? [:])")

        try await TestBroker.produce((20..<40).map { demoEvent($0, prefix: h.input) }, to: h.input)
        let ok2 = try await eventually { try h.appliedCount() == 40 }
        XCTAssertTrue(ok2, service.log)
        service.terminate()
        let digest = try h.stateDigest()

        // Restore: the copy knows 20 events; the group has committed all 40.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: h.storePath + suffix) }
        try FileManager.default.copyItem(atPath: backupDir + "/noop.sqlite", toPath: h.storePath)
        XCTAssertEqual(try h.appliedCount(), 20)
        service = try h.start()
        defer { service.terminate() }
        let caughtUp = try await eventually(timeout: .seconds(60)) { try h.appliedCount() == 40 }
        XCTAssertTrue(caughtUp, "the restored store caught up\n\(service.log.suffix(2000))")
        XCTAssertEqual(try h.stateDigest(), digest)
    }

    /// Finding 3: when the broker's log is behind the store (a recreated topic, an in-memory broker
    /// restarted), new events were skipped as duplicates in silence. Now the service stops and
    /// says so; `doudi store rebaseline` is the way out, after which nothing is lost.
    func testBrokerBehindTheStoreStopsTheServiceAndRebaselineRecovers() async throws {
        let h = try await NoopHarness.make("behind", partitions: 1)
        // A type the service ignores (EventProcessor.ignoredTypes) between its inputs: read past,
        // never applied (its payload would count in the state), no marker.
        func ignored(_ i: Int) -> CloudEvent {
            CloudEvent(id: "\(h.input)-ignored-\(i)", source: "/tests", type: "demo.ignored.v1", time: Timestamp.rfc3339(),
                       subject: "k0", key: "k0", data: Array("{\"n\":1000}".utf8))
        }
        try await TestBroker.produce([demoEvent(0, prefix: h.input), ignored(0), demoEvent(1, prefix: h.input), ignored(1),
                                      demoEvent(2, prefix: h.input), ignored(2)], to: h.input)
        var service = try h.start()
        let ok3 = try await eventually {
            try h.appliedCount() == 3 && h.outboxBacklog() == 0
                && NoopHarness.open(h.storePath).read { try Int.fetchOne($0, sql: "SELECT next_offset FROM runtime_offsets") } == 6
        }
        XCTAssertTrue(ok3, service.log)
        XCTAssertEqual(try h.seenTotal(), 3, "the ignored events were not applied")
        service.terminate()
        // The store is ahead of the log, as after the broker lost the topic and it was recreated.
        try await NoopHarness.open(h.storePath).write { try $0.execute(sql: "UPDATE runtime_offsets SET next_offset = next_offset + 1000") }

        let fresh = (3..<6).map { demoEvent($0, prefix: h.input) }
        try await TestBroker.produce(fresh, to: h.input)
        service = try h.start(extra: ["DOUDI_OFFSET_CHECK_TIMEOUT": "5s"])
        let stopped = try await eventually(timeout: .seconds(60)) { !service.process.isRunning }
        XCTAssertTrue(stopped, "the service stopped\n\(service.log.suffix(2000))")
        XCTAssertTrue(service.log.contains("behind the store"), service.log.suffix(2000).description)
        XCTAssertTrue(service.log.contains("doudi store rebaseline"), "it names the way out")
        XCTAssertEqual(try h.seenTotal(), 3, "nothing applied, nothing skipped")

        let rebaseline = try runCLI(["store", "rebaseline", "--store", h.storePath, "--topic", h.input])
        XCTAssertEqual(rebaseline.status, 0, rebaseline.output)
        service = try h.start()
        defer { service.terminate() }
        let ok4 = try await eventually { try h.seenTotal() == 6 }
        XCTAssertTrue(ok4, "the new events are applied, the old ones recognised\n\(service.log.suffix(2000))")
    }

    /// With split stores (DOUDI_TASKS), `doudi store rebaseline` on one task's file re-aligns only
    /// that task's partitions: the file keeps holding its own partitions and no other task's.
    func testRebaselineOfATaskFileTouchesOnlyItsPartitions() async throws {
        let h = try await NoopHarness.make("rebaseline-task", partitions: 3)
        try await TestBroker.produce((0..<30).map { demoEvent($0, prefix: h.input, keys: 7) }, to: h.input)
        let service = try h.start(extra: ["DOUDI_TASKS": "3"])
        let files = (0..<3).map { TaskStoreFile(path: "\(h.dataDir)/noop.task-\($0)-of-3.sqlite") }
        let done = try await eventually { try files.reduce(0) { $0 + (try $1.applied()) } == 30 }
        XCTAssertTrue(done, service.log.suffix(2000).description)
        service.terminate()
        service.process.waitUntilExit()

        let out = try runCLI(["store", "rebaseline", "--store", files[1].path, "--topic", h.input])
        XCTAssertEqual(out.status, 0, out.output)
        XCTAssertTrue(out.output.contains("task 1 of 3"), out.output)
        XCTAssertEqual(try files[1].partitions(), [1], "the task's file holds its own partition only")
        XCTAssertEqual(try files[0].partitions(), [0])
    }

    /// Finding 4: applied-event ids are forgotten past the replay horizon, and an event re-sent
    /// inside the horizon is still recognised.
    func testAppliedIdsArePrunedPastTheHorizonAndDeduplicatedInside() async throws {
        let h = try await NoopHarness.make("horizon", partitions: 1)
        let events = (0..<5).map { demoEvent($0, prefix: h.input) }
        try await TestBroker.produce(events, to: h.input)
        let service = try h.start(extra: ["DOUDI_DEDUPE_HORIZON": "6s"])
        defer { service.terminate() }
        let ok5 = try await eventually { try h.appliedCount() == 5 }
        XCTAssertTrue(ok5, service.log)

        // The same events again, at new offsets, inside the horizon: recognised by their ids.
        try await TestBroker.produce(events, to: h.input)
        let consumed = try await eventually {
            try NoopHarness.open(h.storePath).read { try Int.fetchOne($0, sql: "SELECT sum(next_offset) FROM runtime_offsets") ?? 0 } == 10
        }
        XCTAssertTrue(consumed, service.log)
        XCTAssertEqual(try h.seenTotal(), 5, "a replay inside the horizon changes nothing")

        let pruned = try await eventually(timeout: .seconds(30)) { try h.appliedCount() == 0 }
        XCTAssertTrue(pruned, "ids older than the horizon are forgotten\n\(service.log.suffix(1500))")
    }
}

private extension Optional {
    func unwrap() throws -> Wrapped {
        guard let value = self else { throw CocoaError(.fileNoSuchFile) }
        return value
    }
}
