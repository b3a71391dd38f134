// The classifier's event clock: the latest event time seen on any input, stored with the state.
// When it enters a new day, the households with a referral warning past its due date are brought
// up to that day (their due checks, HouseholdReplay). The checks themselves happen on each
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
        guard let row = try Row.fetchOne(db, sql: "SELECT latest_time, checked_day FROM event_clock WHERE id = 1"),
              let latest = FactTime(row[0] as String), let day = CivilDate(iso: row[1] as String) else { return nil }
        return EventClock(latest: latest, checkedDay: day)
    }

    /// Advances the clock to `time` (never backwards); on a new day, runs the due checks of the
    /// households that have a not_covered warning due before it.
    static func advance(_ db: Database, to time: FactTime, households: Households, causationID: String) throws -> [OutgoingEvent] {
        let current = try read(db)
        if let c = current, !(c.latest < time) { return [] }
        guard let day = time.date else { return [] }
        let checked = max(day, current?.checkedDay ?? day)
        try db.execute(sql: """
            INSERT INTO event_clock(id, latest_time, checked_day) VALUES (1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET latest_time = excluded.latest_time, checked_day = excluded.checked_day
            """, arguments: [time.text, checked.description])
        guard current.map({ day > $0.checkedDay }) ?? false else { return [] }
        let due = try String.fetchAll(db, sql: """
            SELECT DISTINCT household_id FROM warnings WHERE status = 'open' AND disposal = 'not_covered' AND due_by < ?
            ORDER BY household_id
            """, arguments: [day.description])
        var out: [OutgoingEvent] = []
        for hh in due {
            out += try households.apply(db, householdId: hh, inputs: [], clock: time,
                                        emitter: .scoped(time: time.text, causationID: causationID))
        }
        return out
    }

    /// The current event time, or `fallback` before any input was seen.
    static func now(_ db: Database, fallback: String) throws -> String { try read(db)?.latestTime ?? fallback }
}
