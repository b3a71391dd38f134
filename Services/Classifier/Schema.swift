// The classifier's own tables. Everything it decides is derived from its inputs (profiles,
// signals, outcomes, escalations) and the event clock, so a rebuilt store decides the same.
import GRDB

enum ClassifierSchema {
    static func register(_ m: inout DatabaseMigrator) {
        m.registerMigration("classifier-v1") { db in
            try db.execute(sql: """
                -- Latest profile per household and the last decision made on it.
                CREATE TABLE households(
                  household_id TEXT PRIMARY KEY NOT NULL, profile_version INTEGER NOT NULL, region_code TEXT NOT NULL,
                  profile_json BLOB NOT NULL, category TEXT, standards_version TEXT, reasons_json BLOB,
                  decided_on TEXT, not_low_income_since TEXT) WITHOUT ROWID;
                CREATE INDEX households_category ON households(category);
                -- Signals seen per household: the classification context is folded from them.
                CREATE TABLE signals(signal_id TEXT PRIMARY KEY NOT NULL, household_id TEXT NOT NULL,
                  signal_json BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX signals_household ON signals(household_id);
                -- The warning ledger: every warning ever opened (open or resolved), opening counts, denials.
                CREATE TABLE warnings(warning_id TEXT PRIMARY KEY NOT NULL, household_id TEXT NOT NULL,
                  domain TEXT NOT NULL, disposal TEXT NOT NULL, level TEXT NOT NULL, status TEXT NOT NULL,
                  opened_at TEXT NOT NULL, due_by TEXT, resolved_at TEXT, warning_json BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX warnings_household ON warnings(household_id, status);
                CREATE INDEX warnings_due ON warnings(status, disposal, due_by);
                CREATE TABLE warning_openings(household_id TEXT NOT NULL, domain TEXT NOT NULL, disposal TEXT NOT NULL,
                  openings INTEGER NOT NULL, PRIMARY KEY(household_id, domain, disposal)) WITHOUT ROWID;
                CREATE TABLE denied_referrals(household_id TEXT NOT NULL, domain TEXT NOT NULL, disposal TEXT NOT NULL,
                  PRIMARY KEY(household_id, domain, disposal)) WITHOUT ROWID;
                -- Every task issued; (household, kind, reason) is issued once.
                CREATE TABLE tasks(task_id TEXT PRIMARY KEY NOT NULL, household_id TEXT, person_key TEXT,
                  kind TEXT NOT NULL, reason TEXT NOT NULL, due_by TEXT NOT NULL, issued_at TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX tasks_identity ON tasks(household_id, kind, reason);
                CREATE INDEX tasks_kind ON tasks(kind);
                -- The event clock: the latest event time seen, and the last day due checks ran for.
                CREATE TABLE event_clock(id INTEGER PRIMARY KEY CHECK (id = 1), latest_time TEXT NOT NULL,
                  checked_day TEXT NOT NULL);
                -- Annual surveys: when started, and each household's profile version at the start.
                CREATE TABLE surveys(year INTEGER PRIMARY KEY NOT NULL, started_at TEXT NOT NULL);
                CREATE TABLE survey_households(year INTEGER NOT NULL, household_id TEXT NOT NULL,
                  profile_version INTEGER NOT NULL, PRIMARY KEY(year, household_id)) WITHOUT ROWID;
                """)
        }
        m.registerMigration("classifier-v2") { db in
            try db.execute(sql: """
                -- What the latest outcome said of each programme (since NULL: ended); it wins over the
                -- registry's copy (HeldPrograms). person_key '' stands for the whole household.
                CREATE TABLE outcome_programs(household_id TEXT NOT NULL, domain TEXT NOT NULL, program TEXT NOT NULL,
                  person_key TEXT NOT NULL, amount_fen INTEGER, since TEXT,
                  PRIMARY KEY(household_id, domain, program, person_key)) WITHOUT ROWID;
                -- A fingerprint of what the last evaluation read, so that a new profile version that
                -- changes nothing it reads (a programme already counted) is not evaluated again.
                ALTER TABLE households ADD COLUMN evaluated_inputs TEXT;
                """)
        }
    }
}
