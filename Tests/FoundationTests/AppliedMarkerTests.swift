// The applied-marker (Inbox.claim, runtime-v7-legacy-markers): a new event is claimed by one
// INSERT; the same (ce_source, ce_id) with the same payload is a re-delivery, with another payload
// a collision; markers from before the source was recorded move to a table of their own in an
// upgraded store and still count as applied for their id, whatever the source, until the replay
// horizon forgets them. On a real SQLite file, upgraded from a store of the first schema.
import Foundation
import GRDB
import Store
import TestSupport
import XCTest

final class AppliedMarkerTests: XCTestCase {
    func testClaimsRedeliveriesCollisionsAndLegacyMarkers() throws {
        let queue = try DatabaseQueue(path: temporaryDirectory("applied-markers") + "/store.sqlite")
        var migrator = DatabaseMigrator()
        ServiceStore.registerAll(&migrator) { _ in }
        // A store of runtime-v2: markers are ids alone.
        try migrator.migrate(queue, upTo: "runtime-v2")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO runtime_applied_events(event_id, applied_at) VALUES ('old-1', 1000), ('old-2', 5000)")
        }
        try migrator.migrate(queue)

        try queue.write { db in
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM runtime_applied_events WHERE source = ''"), 0,
                           "legacy markers moved out of the table of markers")
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT event_id FROM runtime_legacy_applied ORDER BY event_id"), ["old-1", "old-2"])
            XCTAssertTrue(try Inbox.hasLegacyMarkers(db))

            // A legacy marker counts as applied for its id, from any source.
            XCTAssertEqual(try Inbox.claim(db, source: "/a", eventID: "old-1", digest: "d1", atMs: 9000, legacy: true), .applied)
            XCTAssertTrue(try Inbox.isApplied(db, source: "/b", eventID: "old-2"))

            // New, then the same again, then the same identity with other content.
            XCTAssertEqual(try Inbox.claim(db, source: "/a", eventID: "e-1", digest: "d1", atMs: 9000, legacy: true), .new)
            XCTAssertEqual(try Inbox.claim(db, source: "/a", eventID: "e-1", digest: "d1", atMs: 9001, legacy: true), .applied)
            XCTAssertEqual(try Inbox.claim(db, source: "/a", eventID: "e-1", digest: "d2", atMs: 9002, legacy: true), .collision)
            // Another producer's id is its own.
            XCTAssertEqual(try Inbox.claim(db, source: "/b", eventID: "e-1", digest: "d2", atMs: 9003, legacy: true), .new)
            XCTAssertTrue(try Inbox.isApplied(db, source: "/a", eventID: "e-1"))
            XCTAssertFalse(try Inbox.isApplied(db, source: "/c", eventID: "e-1"))
            // A marker without a digest (written by `markApplied` without one) is applied for any content.
            try Inbox.markApplied(db, source: "/a", eventID: "e-2", digest: nil, atMs: 9004)
            XCTAssertEqual(try Inbox.claim(db, source: "/a", eventID: "e-2", digest: "d9", atMs: 9005, legacy: true), .applied)
        }

        // A claim rolled back with its event's savepoint leaves no marker: the event is new again.
        try queue.write { db in
            struct Failed: Error {}
            XCTAssertThrowsError(try Inbox.inSavepoint(db) {
                XCTAssertEqual(try Inbox.claim(db, source: "/a", eventID: "e-3", digest: "d3", atMs: 9006, legacy: true), .new)
                throw Failed()
            })
            XCTAssertFalse(try Inbox.isApplied(db, source: "/a", eventID: "e-3"))
            XCTAssertEqual(try Inbox.claim(db, source: "/a", eventID: "e-3", digest: "d3", atMs: 9007, legacy: true), .new)
        }

        // The horizon forgets legacy markers as it forgets the others; with none left, none is looked for.
        try queue.write { db in
            XCTAssertEqual(try Inbox.prune(db, appliedBeforeMs: 2000), 1, "old-1 only")
            XCTAssertTrue(try Inbox.hasLegacyMarkers(db))
            XCTAssertEqual(try Inbox.prune(db, appliedBeforeMs: 9002), 2,
                           "old-2 and the marker of e-1 from /a (a legacy marker's claim writes none)")
            XCTAssertFalse(try Inbox.hasLegacyMarkers(db))
            XCTAssertFalse(try Inbox.isApplied(db, source: "/a", eventID: "old-2"))
            XCTAssertEqual(try Inbox.claim(db, source: "/a", eventID: "old-2", digest: "d1", atMs: 9010, legacy: false), .new)
        }
    }
}
