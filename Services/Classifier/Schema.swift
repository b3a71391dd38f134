// The classifier's own tables. Everything it decides is derived from its inputs (registry
// versions and outcomes, kept per household) and the event clock, so a rebuilt store decides the same.
import GRDB
import Store

enum ClassifierSchema {
    static func register(_ m: inout DatabaseMigrator) {
        m.registerMigration("classifier-v1") { db in
            try db.execute(sql: """
                CREATE TABLE households(
                  household_id TEXT PRIMARY KEY NOT NULL, profile_version INTEGER NOT NULL, region_code TEXT NOT NULL,
                  profile_json BLOB NOT NULL, category TEXT, standards_version TEXT, reasons_json BLOB,
                  decided_on TEXT, not_low_income_since TEXT) WITHOUT ROWID;
                CREATE TABLE signals(signal_id TEXT PRIMARY KEY NOT NULL, household_id TEXT NOT NULL,
                  signal_json BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE warnings(warning_id TEXT PRIMARY KEY NOT NULL, household_id TEXT NOT NULL,
                  domain TEXT NOT NULL, disposal TEXT NOT NULL, level TEXT NOT NULL, status TEXT NOT NULL,
                  opened_at TEXT NOT NULL, due_by TEXT, resolved_at TEXT, warning_json BLOB NOT NULL) WITHOUT ROWID;
                CREATE TABLE warning_openings(household_id TEXT NOT NULL, domain TEXT NOT NULL, disposal TEXT NOT NULL,
                  openings INTEGER NOT NULL, PRIMARY KEY(household_id, domain, disposal)) WITHOUT ROWID;
                CREATE TABLE denied_referrals(household_id TEXT NOT NULL, domain TEXT NOT NULL, disposal TEXT NOT NULL,
                  PRIMARY KEY(household_id, domain, disposal)) WITHOUT ROWID;
                CREATE TABLE tasks(task_id TEXT PRIMARY KEY NOT NULL, household_id TEXT, person_key TEXT,
                  kind TEXT NOT NULL, reason TEXT NOT NULL, due_by TEXT NOT NULL, issued_at TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE event_clock(id INTEGER PRIMARY KEY CHECK (id = 1), latest_time TEXT NOT NULL,
                  checked_day TEXT NOT NULL);
                CREATE TABLE surveys(year INTEGER PRIMARY KEY NOT NULL, started_at TEXT NOT NULL);
                CREATE TABLE survey_households(year INTEGER NOT NULL, household_id TEXT NOT NULL,
                  profile_version INTEGER NOT NULL, PRIMARY KEY(year, household_id)) WITHOUT ROWID;
                """)
        }
        m.registerMigration("classifier-v2") { db in
            try db.execute(sql: """
                CREATE TABLE outcome_programs(household_id TEXT NOT NULL, domain TEXT NOT NULL, program TEXT NOT NULL,
                  person_key TEXT NOT NULL, amount_fen INTEGER, since TEXT,
                  PRIMARY KEY(household_id, domain, program, person_key)) WITHOUT ROWID;
                ALTER TABLE households ADD COLUMN evaluated_inputs TEXT;
                """)
        }
        m.registerMigration("classifier-v3-histories") { db in
            // Decisions replayed from each household's inputs (HouseholdReplay). A store made before
            // this migration keeps no inputs: it is rebuilt by replay (docs/classifier.md).
            try db.execute(sql: """
                DROP TABLE households; DROP TABLE signals; DROP TABLE warnings; DROP TABLE warning_openings;
                DROP TABLE denied_referrals; DROP TABLE tasks; DROP TABLE outcome_programs;
                DELETE FROM survey_households;
                -- Each household's inputs: a registry version per point of its history (the latest
                -- version of that point), and every outcome.
                CREATE TABLE household_inputs(household_id TEXT NOT NULL, input_id TEXT NOT NULL, time TEXT NOT NULL,
                  version INTEGER NOT NULL, payload BLOB NOT NULL, PRIMARY KEY(household_id, input_id)) WITHOUT ROWID;
                -- The history replayed from them (HouseholdHistory), and what it says now.
                CREATE TABLE households(household_id TEXT PRIMARY KEY NOT NULL, region_code TEXT NOT NULL,
                  profile_version INTEGER NOT NULL, category TEXT, standards_version TEXT, decided_on TEXT,
                  history BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX households_category ON households(category);
                -- Every warning as last published (open, resolved or retracted), with a fingerprint.
                CREATE TABLE warnings(warning_id TEXT PRIMARY KEY NOT NULL, household_id TEXT NOT NULL,
                  domain TEXT NOT NULL, disposal TEXT NOT NULL, level TEXT NOT NULL, status TEXT NOT NULL,
                  due_by TEXT, fingerprint TEXT NOT NULL, open_fingerprint TEXT, warning_json BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX warnings_household ON warnings(household_id, status);
                CREATE INDEX warnings_due ON warnings(status, disposal, due_by);
                -- Every task as last published. scope: 'history' (derived from a household's history,
                -- cancelled when a replay no longer derives it) or 'operator' (samples, surveys, candidates).
                CREATE TABLE tasks(task_id TEXT PRIMARY KEY NOT NULL, household_id TEXT, person_key TEXT,
                  kind TEXT NOT NULL, reason TEXT NOT NULL, due_by TEXT NOT NULL, status TEXT NOT NULL,
                  scope TEXT NOT NULL, issued_at TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX tasks_household ON tasks(household_id, scope);
                CREATE INDEX tasks_kind ON tasks(kind);
                """)
        }
        m.registerMigration("classifier-v4-history-tokens") { db in
            // history_token: written fresh with every save, so that a decoded history kept in memory
            // (HistoryCache) is used only while it is the stored one. next_due: the earliest due date
            // of the history's open not_covered warnings not checked yet, indexed for the event
            // clock. Rows saved before are given their earliest open not_covered due date (checked
            // or not): at worst their due checks run once more, and the save sets the exact date.
            // profile_input: the input (`profile/<asOf>`) whose registry version is the history's
            // profile, which is then not stored again in the history (null: it is in the history).
            try db.execute(sql: """
                ALTER TABLE households ADD COLUMN history_token INTEGER;
                ALTER TABLE households ADD COLUMN next_due TEXT;
                ALTER TABLE households ADD COLUMN profile_input TEXT;
                UPDATE households SET next_due = (SELECT min(w.due_by) FROM warnings w WHERE w.household_id = households.household_id
                  AND w.status = 'open' AND w.disposal = 'not_covered');
                CREATE INDEX households_next_due ON households(next_due) WHERE next_due IS NOT NULL;
                """)
        }
        m.registerMigration("classifier-v5-deferred-histories") { db in
            // history_bytes_token: the save whose history the `history` bytes are. A batch writes
            // each household's history once, at its end (DeferredHistories); the two tokens differ
            // only inside that batch's transaction. Rows saved before wrote both at once.
            try db.execute(sql: """
                ALTER TABLE households ADD COLUMN history_bytes_token INTEGER;
                UPDATE households SET history_bytes_token = history_token;
                """)
        }
        m.registerMigration("classifier-v6-history-rows") { db in
            // The history's bytes (5.8 KB on average, 40 KB at most, in 10,000 households of the
            // benchmark) in a table of their own: SQLite writes a row whole, so every save of the
            // small columns (token, category, next due date: once per input) copied the history
            // into new pages, and reading the token read through it (docs/benchmarks.md, "Histories
            // in rows of their own"). A table with rowids: large rows in a WITHOUT ROWID table
            // fill its B-tree's leaves. bytes_token: the save whose history the bytes are.
            try db.execute(sql: """
                CREATE TABLE household_histories(household_id TEXT PRIMARY KEY NOT NULL, bytes_token INTEGER,
                  history BLOB NOT NULL);
                INSERT INTO household_histories(household_id, bytes_token, history)
                  SELECT household_id, history_bytes_token, history FROM households WHERE length(history) > 0;
                ALTER TABLE households DROP COLUMN history;
                ALTER TABLE households DROP COLUMN history_bytes_token;
                """)
        }
        m.registerMigration("classifier-v7-rowid-tables") { db in
            // A warning's row (its JSON, about 1 KB) and a registry version's input spilled into an
            // overflow page each in a WITHOUT ROWID table (RowidTables).
            try RowidTables.rebuild(db, table: "warnings")
            try RowidTables.rebuild(db, table: "household_inputs")
        }
    }
}
