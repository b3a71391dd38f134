// The casework store: every task with its state, office, assignee, due date and result (as
// JSON, indexed by the columns operators filter on), and the event clock. No names or identity
// numbers: a visit's form travels to intake and only its submission id stays here.
import DoudiDomain
import Envelope
import Foundation
import GRDB

enum CaseworkStore {
    static func register(_ m: inout DatabaseMigrator) {
        m.registerMigration("casework-v1") { db in
            try db.execute(sql: """
                CREATE TABLE casework_tasks(task_id TEXT PRIMARY KEY NOT NULL, household_id TEXT, region_code TEXT NOT NULL,
                  county TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL, level TEXT NOT NULL, office TEXT NOT NULL,
                  due_by TEXT NOT NULL, task_json TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX casework_tasks_due ON casework_tasks(state, due_by);
                CREATE INDEX casework_tasks_region ON casework_tasks(region_code, kind, due_by);
                CREATE INDEX casework_tasks_household ON casework_tasks(household_id);
                -- The event clock: the latest event time read, and the day escalations were checked for.
                CREATE TABLE casework_clock(id INTEGER PRIMARY KEY CHECK (id = 1), now_ms INTEGER NOT NULL, checked_day TEXT NOT NULL);
                """)
        }
    }

    static func load(_ db: Database, taskId: String) throws -> CaseworkTask? {
        guard let json = try String.fetchOne(db, sql: "SELECT task_json FROM casework_tasks WHERE task_id = ?", arguments: [taskId]) else {
            return nil
        }
        return try JSONDecoder().decode(CaseworkTask.self, from: Data(json.utf8))
    }

    static func save(_ db: Database, _ t: CaseworkTask) throws {
        let json = String(decoding: try JSONCoding.encoder.encode(t), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO casework_tasks(task_id, household_id, region_code, county, kind, state, level, office, due_by, task_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(task_id) DO UPDATE SET household_id = excluded.household_id, region_code = excluded.region_code,
              county = excluded.county, kind = excluded.kind, state = excluded.state, level = excluded.level,
              office = excluded.office, due_by = excluded.due_by, task_json = excluded.task_json
            """, arguments: [t.taskId, t.householdId, t.regionCode, String(t.regionCode.prefix(6)), t.kind.rawValue, t.state.rawValue,
                             t.level.rawValue, t.office, t.dueBy, json])
    }

    /// Pending tasks (open or assigned) due before `day`, never escalated: the clock's work.
    static func dueBefore(_ db: Database, day: CivilDate) throws -> [CaseworkTask] {
        try String.fetchAll(db, sql: "SELECT task_json FROM casework_tasks WHERE state IN ('open', 'assigned') AND due_by < ? ORDER BY task_id",
                            arguments: [day.description])
            .map { try JSONDecoder().decode(CaseworkTask.self, from: Data($0.utf8)) }
    }

    /// A region code the store knows for a household (an escalation from before regionCode was sent).
    static func regionOf(_ db: Database, householdId: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT region_code FROM casework_tasks WHERE household_id = ? ORDER BY task_id LIMIT 1",
                            arguments: [householdId])
    }

    struct Clock { var nowMs: Int64; var checkedDay: CivilDate }

    static func clock(_ db: Database) throws -> Clock? {
        guard let row = try Row.fetchOne(db, sql: "SELECT now_ms, checked_day FROM casework_clock WHERE id = 1"),
              let day = CivilDate(iso: row[1] as String) else { return nil }
        return Clock(nowMs: row[0], checkedDay: day)
    }

    /// Moves the clock to `time` when later; returns the new day when it entered one (escalations to check).
    static func advance(_ db: Database, to time: String) throws -> CivilDate? {
        guard let ms = Timestamp.milliseconds(time), let day = CivilDate(iso: time) else { return nil }
        let current = try clock(db)
        if let current, ms <= current.nowMs { return nil }
        let newDay = current.map { max($0.checkedDay, day) } ?? day
        try db.execute(sql: """
            INSERT INTO casework_clock(id, now_ms, checked_day) VALUES (1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET now_ms = excluded.now_ms, checked_day = excluded.checked_day
            """, arguments: [ms, newDay.description])
        guard current == nil || newDay > current!.checkedDay else { return nil }
        return newDay
    }
}
