import Crypto
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Kafka
import Logging
@testable import ServiceKit
import Store
import TestSupport
import XCTest

/// What installing a task's checkpoint does to a replica's own file (docs/scaling.md, "Replicas on
/// separate machines: checkpoints"), on real SQLite files: a checkpoint replaces the state only
/// when it has everything the file has and more — offsets and writes from outside the consumer
/// (HTTP, schedulers) — and the file's own decisions give way to the checkpoint's while its access
/// records are kept.
final class CheckpointInstallTests: XCTestCase {
    static let sealer = try! Sealer.fromEnvironment(["DOUDI_MODE": "development"])

    static func migrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("test-v1") { db in
            try db.execute(sql: "CREATE TABLE state(key TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID")
        }
    }

    /// A store holding `value` for key "k", `next` as the next offset of partition 0 of "in",
    /// `writes` outside writes and one outbox row named `outbox`.
    func store(_ name: String, value: Int, next: Int64, writes: Int, outbox: String, access: String? = nil) throws -> ServiceStore {
        let dir = temporaryDirectory("checkpoint-install-\(name)")
        let store = try ServiceStore(path: "\(dir)/t.sqlite", synchronousFull: false, sealer: Self.sealer, migrations: Self.migrations)
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO state(key, value) VALUES ('k', ?)", arguments: [value])
            try Inbox.setNextOffset(db, topic: "in", partition: 0, next: next, lastEventID: "e\(next - 1)")
            for _ in 0..<writes { try LocalWrites.increment(db) }
            try Outbox.enqueue(db, topic: "out", key: nil, value: Array("v".utf8), headers: [], eventID: outbox, sealer: store.sealer)
            if let access {
                try Outbox.enqueue(db, topic: Topics.name(.auditAccess), key: nil, value: Array("a".utf8), headers: [], eventID: access,
                                   sealer: store.sealer)
                try db.execute(sql: """
                    INSERT INTO runtime_access_log(access_id, accessed_at, actor, role, resource, resource_id, region_code, purpose, decision)
                    VALUES (?, '2026-12-01T00:00:00Z', 'op', 'county', 'household', 'h1', NULL, 'test', 'granted')
                    """, arguments: [access])
            }
        }
        return store
    }

    /// The checkpoint file of `source`, as `take` makes it (an online backup).
    func checkpoint(of source: ServiceStore) throws -> String {
        let file = source.path + ".checkpoint-test"
        try? FileManager.default.removeItem(atPath: file)
        let copy = try DatabaseQueue(path: file)
        try source.pool.backup(to: copy)
        try copy.close()
        return file
    }

    func install(_ file: String, into store: ServiceStore) throws -> TaskCheckpoints.Restored {
        try TaskCheckpoints.install(file, task: 0, into: store, tasks: TaskStores(single: store), migrations: { Self.migrations(&$0) })
    }

    func value(_ store: ServiceStore) throws -> Int { try store.pool.read { try Int.fetchOne($0, sql: "SELECT value FROM state") ?? -1 } }

    func testACheckpointAheadReplacesTheStateAndKeepsBothOutboxesAndAccessRecords() throws {
        let ahead = try store("ahead", value: 7, next: 50, writes: 2, outbox: "theirs", access: "a-theirs")
        let mine = try store("mine", value: 3, next: 20, writes: 1, outbox: "mine", access: "a-mine")
        guard case .installed(let m) = try install(try checkpoint(of: ahead), into: mine) else { return XCTFail("not installed") }
        XCTAssertEqual(m.offsets, ["in": ["0": 50]])
        XCTAssertEqual(m.writes, 2)
        XCTAssertEqual(try value(mine), 7)
        try mine.pool.read { db in
            XCTAssertEqual(try Inbox.nextOffsets(db)["in"]?[0], 50)
            XCTAssertEqual(try LocalWrites.count(db), 2)
            // The discarded state's decisions go (a checkpoint it did not reach never held them, so
            // they were never published); its access records stay, first (a relay round in flight
            // deletes only rows it read), then the checkpoint's rows.
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT event_id FROM runtime_outbox ORDER BY seq"), ["a-mine", "theirs", "a-theirs"])
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT access_id FROM runtime_access_log ORDER BY 1"), ["a-mine", "a-theirs"])
        }
    }

    /// Writes from outside the consumer count: a checkpoint at the same offsets with more of them
    /// is ahead; one with fewer is not, whatever its offsets (each copy has something the other
    /// lacks: the replica keeps its own).
    func testOutsideWritesCountAsMuchAsOffsets() throws {
        let moreWrites = try store("more-writes", value: 9, next: 20, writes: 3, outbox: "w")
        let mine = try store("mine-writes", value: 3, next: 20, writes: 1, outbox: "m")
        XCTAssertNotEqual(try install(try checkpoint(of: moreWrites), into: mine), .local)
        XCTAssertEqual(try value(mine), 9)

        let fewerWrites = try store("fewer-writes", value: 5, next: 90, writes: 0, outbox: "f")
        let other = try store("mine-more", value: 4, next: 20, writes: 1, outbox: "o")
        XCTAssertEqual(try install(try checkpoint(of: fewerWrites), into: other), .local)
        XCTAssertEqual(try value(other), 4, "the replica's own file stands")
    }

    func testACheckpointBehindOrEqualChangesNothing() throws {
        let behind = try store("behind", value: 1, next: 10, writes: 0, outbox: "b")
        let mine = try store("mine-behind", value: 3, next: 20, writes: 0, outbox: "m")
        XCTAssertEqual(try install(try checkpoint(of: behind), into: mine), .local)
        XCTAssertEqual(try install(try checkpoint(of: mine), into: mine), .local, "its own state is not ahead of itself")
        XCTAssertEqual(try value(mine), 3)
        XCTAssertEqual(try mine.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM runtime_outbox") }, 1)
    }

    /// A checkpoint of an older software version is migrated forward before it is installed; one
    /// that knows migrations this version does not is not installed.
    func testAnOlderVersionIsMigratedForwardAndALaterOneRefused() throws {
        let dir = temporaryDirectory("checkpoint-install-versions")
        let old = try ServiceStore(path: "\(dir)/old.sqlite", synchronousFull: false, sealer: Self.sealer, migrations: { _ in })
        try old.pool.write { db in try Inbox.setNextOffset(db, topic: "in", partition: 0, next: 40) }
        let mine = try store("mine-versions", value: 3, next: 20, writes: 0, outbox: "m")
        guard case .installed = try install(try checkpoint(of: old), into: mine) else { return XCTFail("an older version is installed") }
        XCTAssertEqual(try value(mine), -1, "the older version had no state row: its state is what it had")

        let later = try ServiceStore(path: "\(dir)/later.sqlite", synchronousFull: false, sealer: Self.sealer, migrations: {
            Self.migrations(&$0)
            $0.registerMigration("test-v2") { db in try db.execute(sql: "CREATE TABLE extra(x INTEGER)") }
        })
        try later.pool.write { db in try Inbox.setNextOffset(db, topic: "in", partition: 0, next: 99) }
        XCTAssertEqual(try install(try checkpoint(of: later), into: mine), .otherVersion)
    }

    /// Two replicas checkpointing one task at the same moment (one about to learn it lost the
    /// task) interleave their records on the partition: each checkpoint is still whole, found by
    /// its id and positions; one missing a chunk or with a chunk of another checkpoint in its place
    /// gives way to an earlier one.
    func testChunksAreFoundByTheirCheckpointNotTheirPlace() throws {
        let topic = "runtime.checkpoints.test", logger = Logger(label: "test")
        func records(_ bytes: [UInt8], id: String) -> (chunks: [OutgoingMessage], manifest: OutgoingMessage) {
            let (count, chunks) = TaskCheckpoints.chunks(of: bytes, id: id, service: "test", task: 1, topic: topic,
                                                         sealer: Self.sealer, chunkBytes: 4)
            let manifest = TaskCheckpoints.Manifest(id: id, service: "test", task: 1, taskCount: 3, chunks: count, bytes: bytes.count,
                                                    sha256: TaskCheckpoints.hex(SHA256.hash(data: bytes)), offsets: [:], writes: 0,
                                                    migrations: [], takenAt: "2026-12-01T00:00:00Z")
            return (chunks, OutgoingMessage(topic: topic, key: Array("manifest".utf8), value: Array(try! JSONEncoder().encode(manifest)),
                                            headers: [KafkaHeader("doudi_checkpoint", id)], partition: 1))
        }
        func log(_ messages: [OutgoingMessage]) -> [KafkaMessage] {
            messages.enumerated().map { KafkaMessage(topic: topic, partition: 1, offset: Int64($0.offset), key: $0.element.key,
                                                     value: $0.element.value, headers: $0.element.headers) }
        }
        func assemble(_ log: [KafkaMessage]) -> (String, [UInt8])? {
            TaskCheckpoints.assemble(log, service: "test", task: 1, taskCount: 3, sealer: Self.sealer, logger: logger).map { ($0.0.id, $0.1) }
        }
        let a = records(Array("checkpoint of replica A".utf8), id: "a"), b = records(Array("B's, taken at once".utf8), id: "b")
        XCTAssertEqual(a.chunks.count, 6)
        // A's and B's chunks alternate, then both manifests: the newest (B's) is whole.
        var interleaved: [OutgoingMessage] = []
        for i in 0..<max(a.chunks.count, b.chunks.count) {
            if i < a.chunks.count { interleaved.append(a.chunks[i]) }
            if i < b.chunks.count { interleaved.append(b.chunks[i]) }
        }
        XCTAssertEqual(assemble(log(interleaved + [a.manifest, b.manifest]))?.0, "b")
        XCTAssertEqual(assemble(log(interleaved + [a.manifest, b.manifest]))?.1, Array("B's, taken at once".utf8))
        XCTAssertEqual(assemble(log(interleaved + [b.manifest, a.manifest]))?.1, Array("checkpoint of replica A".utf8))
        // B lost a chunk: A's, earlier, is taken.
        let lost = interleaved.filter { $0.headers.map(\.stringValue) != ["b", "2/5"] }
        XCTAssertEqual(assemble(log(lost + [a.manifest, b.manifest]))?.0, "a")
        // A chunk of A relabelled as B's does not open under B's binding.
        var forged = b.chunks
        forged[0].value = a.chunks[0].value
        XCTAssertEqual(assemble(log(a.chunks + forged + [a.manifest, b.manifest]))?.0, "a")
        XCTAssertNil(assemble(log(b.chunks.dropLast() + [b.manifest])))
    }

    func testPositions() {
        typealias P = TaskCheckpoints.Position
        let base = P(offsets: ["a": ["0": 5, "1": 5]], writes: 1)
        XCTAssertEqual(P(offsets: ["a": ["0": 6, "1": 5]], writes: 1).isAhead(of: base), true)
        XCTAssertEqual(P(offsets: ["a": ["0": 5, "1": 5], "b": ["0": 1]], writes: 1).isAhead(of: base), true, "a topic the other never read")
        XCTAssertEqual(P(offsets: ["a": ["0": 5, "1": 5]], writes: 2).isAhead(of: base), true)
        XCTAssertEqual(base.isAhead(of: base), false)
        XCTAssertEqual(P(offsets: ["a": ["0": 4, "1": 9]], writes: 1).isAhead(of: base), nil, "each has something the other lacks")
        XCTAssertEqual(P(offsets: ["a": ["0": 9, "1": 9]], writes: 0).isAhead(of: base), nil)
        XCTAssertEqual(P(offsets: [:], writes: 0).isAhead(of: base), false)
    }
}
