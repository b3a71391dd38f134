import GRDB
import Store
import TestSupport
import XCTest

/// The relay's rows from memory (`OutboxMemory`, `Outbox.next`): used only when every row about
/// to be published is remembered with the store's own `seq` and event id, read and opened from the
/// store otherwise. A real SQLite file, sealed values.
final class OutboxMemoryTests: XCTestCase {
    private func open(_ name: String) throws -> ServiceStore {
        try ServiceStore(path: "\(temporaryDirectory(name))/s.sqlite")
    }

    private func enqueue(_ db: Database, _ store: ServiceStore, _ id: String, value: String = "{}") throws -> OutboxMessage {
        try Outbox.enqueue(db, topic: "t", key: Array(id.utf8), value: Array(value.utf8),
                           headers: [("ce_id", Array(id.utf8)), ("bin", [0, 255])], eventID: id, sealer: store.sealer)
    }

    private func same(_ a: [OutboxMessage], _ b: [OutboxMessage], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.map(\.seq), b.map(\.seq), file: file, line: line)
        XCTAssertEqual(a.map(\.eventID), b.map(\.eventID), file: file, line: line)
        XCTAssertEqual(a.map(\.topic), b.map(\.topic), file: file, line: line)
        XCTAssertEqual(a.map(\.key), b.map(\.key), file: file, line: line)
        XCTAssertEqual(a.map(\.value), b.map(\.value), file: file, line: line)
        XCTAssertEqual(a.map { $0.headers.map(\.0) }, b.map { $0.headers.map(\.0) }, file: file, line: line)
        XCTAssertEqual(a.map { $0.headers.map(\.1) }, b.map { $0.headers.map(\.1) }, file: file, line: line)
    }

    func testCommittedRowsComeFromMemoryAsTheStoreWouldGiveThem() throws {
        let store = try open("outbox-memory")
        let written = try store.pool.write { db in try (1...3).map { try enqueue(db, store, "e\($0)", value: "{\"n\":\($0)}") } }
        store.outboxMemory.remember(written)
        let (rows, backlog, fromMemory) = try store.pool.read { try Outbox.next($0, limit: 10, sealer: store.sealer, memory: store.outboxMemory) }
        XCTAssertTrue(fromMemory)
        XCTAssertEqual(backlog, 3)
        same(rows, try store.pool.read { try Outbox.pending($0, limit: 10, sealer: store.sealer) })

        // A batch smaller than the outbox: the backlog is still the whole outbox.
        let first = try store.pool.read { try Outbox.next($0, limit: 2, sealer: store.sealer, memory: store.outboxMemory) }
        XCTAssertEqual(first.rows.map(\.eventID), ["e1", "e2"])
        XCTAssertEqual(first.backlog, 3)
        XCTAssertTrue(first.fromMemory)

        store.outboxMemory.forget(through: written[1].seq)
        XCTAssertEqual(store.outboxMemory.count, 1)
    }

    /// A row rolled back with its savepoint gives its `seq` to the next row (AUTOINCREMENT's counter
    /// is rolled back too): had it been remembered, the memory would hold another event under that
    /// `seq`. The event id tells them apart and the rows are read from the store.
    func testARowWhoseSeqWasUsedAgainIsReadFromTheStore() throws {
        let store = try open("outbox-memory-reused")
        struct Failed: Error {}
        let rolledBack = try store.pool.write { db -> OutboxMessage? in
            var kept: OutboxMessage?
            _ = try? Inbox.inSavepoint(db) { () -> Void in
                kept = try enqueue(db, store, "gone")
                throw Failed()
            }
            return kept
        }
        let gone = try XCTUnwrap(rolledBack)
        let written = try store.pool.write { db in try enqueue(db, store, "kept") }
        XCTAssertEqual(written.seq, gone.seq, "SQLite used the rolled-back row's seq again")
        store.outboxMemory.remember([gone])
        let (rows, _, fromMemory) = try store.pool.read { try Outbox.next($0, limit: 10, sealer: store.sealer, memory: store.outboxMemory) }
        XCTAssertFalse(fromMemory)
        XCTAssertEqual(rows.map(\.eventID), ["kept"])
        XCTAssertEqual(rows.first?.value, Array("{}".utf8))
    }

    /// A row this process did not remember (a dead letter, a row another replica wrote to a shared
    /// store, rows from before a restart, rows past the memory's bound): the batch is read from the
    /// store, in the store's order.
    func testARowNotRememberedSendsTheBatchToTheStore() throws {
        let store = try open("outbox-memory-missing")
        let a = try store.pool.write { db in try enqueue(db, store, "a") }
        _ = try store.pool.write { db in try enqueue(db, store, "not-remembered") }
        let c = try store.pool.write { db in try enqueue(db, store, "c") }
        store.outboxMemory.remember([a, c])
        let next = try store.pool.read { try Outbox.next($0, limit: 10, sealer: store.sealer, memory: store.outboxMemory) }
        XCTAssertFalse(next.fromMemory)
        XCTAssertEqual(next.rows.map(\.eventID), ["a", "not-remembered", "c"])

        // Once the head is sent, what follows is all remembered again.
        try store.pool.write { try Outbox.remove($0, throughSeq: next.rows[1].seq) }
        store.outboxMemory.forget(through: next.rows[1].seq)
        let rest = try store.pool.read { try Outbox.next($0, limit: 10, sealer: store.sealer, memory: store.outboxMemory) }
        XCTAssertTrue(rest.fromMemory)
        same(rest.rows, [c])
    }

    func testTheMemoryKeepsNothingPastItsBound() throws {
        let store = try open("outbox-memory-bound")
        let memory = OutboxMemory(maxBytes: 200)
        let written = try store.pool.write { db in try (1...4).map { try enqueue(db, store, "e\($0)", value: String(repeating: "x", count: 60)) } }
        memory.remember(written)
        XCTAssertEqual(memory.count, 2, "two rows of about 90 bytes fit in 200")
        let next = try store.pool.read { try Outbox.next($0, limit: 10, sealer: store.sealer, memory: memory) }
        XCTAssertFalse(next.fromMemory)
        same(next.rows, written)
        memory.forget(through: written[1].seq)
        memory.remember(written[2...])
        XCTAssertEqual(memory.count, 2)
        try store.pool.write { try Outbox.remove($0, throughSeq: written[1].seq) }
        let rest = try store.pool.read { try Outbox.next($0, limit: 10, sealer: store.sealer, memory: memory) }
        XCTAssertTrue(rest.fromMemory)
        same(rest.rows, Array(written[2...]))
        memory.clear()
        XCTAssertEqual(memory.count, 0)
    }
}
