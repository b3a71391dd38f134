// The console's read model (issue 16): what county and township staff look at, projected from the
// topics (registry, warnings, referrals, outcomes, tasks, relief, payroll) by the runtime and
// rebuilt by replay like every other store. Counts that every dashboard needs (households by
// category, people per programme) are kept per division code as they change, so a page over a
// province sums a few thousand rows instead of scanning a million households (guideline §3.1:
// the database is the basis of monitoring; §5: each level sees its own area).
import DoudiDomain
import Envelope
import Foundation
import GRDB

enum ConsoleStore {
    static func register(_ m: inout DatabaseMigrator) {
        m.registerMigration("console-v1") { db in
            try db.execute(sql: """
                -- One row per household: its latest profile (sealed: names and identity numbers), its
                -- category (the latest warning's, else the programmes held) and the columns pages filter on.
                CREATE TABLE console_households(household_id TEXT PRIMARY KEY NOT NULL, region_code TEXT NOT NULL,
                  category TEXT NOT NULL, flags TEXT NOT NULL, members INTEGER NOT NULL, version INTEGER NOT NULL,
                  as_of TEXT NOT NULL, profile BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX console_households_region ON console_households(region_code);
                -- Counts are kept for every prefix of a code (country "", province, city, county, township,
                -- village), so any division's figures are one row per value, and its children one range.
                CREATE TABLE console_warning_counts(region_code TEXT NOT NULL, level TEXT NOT NULL, disposal TEXT NOT NULL, open INTEGER NOT NULL,
                  PRIMARY KEY(region_code, level, disposal)) WITHOUT ROWID;
                CREATE TABLE console_category_counts(region_code TEXT NOT NULL, category TEXT NOT NULL, households INTEGER NOT NULL,
                  PRIMARY KEY(region_code, category)) WITHOUT ROWID;
                CREATE TABLE console_programmes(household_id TEXT NOT NULL, region_code TEXT NOT NULL, domain TEXT NOT NULL,
                  program TEXT NOT NULL, person_key TEXT NOT NULL, amount_fen INTEGER, since TEXT NOT NULL,
                  PRIMARY KEY(household_id, domain, program, person_key)) WITHOUT ROWID;
                CREATE TABLE console_programme_counts(region_code TEXT NOT NULL, program TEXT NOT NULL, people INTEGER NOT NULL,
                  PRIMARY KEY(region_code, program)) WITHOUT ROWID;
                CREATE TABLE console_warnings(warning_id TEXT PRIMARY KEY NOT NULL, household_id TEXT NOT NULL, region_code TEXT NOT NULL,
                  level TEXT NOT NULL, disposal TEXT NOT NULL, category TEXT NOT NULL, status TEXT NOT NULL, opened_at TEXT NOT NULL,
                  resolved_at TEXT, due_by TEXT, json TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX console_warnings_open ON console_warnings(status, region_code);
                CREATE INDEX console_warnings_household ON console_warnings(household_id);
                CREATE INDEX console_warnings_opened ON console_warnings(region_code, opened_at);
                CREATE TABLE console_referrals(referral_id TEXT PRIMARY KEY NOT NULL, warning_id TEXT NOT NULL, household_id TEXT NOT NULL,
                  domain TEXT NOT NULL, region_code TEXT NOT NULL, status TEXT NOT NULL, level TEXT NOT NULL, due_by TEXT NOT NULL,
                  sent_at TEXT NOT NULL, escalated_at TEXT, decision TEXT, decided_at TEXT, program TEXT) WITHOUT ROWID;
                CREATE INDEX console_referrals_domain ON console_referrals(domain, status, region_code, due_by);
                CREATE INDEX console_referrals_open ON console_referrals(status, region_code, due_by);
                CREATE INDEX console_referrals_household ON console_referrals(household_id);
                CREATE TABLE console_tasks(task_id TEXT PRIMARY KEY NOT NULL, household_id TEXT, region_code TEXT NOT NULL, kind TEXT NOT NULL,
                  state TEXT NOT NULL, level TEXT NOT NULL, office TEXT NOT NULL, due_by TEXT NOT NULL, assignee TEXT, reason TEXT NOT NULL,
                  completed_on TEXT) WITHOUT ROWID;
                CREATE INDEX console_tasks_region ON console_tasks(state, region_code, due_by);
                CREATE INDEX console_tasks_household ON console_tasks(household_id);
                -- Relief applications: where a case is (disbursements name only the application).
                CREATE TABLE console_relief_applications(application_id TEXT PRIMARY KEY NOT NULL, household_id TEXT,
                  region_code TEXT NOT NULL, requested_fen INTEGER NOT NULL, urgent INTEGER NOT NULL, occurred_on TEXT NOT NULL) WITHOUT ROWID;
                -- Money paid: relief disbursements and payroll lines, by the month (China Standard Time) they are for.
                CREATE TABLE console_payments(payment_id TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, household_id TEXT,
                  region_code TEXT NOT NULL, month TEXT NOT NULL, amount_fen INTEGER NOT NULL, program TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX console_payments_month ON console_payments(month, region_code);
                CREATE INDEX console_payments_household ON console_payments(household_id);
                -- Warnings opened and resolved per week (its Monday, China Standard Time) and division: the trend charts.
                CREATE TABLE console_week_counts(region_code TEXT NOT NULL, week TEXT NOT NULL, opened INTEGER NOT NULL, resolved INTEGER NOT NULL,
                  PRIMARY KEY(week, region_code)) WITHOUT ROWID;
                -- Every event about a household, across topics, in event time.
                CREATE TABLE console_timeline(household_id TEXT NOT NULL, at TEXT NOT NULL, event_id TEXT NOT NULL, topic TEXT NOT NULL,
                  type TEXT NOT NULL, summary TEXT NOT NULL, PRIMARY KEY(household_id, at, event_id)) WITHOUT ROWID;
                """)
        }
    }

    /// What v2 adds (also run by the benchmark after a bulk fill): whether a referral waits for a
    /// decision and a task for someone, and the counts by due date of both per division prefix, so
    /// "overdue" is a sum over dates instead of a scan of a province's referrals.
    static let backfillV2 = """
        UPDATE console_referrals SET open = (status IN ('sent', 'escalated') AND decision IS NULL);
        UPDATE console_tasks SET pending = (state IN ('open', 'assigned', 'overdue'));
        DELETE FROM console_due_counts;
        CREATE TEMP TABLE console_prefix_lengths(n INTEGER); INSERT INTO console_prefix_lengths VALUES (0), (2), (4), (6), (9), (12);
        INSERT INTO console_due_counts(region_code, kind, due_by, n)
          SELECT substr(region_code, 1, n), 'task', due_by, count(*) FROM console_tasks, console_prefix_lengths
          WHERE pending = 1 AND length(region_code) >= n GROUP BY 1, 2, 3;
        INSERT INTO console_due_counts(region_code, kind, due_by, n)
          SELECT substr(region_code, 1, n), CASE WHEN k.kind LIKE '%:' THEN k.kind || domain ELSE k.kind END, due_by, count(*) FROM console_referrals, console_prefix_lengths,
            (SELECT 'referral' AS kind UNION ALL SELECT 'referral:' UNION ALL SELECT 'escalated' UNION ALL SELECT 'escalated:') AS k
          WHERE open = 1 AND length(region_code) >= n AND (k.kind LIKE 'referral%' OR status = 'escalated')
          GROUP BY 1, 2, 3;
        DROP TABLE console_prefix_lengths;
        """

    /// v3: money paid per month, kind and division prefix (relief paid this month, the payroll).
    static let backfillV3 = """
        DELETE FROM console_payment_sums;
        INSERT INTO console_payment_sums(region_code, month, kind, amount_fen)
          SELECT substr(region_code, 1, n), month, kind, SUM(amount_fen) FROM console_payments,
            (SELECT 0 AS n UNION ALL SELECT 2 UNION ALL SELECT 4 UNION ALL SELECT 6 UNION ALL SELECT 9 UNION ALL SELECT 12)
          WHERE length(region_code) >= n GROUP BY 1, 2, 3;
        """

    static func registerV2(_ m: inout DatabaseMigrator) {
        m.registerMigration("console-v2") { db in
            try db.execute(sql: """
                ALTER TABLE console_referrals ADD COLUMN open INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE console_tasks ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
                DROP INDEX console_referrals_domain; DROP INDEX console_referrals_open; DROP INDEX console_tasks_region;
                CREATE INDEX console_referrals_due ON console_referrals(open, due_by);
                CREATE INDEX console_referrals_region_due ON console_referrals(open, region_code, due_by);
                CREATE INDEX console_referrals_domain_due ON console_referrals(domain, open, due_by);
                CREATE INDEX console_referrals_domain_region_due ON console_referrals(domain, open, region_code, due_by);
                CREATE INDEX console_tasks_pending_due ON console_tasks(pending, due_by);
                CREATE INDEX console_tasks_pending_region_due ON console_tasks(pending, region_code, due_by);
                CREATE INDEX console_tasks_state_due ON console_tasks(state, due_by);
                CREATE INDEX console_tasks_state_region_due ON console_tasks(state, region_code, due_by);
                CREATE INDEX console_households_category ON console_households(category, region_code, household_id);
                CREATE INDEX console_category_counts_depth ON console_category_counts(length(region_code), region_code);
                CREATE INDEX console_warning_counts_depth ON console_warning_counts(length(region_code), region_code);
                CREATE TABLE console_due_counts(region_code TEXT NOT NULL, kind TEXT NOT NULL, due_by TEXT NOT NULL, n INTEGER NOT NULL,
                  PRIMARY KEY(region_code, kind, due_by)) WITHOUT ROWID;
                """)
            try db.execute(sql: backfillV2)
        }
        m.registerMigration("console-v3") { db in
            try db.execute(sql: """
                CREATE TABLE console_payment_sums(region_code TEXT NOT NULL, month TEXT NOT NULL, kind TEXT NOT NULL, amount_fen INTEGER NOT NULL,
                  PRIMARY KEY(region_code, month, kind)) WITHOUT ROWID;
                """)
            try db.execute(sql: backfillV3)
        }
    }

    // MARK: waiting work by due date

    struct Waiting: Equatable { var region: String; var domain: String; var due: String; var open: Bool; var escalated: Bool }

    static func referralWaiting(_ db: Database, _ id: String) throws -> Waiting? {
        try Row.fetchOne(db, sql: "SELECT region_code, domain, due_by, status, decision FROM console_referrals WHERE referral_id = ?", arguments: [id]).map {
            let status: String = $0[3], decision: String? = $0[4]
            return Waiting(region: $0[0], domain: $0[1], due: $0[2], open: (status == "sent" || status == "escalated") && decision == nil,
                           escalated: status == "escalated")
        }
    }

    static func countDue(_ db: Database, region: String, kind: String, due: String, by n: Int) throws {
        for p in prefixes(region) {
            try db.execute(sql: """
                INSERT INTO console_due_counts(region_code, kind, due_by, n) VALUES (?, ?, ?, ?)
                ON CONFLICT(region_code, kind, due_by) DO UPDATE SET n = n + excluded.n
                """, arguments: [p, kind, due, n])
        }
    }

    /// Runs `change` on a referral and moves its counts from what it was to what it is.
    static func changingReferral(_ db: Database, _ id: String, _ change: () throws -> Void) throws {
        let before = try referralWaiting(db, id)
        try change()
        try db.execute(sql: "UPDATE console_referrals SET open = (status IN ('sent', 'escalated') AND decision IS NULL) WHERE referral_id = ?", arguments: [id])
        let after = try referralWaiting(db, id)
        guard before != after else { return }
        for (w, n) in [(before, -1), (after, 1)] {
            guard let w, w.open else { continue }
            try countDue(db, region: w.region, kind: "referral", due: w.due, by: n)
            try countDue(db, region: w.region, kind: "referral:" + w.domain, due: w.due, by: n)
            if w.escalated {
                try countDue(db, region: w.region, kind: "escalated", due: w.due, by: n)
                try countDue(db, region: w.region, kind: "escalated:" + w.domain, due: w.due, by: n)
            }
        }
    }

    /// Runs `change` on a payment and moves the monthly sums from what it was to what it is.
    static func changingPayment(_ db: Database, _ id: String, _ change: () throws -> Void) throws {
        func read() throws -> Row? { try Row.fetchOne(db, sql: "SELECT region_code, month, kind, amount_fen FROM console_payments WHERE payment_id = ?", arguments: [id]) }
        let before = try read()
        try change()
        let after = try read()
        guard before != after else { return }
        for (row, sign) in [(before, Int64(-1)), (after, Int64(1))] {
            guard let row else { continue }
            let amount: Int64 = row[3]
            for p in prefixes(row[0]) {
                try db.execute(sql: """
                    INSERT INTO console_payment_sums(region_code, month, kind, amount_fen) VALUES (?, ?, ?, ?)
                    ON CONFLICT(region_code, month, kind) DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen
                    """, arguments: [p, row[1] as String, row[2] as String, sign * amount])
            }
        }
    }

    static func taskWaiting(_ db: Database, _ id: String) throws -> (region: String, due: String)? {
        try Row.fetchOne(db, sql: "SELECT region_code, due_by, state FROM console_tasks WHERE task_id = ?", arguments: [id]).flatMap {
            let state: String = $0[2]
            return CaseworkState(rawValue: state)?.isPending == true ? (region: $0[0] as String, due: $0[1] as String) : nil
        }
    }

    static func changingTask(_ db: Database, _ id: String, _ change: () throws -> Void) throws {
        let before = try taskWaiting(db, id)
        try change()
        try db.execute(sql: "UPDATE console_tasks SET pending = (state IN ('open', 'assigned', 'overdue')) WHERE task_id = ?", arguments: [id])
        let after = try taskWaiting(db, id)
        guard before?.region != after?.region || before?.due != after?.due else { return }
        if let before { try countDue(db, region: before.region, kind: "task", due: before.due, by: -1) }
        if let after { try countDue(db, region: after.region, kind: "task", due: after.due, by: 1) }
    }

    // MARK: households

    struct HouseholdRow { var regionCode: String; var category: String; var version: Int; var asOf: String }

    static func household(_ db: Database, _ id: String) throws -> HouseholdRow? {
        try Row.fetchOne(db, sql: "SELECT region_code, category, version, as_of FROM console_households WHERE household_id = ?", arguments: [id])
            .map { HouseholdRow(regionCode: $0[0], category: $0[1], version: $0[2], asOf: $0[3]) }
    }

    static func profile(_ db: Database, _ id: String) throws -> HouseholdProfile? {
        guard let data = try Data.fetchOne(db, sql: "SELECT doudi_open(profile, 'console_households/' || household_id) FROM console_households WHERE household_id = ?",
                                           arguments: [id]) else { return nil }
        return try JSONDecoder().decode(HouseholdProfile.self, from: data)
    }

    /// The point a profile describes: later fact times win; for one fact time, the higher version.
    static func isNewer(_ p: HouseholdProfile, than row: HouseholdRow) -> Bool {
        let asOf = p.asOf ?? p.collectedAt
        if asOf != row.asOf {
            return (Timestamp.milliseconds(asOf) ?? 0, asOf) > (Timestamp.milliseconds(row.asOf) ?? 0, row.asOf)
        }
        return p.version > row.version
    }

    static func saveProfile(_ db: Database, _ p: HouseholdProfile) throws {
        let existing = try household(db, p.householdId)
        if let existing, !isNewer(p, than: existing) { return }
        let category = try categoryOf(db, householdId: p.householdId, programs: p.programs)
        if let existing { try count(db, region: existing.regionCode, category: existing.category, by: -1) }
        try count(db, region: p.regionCode, category: category, by: 1)
        let json = try JSONCoding.encoder.encode(p)
        try db.execute(sql: """
            INSERT INTO console_households(household_id, region_code, category, flags, members, version, as_of, profile)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, doudi_seal(?8, 'console_households/' || ?1))
            ON CONFLICT(household_id) DO UPDATE SET region_code = excluded.region_code, category = excluded.category,
              flags = excluded.flags, members = excluded.members, version = excluded.version, as_of = excluded.as_of, profile = excluded.profile
            """, arguments: [p.householdId, p.regionCode, category, p.flags.joined(separator: ","), p.members.count, p.version,
                             p.asOf ?? p.collectedAt, json])
        // Programmes held now: people per programme.
        for old in try Row.fetchAll(db, sql: "SELECT region_code, program FROM console_programmes WHERE household_id = ?", arguments: [p.householdId]) {
            try countProgramme(db, region: old[0], program: old[1], by: -1)
        }
        try db.execute(sql: "DELETE FROM console_programmes WHERE household_id = ?", arguments: [p.householdId])
        for g in Set(p.programs) {
            try db.execute(sql: """
                INSERT OR IGNORE INTO console_programmes(household_id, region_code, domain, program, person_key, amount_fen, since)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [p.householdId, p.regionCode, g.domain.rawValue, g.program, g.personKey ?? "", g.amountFen, g.since])
            if db.changesCount > 0 { try countProgramme(db, region: p.regionCode, program: g.program, by: 1) }
        }
    }

    /// A household's category: its latest warning's (the classifier decides it, §2.1), else what
    /// the programmes it holds say (dibao, tekun), else `unassessed` (no warning about it yet).
    static func categoryOf(_ db: Database, householdId: String, programs: [Program]?) throws -> String {
        if let c = try String.fetchOne(db, sql: """
            SELECT category FROM console_warnings WHERE household_id = ? AND status != 'retracted' ORDER BY opened_at DESC, warning_id DESC LIMIT 1
            """, arguments: [householdId]) { return c }
        let held = try programs.map { Set($0.map(\.program)) }
            ?? Set(try String.fetchAll(db, sql: "SELECT program FROM console_programmes WHERE household_id = ?", arguments: [householdId]))
        if held.contains(where: { $0.contains("tekun") }) { return Category.tekun.rawValue }
        if held.contains(where: { $0.contains("dibao") }) { return Category.dibao.rawValue }
        return "unassessed"
    }

    static func refreshCategory(_ db: Database, householdId: String) throws {
        guard let row = try household(db, householdId) else { return }
        let category = try categoryOf(db, householdId: householdId, programs: nil)
        guard category != row.category else { return }
        try count(db, region: row.regionCode, category: row.category, by: -1)
        try count(db, region: row.regionCode, category: category, by: 1)
        try db.execute(sql: "UPDATE console_households SET category = ? WHERE household_id = ?", arguments: [category, householdId])
    }

    /// The prefixes a division code rolls up into: the country, province, city, county, township, village.
    static func prefixes(_ code: String) -> [String] {
        [0, 2, 4, 6, 9, 12].filter { $0 <= code.count }.map { String(code.prefix($0)) }
    }

    static func count(_ db: Database, region: String, category: String, by n: Int) throws {
        for p in prefixes(region) {
            try db.execute(sql: """
                INSERT INTO console_category_counts(region_code, category, households) VALUES (?, ?, ?)
                ON CONFLICT(region_code, category) DO UPDATE SET households = households + excluded.households
                """, arguments: [p, category, n])
        }
    }

    static func countProgramme(_ db: Database, region: String, program: String, by n: Int) throws {
        for p in prefixes(region) {
            try db.execute(sql: """
                INSERT INTO console_programme_counts(region_code, program, people) VALUES (?, ?, ?)
                ON CONFLICT(region_code, program) DO UPDATE SET people = people + excluded.people
                """, arguments: [p, program, n])
        }
    }

    static func countOpen(_ db: Database, region: String, level: String, disposal: String, by n: Int) throws {
        for p in prefixes(region) {
            try db.execute(sql: """
                INSERT INTO console_warning_counts(region_code, level, disposal, open) VALUES (?, ?, ?, ?)
                ON CONFLICT(region_code, level, disposal) DO UPDATE SET open = open + excluded.open
                """, arguments: [p, level, disposal, n])
        }
    }

    // MARK: warnings, referrals, tasks, money

    /// The Monday (China Standard Time) of the week of an RFC 3339 time.
    static func week(_ time: String) -> String? {
        guard let ms = Timestamp.milliseconds(time) else { return nil }
        let day = CivilDate(dayNumber: Int((ms + 8 * 3_600_000) / 86_400_000))
        return day.adding(days: -((day.dayNumber + 3) % 7)).description
    }

    static func countWeek(_ db: Database, region: String, time: String?, opened: Int, resolved: Int) throws {
        guard let time, let week = week(time) else { return }
        for p in prefixes(region) {
            try db.execute(sql: """
                INSERT INTO console_week_counts(region_code, week, opened, resolved) VALUES (?, ?, ?, ?)
                ON CONFLICT(week, region_code) DO UPDATE SET opened = opened + excluded.opened, resolved = resolved + excluded.resolved
                """, arguments: [p, week, opened, resolved])
        }
    }

    static func saveWarning(_ db: Database, _ w: Warning) throws {
        // The trend counts follow each warning's transitions: opened once, resolved once, and a
        // retraction takes its opening back (it never held).
        let before = try Row.fetchOne(db, sql: "SELECT status, region_code, opened_at, resolved_at, level, disposal FROM console_warnings WHERE warning_id = ?",
                                      arguments: [w.warningId])
        let was: String? = before?[0]
        if let before, was == "open" { try countOpen(db, region: before[1], level: before[4], disposal: before[5], by: -1) }
        if w.status == .open { try countOpen(db, region: w.regionCode, level: w.level.rawValue, disposal: w.disposal.rawValue, by: 1) }
        if let before {
            if was == "resolved" { try countWeek(db, region: before[1], time: before[3], opened: 0, resolved: -1) }
            if was != "retracted" { try countWeek(db, region: before[1], time: before[2], opened: -1, resolved: 0) }
        }
        if w.status != .retracted { try countWeek(db, region: w.regionCode, time: w.openedAt, opened: 1, resolved: 0) }
        if w.status == .resolved { try countWeek(db, region: w.regionCode, time: w.resolvedAt ?? w.openedAt, opened: 0, resolved: 1) }
        let json = String(decoding: try JSONCoding.encoder.encode(w), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO console_warnings(warning_id, household_id, region_code, level, disposal, category, status, opened_at, resolved_at, due_by, json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(warning_id) DO UPDATE SET household_id = excluded.household_id, region_code = excluded.region_code,
              level = excluded.level, disposal = excluded.disposal, category = excluded.category, status = excluded.status,
              opened_at = excluded.opened_at, resolved_at = excluded.resolved_at, due_by = excluded.due_by, json = excluded.json
            """, arguments: [w.warningId, w.householdId, w.regionCode, w.level.rawValue, w.disposal.rawValue, w.category.rawValue,
                             w.status.rawValue, w.openedAt, w.resolvedAt, w.dueBy, json])
        try refreshCategory(db, householdId: w.householdId)
    }

    static func saveReferral(_ db: Database, _ r: Referral) throws {
        try changingReferral(db, r.referralId) {
        try db.execute(sql: """
            INSERT INTO console_referrals(referral_id, warning_id, household_id, domain, region_code, status, level, due_by, sent_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(referral_id) DO UPDATE SET warning_id = excluded.warning_id, household_id = excluded.household_id,
              domain = excluded.domain, region_code = excluded.region_code,
              status = CASE WHEN console_referrals.status = 'escalated' AND excluded.status = 'sent' THEN 'escalated' ELSE excluded.status END,
              level = excluded.level, due_by = excluded.due_by, sent_at = excluded.sent_at
            """, arguments: [r.referralId, r.warningId, r.householdId, r.domain.rawValue, r.regionCode, r.status.rawValue, r.level.rawValue,
                             r.dueBy, r.sentAt])
        }
    }

    static func escalate(_ db: Database, _ e: ReferralEscalated) throws {
        try changingReferral(db, e.referralId) {
        if e.retracted == true {
            try db.execute(sql: "UPDATE console_referrals SET escalated_at = NULL, status = CASE status WHEN 'escalated' THEN 'sent' ELSE status END WHERE referral_id = ?",
                           arguments: [e.referralId])
        } else {
            try db.execute(sql: "UPDATE console_referrals SET escalated_at = ?, status = CASE status WHEN 'sent' THEN 'escalated' ELSE status END WHERE referral_id = ?",
                           arguments: [e.escalatedAt, e.referralId])
        }
        }
    }

    static func decide(_ db: Database, _ o: Outcome) throws {
        guard let referral = o.referralId else { return }
        // The decision that stands is the latest by decidedAt (RULES.md "Convergence").
        try changingReferral(db, referral) {
        try db.execute(sql: """
            UPDATE console_referrals SET decision = ?1, decided_at = ?2, program = ?3
            WHERE referral_id = ?4 AND (decided_at IS NULL OR decided_at <= ?2)
            """, arguments: [o.status.rawValue, o.decidedAt, o.program, referral])
        }
    }

    static func saveWorkTask(_ db: Database, _ t: WorkTask) throws {
        let state = t.status == .cancelled ? CaseworkState.cancelled.rawValue : CaseworkState.open.rawValue
        let level = OfficeLevel(code: t.regionCode) ?? .township
        try changingTask(db, t.taskId) {
        try db.execute(sql: """
            INSERT INTO console_tasks(task_id, household_id, region_code, kind, state, level, office, due_by, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(task_id) DO UPDATE SET household_id = excluded.household_id, region_code = excluded.region_code,
              kind = excluded.kind, due_by = excluded.due_by, reason = excluded.reason,
              state = CASE WHEN excluded.state = 'cancelled' AND console_tasks.state != 'done' THEN 'cancelled' ELSE console_tasks.state END
            """, arguments: [t.taskId, t.householdId, t.regionCode, t.kind.rawValue, state, level.rawValue,
                             level.office(over: t.regionCode) ?? t.regionCode, t.dueBy, t.reason])
        }
    }

    static func saveTaskChange(_ db: Database, _ c: CaseworkTaskEvent) throws {
        let assignee = c.assignee.map { "\($0.kind.rawValue):\($0.id)" }
        try changingTask(db, c.taskId) {
        try db.execute(sql: """
            INSERT INTO console_tasks(task_id, household_id, region_code, kind, state, level, office, due_by, assignee, reason, completed_on)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)
            ON CONFLICT(task_id) DO UPDATE SET state = excluded.state, level = excluded.level, office = excluded.office,
              assignee = excluded.assignee, due_by = excluded.due_by, completed_on = excluded.completed_on
            """, arguments: [c.taskId, c.householdId, c.regionCode, c.kind.rawValue, c.state.rawValue, c.level.rawValue, c.office, c.dueBy,
                             assignee, c.completedOn])
        }
    }

    static func saveApplication(_ db: Database, _ a: ReliefApplication) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO console_relief_applications(application_id, household_id, region_code, requested_fen, urgent, occurred_on)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [a.applicationId, a.householdId, a.incidentRegionCode, a.requestedFen, a.urgent, a.occurredOn])
    }

    /// The month (China Standard Time) of an RFC 3339 time.
    static func month(_ time: String) -> String {
        guard let ms = Timestamp.milliseconds(time) else { return String(time.prefix(7)) }
        return String(Timestamp.rfc3339(milliseconds: ms + 8 * 3_600_000).prefix(7))
    }

    static func saveDisbursement(_ db: Database, _ d: Disbursement) throws -> String? {
        let app = try Row.fetchOne(db, sql: "SELECT household_id, region_code FROM console_relief_applications WHERE application_id = ?",
                                   arguments: [d.applicationId])
        try changingPayment(db, d.disbursementId) {
            try db.execute(sql: """
                INSERT OR REPLACE INTO console_payments(payment_id, kind, household_id, region_code, month, amount_fen, program)
                VALUES (?, 'relief', ?, ?, ?, ?, 'temporary_relief')
                """, arguments: [d.disbursementId, app?[0] as String?, (app?[1] as String?) ?? "", month(d.paidAt), d.amountFen])
        }
        return app?[0]
    }

    static func savePayroll(_ db: Database, _ p: PayrollEntry) throws {
        try changingPayment(db, "payroll:" + p.payrollId) {
            if p.status == .cancelled {
                try db.execute(sql: "DELETE FROM console_payments WHERE payment_id = ?", arguments: ["payroll:" + p.payrollId])
                return
            }
            try db.execute(sql: """
                INSERT OR REPLACE INTO console_payments(payment_id, kind, household_id, region_code, month, amount_fen, program)
                VALUES (?, 'payroll', ?, ?, ?, ?, ?)
                """, arguments: ["payroll:" + p.payrollId, p.householdId, p.regionCode, p.month.description, p.amountFen, p.program])
        }
    }

    static func addTimeline(_ db: Database, household: String, at: String, eventId: String, topic: String, type: String, summary: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO console_timeline(household_id, at, event_id, topic, type, summary) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [household, at, eventId, topic, type, summary])
    }
}
