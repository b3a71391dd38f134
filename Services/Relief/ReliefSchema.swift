// The relief store: applications (idempotency and duplicate merging), cases with their staged
// plan, the township reserve-fund ledger and the county fund's payments. No identity numbers or
// names are kept.
import GRDB

enum ReliefSchema {
    static func register(_ m: inout DatabaseMigrator) {
        m.registerMigration("relief-v1") { db in
            try db.execute(sql: """
                CREATE TABLE relief_applications(application_id TEXT PRIMARY KEY NOT NULL, case_id TEXT NOT NULL,
                  merged INTEGER NOT NULL, received_at TEXT NOT NULL) WITHOUT ROWID;
                -- Duplicate detection per person (ReliefCaseIndex as JSON).
                CREATE TABLE relief_person_index(person_key TEXT PRIMARY KEY NOT NULL, index_json TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE relief_cases(case_id TEXT PRIMARY KEY NOT NULL, application_id TEXT NOT NULL,
                  referral_id TEXT, warning_id TEXT, household_id TEXT, person_key TEXT NOT NULL,
                  region_code TEXT NOT NULL, township TEXT NOT NULL, incident_kind TEXT NOT NULL,
                  status TEXT NOT NULL, level TEXT NOT NULL, county_required INTEGER NOT NULL,
                  requested_fen INTEGER NOT NULL, approved_total_fen INTEGER NOT NULL, approver TEXT,
                  start_ms INTEGER NOT NULL, case_json TEXT NOT NULL, reasons_json TEXT NOT NULL,
                  created_at TEXT NOT NULL, updated_ms INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX relief_cases_status ON relief_cases(status, township);
                CREATE TABLE relief_stages(case_id TEXT NOT NULL, stage INTEGER NOT NULL, amount_fen INTEGER NOT NULL,
                  due_on TEXT NOT NULL, due_ms INTEGER NOT NULL, approved_at TEXT NOT NULL, aid_first INTEGER NOT NULL,
                  paid INTEGER NOT NULL DEFAULT 0, disbursement_id TEXT NOT NULL, paid_ms INTEGER,
                  PRIMARY KEY(case_id, stage)) WITHOUT ROWID;
                CREATE INDEX relief_stages_due ON relief_stages(paid, due_ms);
                CREATE TABLE relief_funds(township TEXT PRIMARY KEY NOT NULL, opening_fen INTEGER NOT NULL,
                  replenished_fen INTEGER NOT NULL DEFAULT 0, disbursed_fen INTEGER NOT NULL DEFAULT 0,
                  balance_fen INTEGER NOT NULL CHECK (balance_fen >= 0),
                  CHECK (balance_fen = opening_fen + replenished_fen - disbursed_fen)) WITHOUT ROWID;
                -- Every movement once: a disbursement id, or a replenishment id.
                CREATE TABLE relief_fund_movements(movement_id TEXT PRIMARY KEY NOT NULL, township TEXT NOT NULL,
                  kind TEXT NOT NULL CHECK (kind IN ('replenishment', 'disbursement')), amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
                  case_id TEXT, stage INTEGER, at_ms INTEGER NOT NULL) WITHOUT ROWID;
                CREATE UNIQUE INDEX relief_one_debit_per_stage ON relief_fund_movements(case_id, stage) WHERE kind = 'disbursement';
                """)
        }
        // 分级审批 (§4.3): stages the county approved are paid from the county's fund, once per stage.
        m.registerMigration("relief-v2-county-fund") { db in
            try db.execute(sql: """
                CREATE TABLE relief_county_payments(disbursement_id TEXT PRIMARY KEY NOT NULL, county TEXT NOT NULL,
                  case_id TEXT NOT NULL, stage INTEGER NOT NULL, amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
                  at_ms INTEGER NOT NULL, UNIQUE(case_id, stage)) WITHOUT ROWID;
                CREATE INDEX relief_county_payments_county ON relief_county_payments(county);
                """)
        }
        m.registerMigration("relief-v3-clock") { db in
            // The event clock: the latest event time seen. Without the wall clock (DOUDI_RELIEF_WALLCLOCK=0)
            // stages are paid when it passes their due time, so the same inputs pay the same stages.
            try db.execute(sql: "CREATE TABLE relief_clock(id INTEGER PRIMARY KEY CHECK (id = 1), latest_ms INTEGER NOT NULL)")
        }
    }

    static func advanceClock(_ db: Database, to ms: Int64) throws {
        try db.execute(sql: """
            INSERT INTO relief_clock(id, latest_ms) VALUES (1, ?)
            ON CONFLICT(id) DO UPDATE SET latest_ms = max(latest_ms, excluded.latest_ms)
            """, arguments: [ms])
    }

    static func clock(_ db: Database) throws -> Int64? { try Int64.fetchOne(db, sql: "SELECT latest_ms FROM relief_clock WHERE id = 1") }
}
