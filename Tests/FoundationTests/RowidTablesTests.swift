// RowidTables: a WITHOUT ROWID table of large rows rebuilt with rowids keeps its columns (those
// added later too), rows, keys, upserts and indexes, and its rows no longer spill into overflow pages.
import Foundation
import GRDB
import Store
import TestSupport
import XCTest

final class RowidTablesTests: XCTestCase {
    func testRebuildKeepsRowsKeysAndIndexes() throws {
        let queue = try DatabaseQueue(path: temporaryDirectory("rowid-tables") + "/store.sqlite")
        let blob = Data(repeating: 7, count: 1_500)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE things(thing_id TEXT PRIMARY KEY NOT NULL, owner TEXT NOT NULL, state TEXT NOT NULL,
                  body BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX things_owner ON things(owner, state);
                CREATE INDEX things_open ON things(state) WHERE state = 'open';
                ALTER TABLE things ADD COLUMN revised_at TEXT;
                CREATE TABLE pairs(a TEXT NOT NULL, b TEXT NOT NULL, v BLOB NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;
                CREATE TABLE plain(id INTEGER PRIMARY KEY, v TEXT);
                CREATE TABLE strict_one(k TEXT PRIMARY KEY NOT NULL, v BLOB) WITHOUT ROWID, STRICT;
                """)
            for i in 0..<200 {
                try db.execute(sql: "INSERT INTO things VALUES (?, ?, ?, ?, ?)",
                               arguments: ["t\(i)", "o\(i % 7)", i % 3 == 0 ? "open" : "closed", blob, i % 2 == 0 ? "2026-12-0\(i % 9 + 1)" : nil])
                try db.execute(sql: "INSERT INTO pairs VALUES (?, ?, ?)", arguments: ["a\(i % 10)", "b\(i)", blob])
            }
            try db.execute(sql: "INSERT INTO plain(v) VALUES ('x')")
        }
        let before = try queue.read { db in
            (try Row.fetchAll(db, sql: "SELECT * FROM things ORDER BY thing_id"), try Row.fetchAll(db, sql: "SELECT * FROM pairs ORDER BY a, b"),
             try String.fetchAll(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'things' AND sql IS NOT NULL ORDER BY name"),
             try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0)
        }
        try queue.write { db in
            try RowidTables.rebuild(db, table: "things")
            try RowidTables.rebuild(db, table: "pairs")
            try RowidTables.rebuild(db, table: "plain")  // no clause: left alone
            try RowidTables.rebuild(db, table: "strict_one")
        }
        try queue.writeWithoutTransaction { try $0.execute(sql: "VACUUM") }
        try queue.read { db in
            XCTAssertEqual(try Row.fetchAll(db, sql: "SELECT * FROM things ORDER BY thing_id"), before.0)
            XCTAssertEqual(try Row.fetchAll(db, sql: "SELECT * FROM pairs ORDER BY a, b"), before.1)
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'things' AND sql IS NOT NULL ORDER BY name"), before.2)
            for table in ["things", "pairs"] {
                let sql = try XCTUnwrap(try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = ?", arguments: [table]))
                XCTAssertFalse(sql.uppercased().contains("WITHOUT ROWID"), sql)
                XCTAssertTrue(sql.hasPrefix("CREATE TABLE \"\(table)\"") || sql.hasPrefix("CREATE TABLE \(table)"), sql)
            }
            XCTAssertEqual(try String.fetchOne(db, sql: "SELECT v FROM plain"), "x")
            let strict = try XCTUnwrap(try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'strict_one'"))
            XCTAssertTrue(strict.hasSuffix(") STRICT"), strict)
            // 1,500-byte rows: one overflow page each before, none after.
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            XCTAssertLessThan(pages, before.3 * 3 / 4, "pages \(before.3) → \(pages)")
            // The key is still unique and still an upsert's target; the indexes are used.
            XCTAssertThrowsError(try db.execute(sql: "INSERT INTO things(thing_id, owner, state, body) VALUES ('t1', 'o', 'open', x'')"))
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT thing_id FROM things WHERE owner = 'o1' AND state = 'open'")
                .map { $0["detail"] as String }.joined(separator: "; ")
            XCTAssertTrue(plan.contains("things_owner"), plan)
        }
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO things(thing_id, owner, state, body) VALUES ('t1', 'o9', 'open', x'01')
                ON CONFLICT(thing_id) DO UPDATE SET state = excluded.state, owner = excluded.owner
                """)
            try db.execute(sql: "INSERT INTO pairs VALUES ('a1', 'b1', x'') ON CONFLICT(a, b) DO UPDATE SET v = x'02'")
            XCTAssertEqual(try String.fetchOne(db, sql: "SELECT owner || state FROM things WHERE thing_id = 't1'"), "o9open")
            XCTAssertEqual(try Data.fetchOne(db, sql: "SELECT v FROM pairs WHERE a = 'a1' AND b = 'b1'"), Data([2]))
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM things"), 200)
        }
    }
}
