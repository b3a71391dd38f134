// The classifier's deterministic clock. There is no timer: time is the latest event time seen
// (ce_time of any input), stored with the state. When it passes into a new day, due checks run
// for that day: referrals open past their dueBy with no granted outcome become
// policy_not_implemented (§3.4). Replaying the same inputs moves the clock the same way, so the
// same checks run on the same days and open the same warning ids; the published events' ids
// depend on the warning, not on which input moved the clock.
import DoudiDomain
import Envelope
import GRDB
import ServiceKit

struct EventClock {
    let latestTime: String
    let checkedDay: CivilDate

    static func read(_ db: Database) throws -> EventClock? {
        guard let row = try Row.fetchOne(db, sql: "SELECT latest_time, checked_day FROM event_clock WHERE id = 1"),
              let day = CivilDate(iso: row[1] as String) else { return nil }
        return EventClock(latestTime: row[0], checkedDay: day)
    }

    /// Advances the clock to `time` (never backwards) and runs the due checks when a new day began.
    static func advance(_ db: Database, to time: String, causationID: String) throws -> EvaluationResult {
        guard let day = CivilDate(iso: time) else { return EvaluationResult() }
        let current = try read(db)
        if let c = current, !isLater(time, than: c.latestTime) { return EvaluationResult() }
        let newDay = current.map { day > $0.checkedDay } ?? true
        try db.execute(sql: """
            INSERT INTO event_clock(id, latest_time, checked_day) VALUES (1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET latest_time = excluded.latest_time, checked_day = excluded.checked_day
            """, arguments: [time, max(day, current?.checkedDay ?? day).description])
        return newDay ? try dueChecks(db, now: day, time: time, causationID: causationID) : EvaluationResult()
    }

    /// Opens policy_not_implemented for every overdue referral (`now` after its dueBy).
    static func dueChecks(_ db: Database, now: CivilDate, time: String, causationID: String) throws -> EvaluationResult {
        let households = try String.fetchAll(db, sql: """
            SELECT DISTINCT household_id FROM warnings
            WHERE status = 'open' AND disposal = 'not_covered' AND due_by < ? ORDER BY household_id
            """, arguments: [now.description])
        var result = EvaluationResult()
        for hh in households {
            let changes = try LedgerStore.update(db, householdId: hh) { $0.checkDue(now: now) }
            let emitter = Emitter.scoped("due-check", time: time, causationID: causationID)
            result.events += try emitter.events(changes)
            result.opened += changes.opened.count
        }
        return result
    }

    /// RFC 3339 times compared as instants (offsets differ between producers), else as text.
    static func isLater(_ a: String, than b: String) -> Bool {
        if let x = Timestamp.milliseconds(a), let y = Timestamp.milliseconds(b) { return x > y }
        return a > b
    }

    /// The current event time, or `fallback` before any input was seen.
    static func now(_ db: Database, fallback: String) throws -> String { try read(db)?.latestTime ?? fallback }
}
