// The payroll run inside a store transaction: for the given cases (or every case with a payment
// line when the event clock enters a new month), the planner's difference between what the lines
// owe up to the clock's month and what was published becomes `basic-living.payroll.v1` events,
// recorded with the case in the same transaction. Event ids derive from the payroll id and its
// revision; the event time is the first moment of the month paid (China Standard Time), so the
// same month published again by a replay is the same event.
import DoudiDomain
import Envelope
import GRDB
import ServiceKit

enum PayrollRun {
    /// Entries for `cases` through `month`, recorded and returned as events.
    static func pay(_ db: Database, cases: [LivingCase], through month: PayrollMonth, source: String) throws -> [OutgoingEvent] {
        var out: [OutgoingEvent] = []
        for c in cases {
            for line in c.lines {
                for entry in PayrollPlanner.plan(line, through: month, published: try LivingStore.published(db, lineId: line.lineId)) {
                    try LivingStore.record(db, entry)
                    out.append(OutgoingEvent(topic: Topics.name(.basicLivingPayroll), event: try event(entry, source: source)))
                }
            }
        }
        return out
    }

    /// After the clock moved: the month run when it entered a new month (every paying case),
    /// else only the cases an input changed.
    static func afterClock(_ db: Database, touched: [LivingCase], source: String) throws -> [OutgoingEvent] {
        let (clock, runMonth) = try LivingStore.clock(db)
        guard let day = clock.flatMap({ CivilDate(iso: $0) }) else { return [] }
        let month = PayrollMonth(day)
        if runMonth.map({ $0 < month }) ?? true {
            try LivingStore.setRunMonth(db, month)
            return try pay(db, cases: try LivingStore.payingCases(db), through: month, source: source)
        }
        return try pay(db, cases: touched, through: month, source: source)
    }

    static func event(_ e: PayrollEntry, source: String) throws -> CloudEvent {
        // The payroll id, its revision and everything the entry says (one id, one content).
        try CloudEvent.make(id: EventID.derived(EventType.basicLivingPayroll.rawValue, e.payrollId, String(e.revision),
                                                String(decoding: try JSONCoding.encoder.encode(e), as: UTF8.self)), source: source,
                            type: EventType.basicLivingPayroll.rawValue, time: "\(e.month)-01T00:00:00+08:00", subject: e.householdId,
                            key: e.householdId, causationID: nil, payload: e)
    }
}
