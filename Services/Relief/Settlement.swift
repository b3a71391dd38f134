// Paying a case's due stages: the one place money moves. Township stages debit the township's
// reserve fund; stages the county approved are recorded as the county fund's payments. The caller's transaction holds the
// stage marked paid, the fund debit, the movement row and the outgoing events together, so a
// crash leaves either all of them or none; the disbursement id is a function of case and stage,
// and the movement table refuses a second debit of a stage.
import DoudiDomain
import Envelope
import GRDB
import ServiceKit

enum Settlement {
    /// Pays every approved stage of `c` due at `nowMs`, updates its status, saves it, and returns
    /// the events to publish (disbursements, outcomes, an escalation task when the fund is short).
    static func settle(_ db: Database, _ c: inout CaseRecord, nowMs: Int64, settings: ReliefSettings) throws -> [OutgoingEvent] {
        guard c.status != .denied, c.status != .completed else { return [] }
        var out: [OutgoingEvent] = []
        var unfunded: [Int] = []
        // pay(on:) pays every stage dated up to the given day; the latest due stage's date makes it
        // pay exactly the stages whose due time (a date, or an interval in test mode) has come.
        if let today = try c.dueDates(db, nowMs: nowMs).max() {
            var fund = try FundLedger.load(db, township: c.township, caseId: c.caseId, settings: settings)
            let run = c.relief.pay(on: today, from: &fund)
            for var d in run.disbursements {
                // The stage's own time: when it fell due (not when the scheduler noticed), so the same
                // inputs give the same record whatever the scheduler's timing.
                let dueMs = try Int64.fetchOne(db, sql: "SELECT due_ms FROM relief_stages WHERE case_id = ? AND stage = ?",
                                               arguments: [c.caseId, d.stage]) ?? nowMs
                let atMs = min(nowMs, max(dueMs, c.startMs))
                d.paidAt = Timestamp.rfc3339(milliseconds: atMs)
                if d.approvedAt == .county {
                    try FundLedger.recordCountyPayment(db, d, atMs: atMs)
                } else {
                    try FundLedger.recordDisbursement(db, d, township: c.township, atMs: atMs)
                }
                try CaseRecord.markPaid(db, d, nowMs: atMs)
                out += try ReliefEvents.paid(d, case: c, atMs: atMs)
            }
            try FundLedger.save(db, fund)
            unfunded = run.unfunded
        }
        let before = c.status
        c.status = status(of: c, unfunded: !unfunded.isEmpty)
        if c.status == .awaitingFunds && before != .awaitingFunds, let stage = unfunded.first {
            // Escalation to the county (§4.3): the fund must be replenished before this stage is paid.
            let replenished = try Int64.fetchOne(db, sql: "SELECT replenished_fen FROM relief_funds WHERE township = ?",
                                                 arguments: [c.township]) ?? 0
            out.append(try ReliefEvents.task(c, kind: .caseConference, discriminator: "fund-short-\(stage)-\(replenished)",
                                             reason: "relief_fund_short: the reserve fund of township \(c.township) cannot pay "
                                                     + "stage \(stage) of \(c.caseId); the county replenishes it (§4.3)",
                                             dueBy: Clock.date(ms: nowMs).adding(days: 3), atMs: nowMs))
        }
        try c.save(db, settings: settings, nowMs: nowMs)
        return out
    }

    static func status(of c: CaseRecord, unfunded: Bool) -> CaseStatus {
        if c.relief.reviewDenied { return .denied }
        if c.relief.isComplete { return .completed }
        if c.relief.awaitingReview { return .awaitingReview }
        if unfunded { return .awaitingFunds }
        if c.countyRequired && !c.relief.countyApproved { return .pending }
        return .active
    }

    /// Cases whose next unpaid stage is due, oldest due first (the scheduler's work list).
    static func dueCases(_ db: Database, nowMs: Int64, limit: Int) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT s.case_id FROM relief_stages s JOIN relief_cases c ON c.case_id = s.case_id
            WHERE s.paid = 0 AND s.due_ms <= ? AND c.status = 'active'
            GROUP BY s.case_id ORDER BY min(s.due_ms), s.case_id LIMIT ?
            """, arguments: [nowMs, limit])
    }
}
