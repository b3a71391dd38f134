// Tables of large rows rebuilt with rowids (issue 17, docs/benchmarks.md "Large rows with rowids").
// A WITHOUT ROWID table keeps whole rows in the leaves of its B-tree, and a row larger than about
// a quarter of a page's usable space (1,002 bytes of 4 KiB) spills its tail into an overflow page
// of its own: the classifier's warnings (about 1 KB of JSON each) used five pages of 4 KiB for
// four rows, and every update and read of one touched two pages. A rowid table keeps a row of up
// to 4,061 bytes in its leaf; its primary key becomes a unique index beside it, so lookups and
// upserts by that key (`ON CONFLICT(key)`) read the same.
import Foundation
import GRDB

public enum RowidTables {
    /// Rebuilds `table` as a rowid table with the same columns, constraints, rows and indexes.
    /// For a migration: inside its transaction, with foreign keys not pointing at the table.
    public static func rebuild(_ db: Database, table: String) throws {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", arguments: [table]) else {
            throw DatabaseError(message: "no table \(table) to rebuild")
        }
        guard let range = sql.range(of: "WITHOUT ROWID", options: [.caseInsensitive, .backwards]) else { return }
        let indexes = try String.fetchAll(db, sql: """
            SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name
            """, arguments: [table])
        let temporary = table + "_rowids"
        // The table's own statement, renamed and without the clause: `CREATE TABLE <name>(` opens
        // it, the column list closes at the last `)` before the clause, and other table options
        // (`STRICT`) are kept, on either side of it.
        guard let open = sql.firstIndex(of: "("), let close = sql[..<range.lowerBound].lastIndex(of: ")") else {
            throw DatabaseError(message: "unreadable schema of \(table)")
        }
        let options = (sql[sql.index(after: close)..<range.lowerBound] + "," + sql[range.upperBound...])
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        let body = String(sql[open...close]) + (options.isEmpty ? "" : " " + options.joined(separator: ", "))
        try db.execute(sql: "CREATE TABLE \(temporary)\(body)")
        try db.execute(sql: "INSERT INTO \(temporary) SELECT * FROM \(table)")
        try db.execute(sql: "DROP TABLE \(table)")
        try db.execute(sql: "ALTER TABLE \(temporary) RENAME TO \(table)")
        for index in indexes { try db.execute(sql: index) }
    }
}
