import DoudiDomain
import Envelope
import Foundation
import GRDB
import Kafka
import TestSupport
import XCTest

/// Issue 17, state that follows partitions (docs/scaling.md, "Tasks on a shared data directory"):
/// two replicas of a service in one consumer group share its data directory; each applies only
/// the partitions it is assigned, in the store of their task; one is SIGKILLed mid-run and the
/// other takes its partitions over, with their state and offsets. Every input is applied exactly
/// once and every derived event is downstream once by id, whatever the split.
final class ReplicaTests: XCTestCase {
    /// Three tasks (one per partition), two replicas, one killed.
    func testTwoReplicasOnThreeTasksOneKilledNothingLostNothingDoubled() async throws {
        try await twoReplicasOneKilled(tasks: 3)
    }

    /// One task shared by both replicas (a service whose inputs are not keyed alike, such as the
    /// matcher, runs this way): SQLite serialises their transactions, the relay lease picks one
    /// publisher at a time.
    func testTwoReplicasSharingOneStoreOneKilledNothingLostNothingDoubled() async throws {
        try await twoReplicasOneKilled(tasks: 1)
    }

    /// Replicas with data directories of their own, as on separate machines (docs/scaling.md,
    /// "Replicas on separate machines: checkpoints"): each publishes checkpoints of the tasks it
    /// owns; one is SIGKILLed mid-run and the survivor installs the latest checkpoint of each task it
    /// takes over, then applies the inputs after it. The survivor's own files end with every input
    /// applied exactly once. Without the checkpoints (or with a restore that did not match its
    /// offsets) the survivor's files would miss, or double, what the killed replica had applied.
    func testReplicasWithDataDirectoriesOfTheirOwnTakeOverFromCheckpoints() async throws {
        let h = try await NoopHarness.make("replicas-own", partitions: 3)
        let count = 6_000
        let inputs = (0..<count).map { demoEvent($0, prefix: h.input, keys: 97) }
        let dirA = temporaryDirectory("replicas-own-a"), dirB = temporaryDirectory("replicas-own-b")
        let storesB = (0..<3).map { TaskStoreFile(path: "\(dirB)/noop.task-\($0)-of-3.sqlite") }
        let storesA = (0..<3).map { TaskStoreFile(path: "\(dirA)/noop.task-\($0)-of-3.sqlite") }
        func applied(_ stores: [TaskStoreFile]) throws -> Int { try stores.reduce(0) { $0 + (try $1.applied()) } }
        let env = ["DOUDI_TASKS": "3", "DOUDI_BATCH_SIZE": "50", "DOUDI_CHECKPOINT_EVERY": "1s"]

        try await TestBroker.produce(Array(inputs[..<300]), to: h.input)
        let a = try h.start(extra: env.merging(["DOUDI_DATA_DIR": dirA]) { $1 }, replica: ".a")
        let b = try h.start(extra: env.merging(["DOUDI_DATA_DIR": dirB]) { $1 }, replica: ".b")
        defer { a.terminate(); b.terminate() }
        try await bothJoined(h, a, b)
        let producing = paced(inputs, from: 300, to: h.input)
        // The killed replica has applied a good part and checkpointed some of it.
        _ = try await eventually(timeout: .seconds(60)) {
            try applied(storesA) >= count / 4 && a.log.contains("checkpoint published")
        }
        a.kill9()
        // Read at the kill, before the survivor restores the killed replica's checkpoints into its
        // own files (after that, the two directories hold some inputs twice).
        let atKill = try applied(storesA), survivorAtKill = try applied(storesB)
        try await producing.value
        XCTAssertLessThan(atKill + survivorAtKill, count, "the kill came while inputs were still being applied")

        let done = try await eventually(timeout: .seconds(120)) {
            try applied(storesB) == count && storesB.allSatisfy { (try? $0.backlog()) == 0 }
        }
        let survivorApplied = try applied(storesB)
        XCTAssertTrue(done, "the survivor applied \(survivorApplied) of \(count)\n\(b.log.suffix(3000))")
        XCTAssertEqual(try storesB.reduce(0) { $0 + (try $1.seenTotal()) }, count, "each input changed the survivor's state exactly once")
        for (t, s) in storesB.enumerated() { XCTAssertEqual(try s.partitions(), [Int32(t)]) }
        XCTAssertTrue(b.log.contains("task restored from a checkpoint"), "the survivor took the killed replica's tasks over from their checkpoints\n\(b.log.suffix(3000))")

        let (messages, resent) = try await assertEveryDerivedEventDownstreamOnce(h, inputs)
        print("replicas with their own directories: \(atKill) applied by the killed one, \(messages) messages downstream, \(resent) identical re-sends")
    }

    /// A data directory made for another task count is refused, as are a count other than 1 or the
    /// partition count, and a count above 1 for a service whose inputs are not keyed alike; each
    /// refusal says what to do.
    func testAnotherTaskCountOrAnUnpartitionableServiceIsRefused() async throws {
        let h = try await NoopHarness.make("replica-refusal")
        let one = try h.start()
        _ = try await eventually(timeout: .seconds(30)) { FileManager.default.fileExists(atPath: h.storePath) }
        one.terminate()
        let three = try h.start(extra: ["DOUDI_TASKS": "3"])
        three.process.waitUntilExit()
        XCTAssertEqual(three.process.terminationStatus, 78, "EX_CONFIG")
        XCTAssertTrue(three.log.contains("DOUDI_TASKS=3, but") && three.log.contains("noop.sqlite") && three.log.contains("rebuild"),
                      three.log.suffix(1500).description)

        // Two tasks for three partitions: a task would span replicas; one per partition, or one.
        let fresh = NoopHarness(input: h.input, output: h.output, group: h.group + "-two", dataDir: temporaryDirectory("replica-two"))
        let two = try fresh.start(extra: ["DOUDI_TASKS": "2"])
        two.process.waitUntilExit()
        XCTAssertEqual(two.process.terminationStatus, 78)
        XCTAssertTrue(two.log.contains("has 3 partitions") && two.log.contains("DOUDI_TASKS=3"), two.log.suffix(1500).description)

        let matcher = try ServiceProcess("doudi-matcher", environment: ["DOUDI_TASKS": "2", "DOUDI_DATA_DIR": temporaryDirectory("replica-matcher")],
                                         logName: "replica-refusal-matcher-\(EventID.random().prefix(6))")
        matcher.process.waitUntilExit()
        XCTAssertEqual(matcher.process.terminationStatus, 78)
        XCTAssertTrue(matcher.log.contains("not keyed alike") && matcher.log.contains("DOUDI_TASKS=1"), matcher.log.suffix(1500).description)

        let bad = try h.start(extra: ["DOUDI_TASKS": "zero", "DOUDI_RELAY_LEASE": "1ms", "DOUDI_CHECKPOINT_EVERY": "500ms"])
        bad.process.waitUntilExit()
        XCTAssertEqual(bad.process.terminationStatus, 78)
        XCTAssertTrue(bad.log.contains("DOUDI_TASKS=zero") && bad.log.contains("DOUDI_RELAY_LEASE")
                      && bad.log.contains("DOUDI_CHECKPOINT_EVERY=500ms must be at least 1s"), bad.log.suffix(1500).description)
        // A checkpoint must be far younger than the dedupe horizon.
        let late = try h.start(extra: ["DOUDI_CHECKPOINT_EVERY": "2d", "DOUDI_DEDUPE_HORIZON": "4d"])
        late.process.waitUntilExit()
        XCTAssertEqual(late.process.terminationStatus, 78)
        XCTAssertTrue(late.log.contains("at most a quarter of DOUDI_DEDUPE_HORIZON"), late.log.suffix(1500).description)
    }

    private func twoReplicasOneKilled(tasks: Int) async throws {
        let h = try await NoopHarness.make("replicas\(tasks)", partitions: 3)
        let count = 6_000
        let inputs = (0..<count).map { demoEvent($0, prefix: h.input, keys: 97) }
        let stores = (0..<tasks).map { TaskStoreFile(path: tasks == 1 ? h.storePath : "\(h.dataDir)/noop.task-\($0)-of-\(tasks).sqlite") }
        func applied() throws -> Int { try stores.reduce(0) { $0 + (try $1.applied()) } }
        let env = ["DOUDI_TASKS": String(tasks), "DOUDI_RELAY_LEASE": "1s", "DOUDI_BATCH_SIZE": "50"]

        // A first few inputs, so the group commits offsets (the broker lists it from then on).
        let first = 300
        try await TestBroker.produce(Array(inputs[..<first]), to: h.input)
        let a = try h.start(extra: env, replica: ".a")
        let b = try h.start(extra: env, replica: ".b")
        defer { a.terminate(); b.terminate() }
        // Both members in the group, each with some of the partitions.
        try await bothJoined(h, a, b)
        let producing = paced(inputs, from: first, to: h.input)
        _ = try await eventually(timeout: .seconds(60)) { try applied() >= count / 3 }
        a.kill9()
        let before = try applied()
        try await producing.value
        XCTAssertLessThan(before, count, "the kill came while inputs were still being applied")

        let done = try await eventually(timeout: .seconds(120)) { try applied() == count && stores.allSatisfy { (try? $0.backlog()) == 0 } }
        let appliedAtEnd = try applied()
        XCTAssertTrue(done, "applied \(appliedAtEnd) of \(count)\n\(b.log.suffix(3000))")
        XCTAssertEqual(try stores.reduce(0) { $0 + (try $1.seenTotal()) }, count, "each input changed the state exactly once")
        if tasks > 1 {
            // Each task holds the offsets (and so the state) of its own partitions only.
            for (t, s) in stores.enumerated() {
                XCTAssertEqual(try s.partitions(), [Int32(t)], "task \(t) holds partition \(t) of the input only")
            }
        }
        // Each replica had part of the partitions, and the survivor took over all of them.
        for r in [a, b] {
            XCTAssertTrue(r.log.contains("assigned=1 ") || r.log.contains("assigned=2 "), r.log.suffix(2000).description)
        }
        // (Its inputs may all be applied before the group notices the kill: the rebalance comes
        // within the session timeout.)
        let tookOver = try await eventually(timeout: .seconds(30)) { b.log.contains("assigned=3 ") }
        XCTAssertTrue(tookOver, b.log.suffix(2000).description)

        let (messages, resent) = try await assertEveryDerivedEventDownstreamOnce(h, inputs)
        print("replicas (\(tasks) task(s)): \(before) of \(count) applied at the kill, \(messages) messages downstream, \(resent) identical re-sends")
    }

    /// Both replicas are members of the group (the group is stable with two).
    private func bothJoined(_ h: NoopHarness, _ a: ServiceProcess, _ b: ServiceProcess) async throws {
        let admin = try KafkaAdmin(configuration: TestBroker.kafka)
        let joined = try await eventuallyAsync(timeout: .seconds(60)) {
            try await admin.listGroups(h.group).first.map { $0.memberCount == 2 && $0.state == "Stable" } ?? false
        }
        XCTAssertTrue(joined, "both replicas joined\n\(a.log.suffix(1500))\n\(b.log.suffix(1500))")
    }

    /// The inputs from `first` on, paced (200 every 100 ms), so that a kill falls while inputs are
    /// still arriving and being applied, however fast the machine applies them.
    private func paced(_ inputs: [CloudEvent], from first: Int, to topic: String) -> Task<Void, any Error> {
        Task {
            for chunk in stride(from: first, to: inputs.count, by: 200) {
                try await TestBroker.produce(Array(inputs[chunk..<min(chunk + 200, inputs.count)]), to: topic)
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Every input's echo is downstream, no other event is, and a re-sent one has the same bytes.
    /// Returns the messages read and how many were re-sends.
    private func assertEveryDerivedEventDownstreamOnce(_ h: NoopHarness, _ inputs: [CloudEvent]) async throws -> (messages: Int, resent: Int) {
        let out = try await TestBroker.readSettled(h.output, minimum: inputs.count)
        let ids = out.compactMap { $0.header("ce_id") }
        XCTAssertEqual(Set(ids), Set(inputs.map { EventID.derived($0.id, "demo.echoed.v1", "echo") }), "every derived event is downstream, and no other")
        var bodies: [String: [UInt8]] = [:]
        for m in out { let id = m.header("ce_id")!; if let x = bodies[id] { XCTAssertEqual(x, m.value) } else { bodies[id] = m.value } }
        return (out.count, ids.count - Set(ids).count)
    }
}

/// One task's store file, read beside the running replicas.
struct TaskStoreFile {
    let path: String

    private func read<T>(_ empty: T, _ body: (Database) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else { return empty }
        return try NoopHarness.open(path).read { db in try db.tableExists("demo_state") ? body(db) : empty }
    }

    func applied() throws -> Int { try read(0) { try Int.fetchOne($0, sql: "SELECT count(*) FROM runtime_applied_events") ?? 0 } }
    func seenTotal() throws -> Int { try read(0) { try Int.fetchOne($0, sql: "SELECT coalesce(sum(seen), 0) FROM demo_state") ?? 0 } }
    func backlog() throws -> Int { try read(0) { try Int.fetchOne($0, sql: "SELECT count(*) FROM runtime_outbox") ?? 0 } }
    func partitions() throws -> [Int32] {
        try read([]) { try Int32.fetchAll($0, sql: "SELECT DISTINCT partition FROM runtime_offsets ORDER BY 1") }
    }
}
