// The classifier's event clock: the latest event time seen on any input, stored with the state.
// When it enters a new day, the households with a referral warning past its due date and not
// checked yet (`households.next_due`) are brought up to that day (their due checks, HouseholdReplay). The checks themselves happen on each
// warning's own day, so which input moved the clock changes nothing.
import DoudiDomain
import Envelope
import GRDB
import ServiceKit

struct EventClock {
    let latest: FactTime
    let checkedDay: CivilDate

    var latestTime: String { latest.text }

    static func read(_ db: Database) throws -> EventClock? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT latest_time, checked_day FROM event_clock WHERE id = 1")),
              let latest = FactTime(row[0] as String), let day = CivilDate(iso: row[1] as String) else { return nil }
        return EventClock(latest: latest, checkedDay: day)
    }

    /// Advances the clock to `time` (never backwards); on a new day, runs the due checks of the
    /// households that have a not_covered warning due before it. Returns their events and the
    /// clock's latest time after the advance.
    static func advance(_ db: Database, to time: FactTime, households: Households,
                        causationID: String) throws -> (events: [OutgoingEvent], latest: FactTime?) {
        let current = try read(db)
        if let c = current, !(c.latest < time) { return ([], c.latest) }
        guard let day = time.date else { return ([], current?.latest) }
        let checked = max(day, current?.checkedDay ?? day)
        try db.cachedStatement(sql: """
            INSERT INTO event_clock(id, latest_time, checked_day) VALUES (1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET latest_time = excluded.latest_time, checked_day = excluded.checked_day
            """).execute(arguments: [time.text, checked.description])
        guard current.map({ day > $0.checkedDay }) ?? false else { return ([], time) }
        // Only households with a warning due and not checked yet (`next_due`, kept with each save):
        // scanning every open not_covered warning at each new day re-read and re-saved, day after
        // day, every household already checked (docs/benchmarks.md).
        let due = try String.fetchAll(db.cachedStatement(sql: """
            SELECT household_id FROM households WHERE next_due < ? ORDER BY household_id
            """), arguments: [day.description])
        var out: [OutgoingEvent] = []
        for hh in due {
            out += try households.apply(db, householdId: hh, inputs: [], clock: time,
                                        emitter: .scoped(time: time.text, causationID: causationID))
        }
        return (out, time)
    }

    /// The current event time, or `fallback` before any input was seen.
    static func now(_ db: Database, fallback: String) throws -> String { try read(db)?.latestTime ?? fallback }
}
