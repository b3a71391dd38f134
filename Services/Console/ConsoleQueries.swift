// What the pages read from the read model, always inside one division code (the operator's
// region or a part of it: §5, each level answers for its own area). A region is a code prefix;
// `region_code >= p AND region_code < p || ';'` is its index range (';' sorts after the digits).
import DoudiDomain
import Foundation
import GRDB

struct Scope: Sendable {
    /// The division-code prefix ("" for the whole country).
    var region: String
    var range: (String, String) { (region, region + ";") }
    var clause: String { region.isEmpty ? "1" : "region_code >= ? AND region_code < ?" }
    var args: [DatabaseValueConvertible] { region.isEmpty ? [] : [region, region + ";"] }
}

struct Dashboard: Sendable {
    var categories: [(String, Int)] = []
    var openWarnings: [(level: String, disposal: String, count: Int)] = []
    var overdueReferrals = 0
    var escalatedReferrals = 0
    var overdueTasks = 0
    var pendingTasks = 0
    var programmes: [(String, Int)] = []
    var reliefPaidFen: Int64 = 0
    var payrollFen: Int64 = 0
    var weeks: [String] = []
    var opened: [Int] = []
    var resolved: [Int] = []
    var children: [(code: String, name: String, households: Int, openWarnings: Int)] = []
}

enum ConsoleQueries {
    static func dashboard(_ db: Database, scope: Scope, today: CivilDate, month: String) throws -> Dashboard {
        var d = Dashboard()
        let args = sqlArgs(scope.args)
        d.categories = try Row.fetchAll(db, sql: """
            SELECT category, households FROM console_category_counts WHERE region_code = ? AND households > 0 ORDER BY 2 DESC
            """, arguments: [scope.region]).map { ($0[0], $0[1]) }
        d.openWarnings = try Row.fetchAll(db, sql: """
            SELECT level, disposal, open FROM console_warning_counts WHERE region_code = ? AND open > 0
            """, arguments: [scope.region]).map { (level: $0[0], disposal: $0[1], count: $0[2]) }
            .sorted { (WarningLevel(rawValue: $0.level) ?? .yellow, $0.disposal) < (WarningLevel(rawValue: $1.level) ?? .yellow, $1.disposal) }
        let day = today.description
        func due(_ kind: String, before: String?) throws -> Int {
            try Int.fetchOne(db, sql: """
                SELECT coalesce(SUM(n), 0) FROM console_due_counts WHERE region_code = ? AND kind = ? AND (?3 IS NULL OR due_by < ?3)
                """, arguments: [scope.region, kind, before]) ?? 0
        }
        d.overdueReferrals = try due("referral", before: day)
        d.escalatedReferrals = try due("escalated", before: nil)
        d.pendingTasks = try due("task", before: nil)
        d.overdueTasks = try due("task", before: day)
        d.programmes = try Row.fetchAll(db, sql: """
            SELECT program, people FROM console_programme_counts WHERE region_code = ? AND people > 0 ORDER BY 2 DESC
            """, arguments: [scope.region]).map { ($0[0], $0[1]) }
        for row in try Row.fetchAll(db, sql: "SELECT kind, amount_fen FROM console_payment_sums WHERE region_code = ? AND month = ?",
                                    arguments: [scope.region, month]) {
            if row[0] as String == "relief" { d.reliefPaidFen = row[1] } else { d.payrollFen = row[1] }
        }
        // Eight weeks of warnings opened and resolved (weeks start on Monday).
        let monday = today.adding(days: -((today.dayNumber + 3) % 7))
        let starts = (0..<8).reversed().map { monday.adding(days: -7 * $0) }
        d.weeks = starts.map(\.description)
        let first = starts[0].description
        var opened = [Int](repeating: 0, count: 8), resolved = [Int](repeating: 0, count: 8)
        for row in try Row.fetchAll(db, sql: """
            SELECT week, opened, resolved FROM console_week_counts WHERE week >= ? AND region_code = ?
            """, arguments: [first, scope.region]) {
            if let i = d.weeks.firstIndex(of: row[0]) { opened[i] = row[1]; resolved[i] = row[2] }
        }
        d.opened = opened; d.resolved = resolved
        d.children = try children(db, of: scope.region)
        return d
    }

    /// The divisions one level down with their households and open warnings; villages (not in the
    /// directory) come from the codes the households carry.
    static func childLength(_ code: String) -> Int { switch code.count { case 0: 2; case 2: 4; case 4: 6; case 6: 9; default: 12 } }

    static func children(_ db: Database, of code: String) throws -> [(code: String, name: String, households: Int, openWarnings: Int)] {
        let length = childLength(code)
        guard code.count < 12 else { return [] }
        let households = try Row.fetchAll(db, sql: """
            SELECT region_code, SUM(households) FROM console_category_counts WHERE length(region_code) = ?3 AND region_code > ?1 AND region_code < ?2
            GROUP BY region_code HAVING SUM(households) > 0 ORDER BY region_code
            """, arguments: [code, code + ";", length])
        var open: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT region_code, SUM(open) FROM console_warning_counts WHERE length(region_code) = ?3 AND region_code > ?1 AND region_code < ?2 GROUP BY region_code
            """, arguments: [code, code + ";", length]) { open[row[0]] = row[1] }
        return households.map { row in
            let c: String = row[0]
            let name = length == 12 ? c : (RegionDirectory.standard.region(c)?.name ?? c)
            return (code: c, name: name, households: row[1], openWarnings: open[c] ?? 0)
        }
    }

    struct TaskRow: Sendable {
        var taskId: String, householdId: String?, regionCode: String, kind: String, state: String, level: String, office: String
        var dueBy: String, assignee: String?, reason: String
    }

    /// A wide scope (the country, a province, a city) walks the due-date index and filters the
    /// region; a narrow one reads its region's range and sorts the few rows it holds.
    static func wide(_ scope: Scope) -> Bool { scope.region.count <= 4 }

    static func tasks(_ db: Database, scope: Scope, states: [String], kind: String?, limit: Int, offset: Int) throws -> [TaskRow] {
        let pending = Set(states) == Set(Pages.pendingStates)
        let column = pending ? "pending" : "state"
        let index = "console_tasks_\(pending ? "pending" : "state")_\(wide(scope) ? "due" : "region_due")"
        var sql = "SELECT task_id, household_id, region_code, kind, state, level, office, due_by, assignee, reason FROM console_tasks INDEXED BY \(index) WHERE \(column) = ? AND \(scope.clause)"
        var args: [DatabaseValueConvertible] = [pending ? 1 : (states.first ?? "")] + scope.args
        if let kind { sql += " AND kind = ?"; args.append(kind) }
        sql += " ORDER BY due_by, task_id LIMIT ? OFFSET ?"
        args += [limit, offset]
        return try Row.fetchAll(db, sql: sql, arguments: sqlArgs(args)).map {
            TaskRow(taskId: $0[0], householdId: $0[1], regionCode: $0[2], kind: $0[3], state: $0[4], level: $0[5], office: $0[6],
                    dueBy: $0[7], assignee: $0[8], reason: $0[9])
        }
    }

    struct ReferralRow: Sendable {
        var referralId: String, householdId: String, domain: String, regionCode: String, status: String, level: String
        var dueBy: String, sentAt: String, escalatedAt: String?, decision: String?, program: String?
    }

    static func referrals(_ db: Database, scope: Scope, domain: String?, household: String? = nil, openOnly: Bool, limit: Int, offset: Int = 0) throws -> [ReferralRow] {
        var sql = "SELECT referral_id, household_id, domain, region_code, status, level, due_by, sent_at, escalated_at, decision, program FROM console_referrals WHERE "
        var args: [DatabaseValueConvertible] = []
        if let household { sql += "household_id = ?"; args.append(household) } else { sql += scope.clause; args += scope.args }
        if let domain { sql += " AND domain = ?"; args.append(domain) }
        if openOnly { sql += " AND open = 1" }
        if household == nil, openOnly {
            let index = "console_referrals_\(domain == nil ? "" : "domain_")\(wide(scope) ? "due" : "region_due")"
            sql = sql.replacingOccurrences(of: "FROM console_referrals WHERE", with: "FROM console_referrals INDEXED BY \(index) WHERE")
        }
        sql += " ORDER BY due_by, referral_id LIMIT ? OFFSET ?"
        args += [limit, offset]
        return try Row.fetchAll(db, sql: sql, arguments: sqlArgs(args)).map {
            ReferralRow(referralId: $0[0], householdId: $0[1], domain: $0[2], regionCode: $0[3], status: $0[4], level: $0[5], dueBy: $0[6],
                        sentAt: $0[7], escalatedAt: $0[8], decision: $0[9], program: $0[10])
        }
    }

    /// Per department: referrals waiting for a decision, overdue, escalated.
    static func referralsByDomain(_ db: Database, scope: Scope, today: CivilDate) throws -> [(domain: String, open: Int, overdue: Int, escalated: Int)] {
        var open: [String: (Int, Int)] = [:], escalated: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT kind, SUM(n), SUM(CASE WHEN due_by < ? THEN n ELSE 0 END) FROM console_due_counts
            WHERE region_code = ? AND kind > 'escalated:' AND kind < 'referral;' GROUP BY kind
            """, arguments: [today.description, scope.region]) {
            let kind: String = row[0]
            if kind.hasPrefix("referral:") { open[String(kind.dropFirst(9))] = (row[1], row[2]) }
            else if kind.hasPrefix("escalated:") { escalated[String(kind.dropFirst(10))] = row[1] }
        }
        return open.keys.sorted().compactMap { d in
            guard let (n, late) = open[d], n > 0 else { return nil }
            return (domain: d, open: n, overdue: late, escalated: escalated[d] ?? 0)
        }
    }

    struct HouseholdRow: Sendable { var householdId: String, regionCode: String, category: String, flags: String, members: Int }

    static func households(_ db: Database, scope: Scope, category: String?, limit: Int, offset: Int) throws -> [HouseholdRow] {
        var sql = "SELECT household_id, region_code, category, flags, members FROM console_households WHERE \(scope.clause)"
        var args = scope.args
        if let category { sql += " AND category = ?"; args.append(category) }
        sql += " ORDER BY region_code, household_id LIMIT ? OFFSET ?"
        args += [limit, offset]
        return try Row.fetchAll(db, sql: sql, arguments: sqlArgs(args)).map {
            HouseholdRow(householdId: $0[0], regionCode: $0[1], category: $0[2], flags: $0[3], members: $0[4])
        }
    }

    struct HouseholdView: Sendable {
        var profile: HouseholdProfile
        var category: String
        var warnings: [Warning]
        var referrals: [ReferralRow]
        var tasks: [TaskRow]
        var payments: [(kind: String, month: String, amountFen: Int64, program: String)]
        var timeline: [(at: String, topic: String, type: String, summary: String)]
    }

    static func household(_ db: Database, id: String) throws -> HouseholdView? {
        guard let profile = try ConsoleStore.profile(db, id), let row = try ConsoleStore.household(db, id) else { return nil }
        let warnings = try String.fetchAll(db, sql: "SELECT json FROM console_warnings WHERE household_id = ? ORDER BY opened_at DESC", arguments: [id])
            .compactMap { try? JSONDecoder().decode(Warning.self, from: Data($0.utf8)) }
        let tasks = try Row.fetchAll(db, sql: """
            SELECT task_id, household_id, region_code, kind, state, level, office, due_by, assignee, reason FROM console_tasks
            WHERE household_id = ? ORDER BY due_by DESC
            """, arguments: [id]).map {
            TaskRow(taskId: $0[0], householdId: $0[1], regionCode: $0[2], kind: $0[3], state: $0[4], level: $0[5], office: $0[6],
                    dueBy: $0[7], assignee: $0[8], reason: $0[9])
        }
        let payments = try Row.fetchAll(db, sql: "SELECT kind, month, amount_fen, program FROM console_payments WHERE household_id = ? ORDER BY month DESC LIMIT 60",
                                        arguments: [id]).map { (kind: $0[0] as String, month: $0[1] as String, amountFen: $0[2] as Int64, program: $0[3] as String) }
        let timeline = try Row.fetchAll(db, sql: "SELECT at, topic, type, summary FROM console_timeline WHERE household_id = ? ORDER BY at DESC LIMIT 500",
                                        arguments: [id]).map { (at: $0[0] as String, topic: $0[1] as String, type: $0[2] as String, summary: $0[3] as String) }
        return HouseholdView(profile: profile, category: row.category, warnings: warnings,
                             referrals: try referrals(db, scope: Scope(region: ""), domain: nil, household: id, openOnly: false, limit: 200),
                             tasks: tasks, payments: payments, timeline: timeline)
    }
}

func sqlArgs(_ values: [DatabaseValueConvertible]) -> StatementArguments {
    StatementArguments(values.map { Optional($0) as (any DatabaseValueConvertible)? })
}
