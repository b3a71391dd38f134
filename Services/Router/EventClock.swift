import DoudiDomain
import Envelope
import GRDB
import Store
import ServiceKit

/// The router's notion of "now": the latest event time it has seen (never the wall clock,
/// unless the wall-clock scheduler is on), persisted with the ledger. Whenever it crosses into
/// a new day, referrals due before that day with no decision are escalated. An escalation's time
/// is the first day the referral was overdue (`dueBy` + 1), whichever event moved the clock.
///
/// The day is the date part of the timestamp as written (`2024-03-05T09:00:00+08:00` is
/// 2024-03-05), the same reading that gives a warning its `openedAt` and `dueBy`.
enum EventClock {
    struct State { var nowMs: Int64; var nowText: String; var checkedDay: CivilDate }

    /// The checked day of a clock that has moved but never escalated: before every deadline.
    static let nothingChecked = CivilDate(dayNumber: 0)

    static func load(_ db: Database) throws -> State? {
        guard let row = try Row.fetchOne(cached: db, sql: "SELECT now_ms, now_text, checked_day FROM router_clock WHERE id = 1"),
              let day = CivilDate(iso: row[2] as String) else { return nil }
        return State(nowMs: row[0], nowText: row[1], checkedDay: day)
    }

    /// Moves the clock to `time` if it is later, and returns the escalations that became due.
    /// `cause` is the event that moved it (nil for the wall-clock scheduler). With `escalate` false
    /// (the outcomes are not read to their end: a decision in time may be waiting there) only the
    /// time moves; `catchUp` escalates once they are.
    static func advance(_ db: Database, to time: String, cause: CloudEvent?, source: String, escalate: Bool = true) throws -> [OutgoingEvent] {
        guard let ms = Timestamp.milliseconds(time), let day = CivilDate(iso: time) else { return [] }
        let current = try load(db)
        if let current, ms <= current.nowMs { return [] }
        // Not escalating on a first reading leaves nothing checked yet (a day before any deadline):
        // `lateEscalations` must not take the unchecked clock's day for one that was checked.
        let newDay = escalate ? current.map { max($0.checkedDay, day) } ?? day : current?.checkedDay ?? Self.nothingChecked
        try db.executeCached(sql: """
            INSERT INTO router_clock(id, now_ms, now_text, checked_day) VALUES (1, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET now_ms = excluded.now_ms, now_text = excluded.now_text, checked_day = excluded.checked_day
            """, arguments: [ms, time, newDay.description])
        guard escalate, current == nil || newDay > current!.checkedDay else { return [] }
        return try self.escalate(db, now: newDay, cause: cause, source: source)
    }

    /// The escalations held back while the outcomes were not read to their end: the checked day
    /// moves to the clock's day.
    static func catchUp(_ db: Database, source: String) throws -> [OutgoingEvent] {
        guard let current = try load(db), let day = CivilDate(iso: current.nowText), day > current.checkedDay else { return [] }
        try db.executeCached(sql: "UPDATE router_clock SET checked_day = ? WHERE id = 1", arguments: [day.description])
        return try escalate(db, now: day, cause: nil, source: source)
    }

    /// Marks every undecided referral due before `now` as overdue and emits one
    /// `referral.escalated.v1` per referral.
    static func escalate(_ db: Database, now: CivilDate, cause: CloudEvent?, source: String) throws -> [OutgoingEvent] {
        var (ledger, stored) = ReferralStore.restore(try ReferralStore.dueBefore(db, day: now))
        let escalations = ledger.escalate(now: now)
        try ReferralStore.save(db, ledger, ids: escalations.map(\.referral.referralId), at: now.description, held: &stored)
        return try escalations.map { try event($0, causeID: cause?.id, source: source) }
    }

    /// The event of an escalation (or of its retraction). Its id depends on the escalation and
    /// whether it is taken back; its time is the first day the referral was overdue.
    static func event(_ escalation: Escalation, causeID: String?, source: String) throws -> OutgoingEvent {
        let r = escalation.referral
        let day = (CivilDate(iso: r.dueBy)?.adding(days: 1)).map { "\($0)T00:00:00+08:00" } ?? r.dueBy
        let event = try CloudEvent.make(
            // The deadline is part of the id: an amended referral may be due on another day, and an
            // id never stands for two contents (the payload holds no revision, so the same
            // escalation made again after an amendment is the same event: a rebuild that escalates
            // after an amendment the first pass escalated before publishes nothing new).
            id: EventID.derived(EventType.referralEscalated.rawValue, escalation.escalationId, escalation.retracted ? "retracted" : "escalated",
                                r.dueBy),
            source: source, type: EventType.referralEscalated.rawValue, time: day,
            subject: r.householdId, key: r.householdId, causationID: causeID, payload: ReferralEscalated(escalation, escalatedAt: day))
        return OutgoingEvent(topic: Topics.assistanceOutcomes, event: event)
    }
}
