// `GET /v1/stats` (for `doudi summary`): counts only, no personal data.
import DoudiDomain
import GRDB
import Hummingbird
import Store

struct StatsResponse: ResponseEncodable {
    var households: Int
    var householdsByCategory: [String: Int]
    var openWarnings: Int
    /// disposal → level → count.
    var openWarningsByDisposal: [String: [String: Int]]
    var tasksByKind: [String: Int]
    var eventClock: String?
}

enum Stats {
    static func read(_ store: ServiceStore) async throws -> StatsResponse {
        try await store.pool.read { db in
            var byCategory: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT coalesce(category, 'undecided'), count(*) FROM households GROUP BY 1") {
                byCategory[row[0]] = row[1]
            }
            var warnings: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT disposal, level, count(*) FROM warnings WHERE status = 'open' GROUP BY disposal, level
                """) {
                warnings[row[0] as String, default: [:]][row[1] as String] = row[2]
            }
            var tasks: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) FROM tasks WHERE status = 'open' GROUP BY kind") { tasks[row[0]] = row[1] }
            return StatsResponse(households: byCategory.values.reduce(0, +), householdsByCategory: byCategory,
                                 openWarnings: warnings.values.flatMap(\.values).reduce(0, +),
                                 openWarningsByDisposal: warnings, tasksByKind: tasks, eventClock: try EventClock.read(db)?.latestTime)
        }
    }
}
