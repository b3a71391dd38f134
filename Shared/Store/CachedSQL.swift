import GRDB

// Statements of the per-event paths, prepared once per connection (issue 17, "Cost per
// household"). GRDB's `execute(sql:)` and `fetch…(db, sql:)` prepare the SQL on every call, and
// preparing runs GRDB's statement authorizer once per column read: a third of the router's store
// time went there. Only constant SQL (or one of a few fixed variants) belongs here: every distinct
// string stays in the connection's cache. One statement per string; migrations keep `execute(sql:)`.

public extension Database {
    /// `execute(sql:arguments:)` on a statement prepared once per connection.
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

public extension Row {
    static func fetchAll(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOne(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

public extension DatabaseValueConvertible {
    static func fetchAll(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func fetchOne(cached db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
