// `GET /v1/stats` (for `doudi summary`): counts only, no personal data; counties named next to
// their codes (docs/regions.md).
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
    /// Households and open warnings per county, named (`140105 太原市小店区`), by code.
    var byCounty: [CountyCount]
    var eventClock: String?
}

struct CountyCount: Codable, Sendable {
    var county: String
    var label: String
    var households: Int
    var openWarnings: Int
}

enum Stats {
    /// Over every task's store (DOUDI_TASKS): counts summed, the latest task's clock.
    static func read(_ stores: [ServiceStore]) async throws -> StatsResponse {
        var total = StatsResponse(households: 0, householdsByCategory: [:], openWarnings: 0, openWarningsByDisposal: [:],
                                  tasksByKind: [:], byCounty: [], eventClock: nil)
        var counties: [String: CountyCount] = [:]
        for store in stores {
            let part = try await read(store)
            total.households += part.households
            total.householdsByCategory.merge(part.householdsByCategory, uniquingKeysWith: +)
            total.openWarnings += part.openWarnings
            for (disposal, levels) in part.openWarningsByDisposal {
                total.openWarningsByDisposal[disposal, default: [:]].merge(levels, uniquingKeysWith: +)
            }
            total.tasksByKind.merge(part.tasksByKind, uniquingKeysWith: +)
            for c in part.byCounty {
                var sum = counties[c.county] ?? CountyCount(county: c.county, label: c.label, households: 0, openWarnings: 0)
                sum.households += c.households; sum.openWarnings += c.openWarnings
                counties[c.county] = sum
            }
            if let clock = part.eventClock, let t = FactTime(clock),
               total.eventClock.flatMap(FactTime.init).map({ t > $0 }) ?? true { total.eventClock = clock }
        }
        total.byCounty = counties.values.sorted { $0.county < $1.county }
        return total
    }

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
            var counties: [String: CountyCount] = [:]
            func county(_ code: String) -> CountyCount {
                counties[code] ?? CountyCount(county: code, label: RegionNames.label(code), households: 0, openWarnings: 0)
            }
            for row in try Row.fetchAll(db, sql: "SELECT substr(region_code, 1, 6), count(*) FROM households GROUP BY 1") {
                let code: String = row[0]
                var c = county(code); c.households = row[1]; counties[code] = c
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT substr(h.region_code, 1, 6), count(*) FROM warnings w JOIN households h ON h.household_id = w.household_id
                WHERE w.status = 'open' GROUP BY 1
                """) {
                let code: String = row[0]
                var c = county(code); c.openWarnings = row[1]; counties[code] = c
            }
            var tasks: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) FROM tasks WHERE status = 'open' GROUP BY kind") { tasks[row[0]] = row[1] }
            return StatsResponse(households: byCategory.values.reduce(0, +), householdsByCategory: byCategory,
                                 openWarnings: warnings.values.flatMap(\.values).reduce(0, +),
                                 openWarningsByDisposal: warnings, tasksByKind: tasks,
                                 byCounty: counties.values.sorted { $0.county < $1.county }, eventClock: try EventClock.read(db)?.latestTime)
        }
    }
}
