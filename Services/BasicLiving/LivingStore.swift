// The basic-living store: every case (as JSON, with its reviews, decisions, payment lines and
// outcomes), what was published for each payroll id, and the event clock with the last month run.
// One transaction with the runtime's outbox and applied-marker (docs/architecture.md).
import DoudiDomain
import Envelope
import Foundation
import GRDB

enum LivingStore {
    static func register(_ m: inout DatabaseMigrator) {
        m.registerMigration("basic-living-v1") { db in
            try db.execute(sql: """
                CREATE TABLE bl_cases(case_id TEXT PRIMARY KEY NOT NULL, household_id TEXT NOT NULL, region_code TEXT NOT NULL,
                  kind TEXT NOT NULL, stage TEXT NOT NULL, open_lines INTEGER NOT NULL, received_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL, body BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX bl_cases_household ON bl_cases(household_id);
                CREATE INDEX bl_cases_stage ON bl_cases(stage, region_code);
                CREATE TABLE bl_payroll(payroll_id TEXT PRIMARY KEY NOT NULL, line_id TEXT NOT NULL, case_id TEXT NOT NULL,
                  month TEXT NOT NULL, county_code TEXT NOT NULL, program TEXT NOT NULL, amount_fen INTEGER NOT NULL,
                  status TEXT NOT NULL, revision INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX bl_payroll_line ON bl_payroll(line_id);
                CREATE INDEX bl_payroll_month ON bl_payroll(month, county_code);
                CREATE TABLE bl_clock(id INTEGER PRIMARY KEY CHECK (id = 1), clock TEXT NOT NULL, run_month TEXT);
                -- The registry's income facts per household and fact time (the payroll's amount changes).
                CREATE TABLE bl_registry_points(household_id TEXT NOT NULL, as_of TEXT NOT NULL, body BLOB NOT NULL,
                  PRIMARY KEY(household_id, as_of)) WITHOUT ROWID;
                """)
        }
    }

    static func household(_ db: Database, _ householdId: String) throws -> LivingHousehold {
        LivingHousehold(cases: try Data.fetchAll(db, sql: "SELECT body FROM bl_cases WHERE household_id = ?", arguments: [householdId])
            .map { try JSONDecoder().decode(LivingCase.self, from: $0) })
    }

    static func find(_ db: Database, caseId: String) throws -> LivingCase? {
        try Data.fetchOne(db, sql: "SELECT body FROM bl_cases WHERE case_id = ?", arguments: [caseId])
            .map { try JSONDecoder().decode(LivingCase.self, from: $0) }
    }

    static func save(_ db: Database, _ c: LivingCase) throws {
        try db.execute(sql: """
            INSERT INTO bl_cases(case_id, household_id, region_code, kind, stage, open_lines, received_at, updated_at, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(case_id) DO UPDATE SET stage = excluded.stage, open_lines = excluded.open_lines,
              updated_at = excluded.updated_at, body = excluded.body, region_code = excluded.region_code
            """, arguments: [c.caseId, c.householdId, c.regionCode, c.kind.rawValue, c.stage.rawValue,
                             c.lines.filter(\.isOpen).count, c.receivedAt, c.updatedAt, try JSONCoding.encoder.encode(c)])
    }

    /// Saves the cases the last call touched.
    static func save(_ db: Database, _ household: LivingHousehold) throws {
        for c in household.cases where household.touched.contains(c.caseId) { try save(db, c) }
    }

    // MARK: registry points

    static func points(_ db: Database, _ householdId: String) throws -> [RegistryPoint] {
        try Data.fetchAll(db, sql: "SELECT body FROM bl_registry_points WHERE household_id = ?", arguments: [householdId])
            .map { try JSONDecoder().decode(RegistryPoint.self, from: $0) }
    }

    /// Keeps a point (the latest version of the same fact time replaces it).
    static func keep(_ db: Database, householdId: String, _ p: RegistryPoint) throws {
        try db.execute(sql: "INSERT INTO bl_registry_points(household_id, as_of, body) VALUES (?, ?, ?) "
                           + "ON CONFLICT(household_id, as_of) DO UPDATE SET body = excluded.body",
                       arguments: [householdId, p.asOf, try JSONCoding.encoder.encode(p)])
    }

    // MARK: clock

    static func clock(_ db: Database) throws -> (clock: String?, runMonth: PayrollMonth?) {
        guard let row = try Row.fetchOne(db, sql: "SELECT clock, run_month FROM bl_clock WHERE id = 1") else { return (nil, nil) }
        return (row[0], (row[1] as String?).flatMap { PayrollMonth($0) })
    }

    /// Moves the clock forward to `time` (never back); returns the clock's day.
    @discardableResult
    static func advance(_ db: Database, to time: String) throws -> CivilDate? {
        let current = try clock(db).clock
        let latest = [current, time].compactMap { $0 }.max { Timestamp.milliseconds($0) ?? 0 < Timestamp.milliseconds($1) ?? 0 } ?? time
        try db.execute(sql: "INSERT INTO bl_clock(id, clock) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET clock = excluded.clock",
                       arguments: [latest])
        return CivilDate(iso: latest)
    }

    static func setRunMonth(_ db: Database, _ month: PayrollMonth) throws {
        try db.execute(sql: "UPDATE bl_clock SET run_month = ? WHERE id = 1", arguments: [month.description])
    }

    // MARK: payroll

    static func published(_ db: Database, lineId: String) throws -> [String: PublishedPayment] {
        var out: [String: PublishedPayment] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT payroll_id, amount_fen, status, revision FROM bl_payroll WHERE line_id = ?",
                                    arguments: [lineId]) {
            out[row[0]] = PublishedPayment(amountFen: row[1], status: PayrollStatus(rawValue: row[2]) ?? .payable, revision: row[3])
        }
        return out
    }

    static func record(_ db: Database, _ e: PayrollEntry) throws {
        try db.execute(sql: """
            INSERT INTO bl_payroll(payroll_id, line_id, case_id, month, county_code, program, amount_fen, status, revision)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(payroll_id) DO UPDATE SET amount_fen = excluded.amount_fen, status = excluded.status, revision = excluded.revision
            """, arguments: [e.payrollId, e.lineId, e.caseId, e.month.description, e.countyCode, e.program, e.amountFen,
                             e.status.rawValue, e.revision])
    }

    /// Cases with an open payment line, in id order (a line that ended is planned again only when
    /// an input touches its case).
    static func payingCases(_ db: Database) throws -> [LivingCase] {
        try Data.fetchAll(db, sql: "SELECT body FROM bl_cases WHERE open_lines > 0 ORDER BY case_id")
            .map { try JSONDecoder().decode(LivingCase.self, from: $0) }
    }
}
