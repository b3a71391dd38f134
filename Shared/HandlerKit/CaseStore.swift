import DoudiDomain
import Envelope
import Foundation
import GRDB
import Store

/// A department case: received → accepted → granted / denied → closed.
public enum CaseState: String, Codable, Sendable, CaseIterable {
    case received, accepted, granted, denied, closed

    /// Still waiting for the department's decision.
    public var isOpen: Bool { self == .received || self == .accepted }

    /// Where a case stands after its outcomes: granted if any measure was, closed if
    /// assistance was ended, denied if every measure was; accepted while nothing is decided.
    public static func after(_ outcomes: [Outcome]) -> CaseState {
        let decided = outcomes.map(\.status).filter { $0 != .accepted }
        if decided.contains(.granted) { return .granted }
        if decided.contains(.closed) { return .closed }
        if decided.contains(.denied) { return .denied }
        return outcomes.isEmpty ? .received : .accepted
    }
}

/// A handler's store: its cases, every outcome it published, and per-recipient amounts paid
/// this year (the programmes' annual caps need them). The referral kept with a case (its needs
/// name people) is sealed at rest (`doudi_seal`, ServiceStore).
public enum CaseStore {
    public struct Case: Codable, Sendable {
        public var referralId, warningId, householdId, domain, state, receivedAt, updatedAt: String
    }

    static func register(_ m: inout DatabaseMigrator) {
        m.registerMigration("handler-v1") { db in
            try db.execute(sql: """
                CREATE TABLE handler_cases(referral_id TEXT PRIMARY KEY NOT NULL, warning_id TEXT NOT NULL,
                  household_id TEXT NOT NULL, domain TEXT NOT NULL, state TEXT NOT NULL, received_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL, referral BLOB) WITHOUT ROWID;
                CREATE TABLE handler_outcomes(outcome_id TEXT PRIMARY KEY NOT NULL, referral_id TEXT NOT NULL,
                  status TEXT NOT NULL, amount_fen INTEGER, outcome BLOB NOT NULL); -- rowid: publication order
                CREATE INDEX handler_outcomes_referral ON handler_outcomes(referral_id);
                CREATE TABLE handler_paid(year INTEGER NOT NULL, recipient TEXT NOT NULL, paid_fen INTEGER NOT NULL,
                  PRIMARY KEY(year, recipient)) WITHOUT ROWID;
                """)
        }
    }

    static func registerV2(_ m: inout DatabaseMigrator) {
        m.registerMigration("handler-v2-revisions") { db in
            // Amended referrals are decided again: the revision decided, and each case's share of
            // the year's payments (so that a case decided again does not count its old grants).
            try db.execute(sql: """
                ALTER TABLE handler_cases ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
                DROP TABLE handler_paid;
                CREATE TABLE handler_paid_by_case(year INTEGER NOT NULL, recipient TEXT NOT NULL, referral_id TEXT NOT NULL,
                  paid_fen INTEGER NOT NULL, PRIMARY KEY(year, recipient, referral_id)) WITHOUT ROWID;
                """)
        }
    }

    static func registerV3(_ m: inout DatabaseMigrator) {
        m.registerMigration("handler-v3-cap-order") { db in
            // Annual caps count only the cases decided before a case (by its first decision day, then
            // its referral id), whatever order the referrals arrived in; a case decided late decides
            // the later ones again (Convergence). Each case's recipients per year say which later
            // cases a change can reach, including those that a cap left with nothing paid.
            try db.execute(sql: """
                ALTER TABLE handler_cases ADD COLUMN decided_on TEXT NOT NULL DEFAULT '';
                ALTER TABLE handler_cases ADD COLUMN redecided_on TEXT NOT NULL DEFAULT '';
                ALTER TABLE handler_paid_by_case ADD COLUMN decided_on TEXT NOT NULL DEFAULT '';
                CREATE TABLE handler_case_recipients(year INTEGER NOT NULL, recipient TEXT NOT NULL, decided_on TEXT NOT NULL,
                  referral_id TEXT NOT NULL, PRIMARY KEY(year, recipient, decided_on, referral_id)) WITHOUT ROWID;
                CREATE INDEX handler_case_recipients_referral ON handler_case_recipients(referral_id);
                """)
        }
    }

    /// Where a case stands among the cases a cap counts: its first decision day, then its referral id.
    public struct Order: Comparable, Hashable, Sendable {
        public var decidedOn: String
        public var referralId: String
        public static func < (a: Order, b: Order) -> Bool { (a.decidedOn, a.referralId) < (b.decidedOn, b.referralId) }
    }

    /// The days a case was first decided and last decided (nil for a case never decided).
    static func days(_ db: Database, referralId: String) throws -> (decidedOn: String, redecidedOn: String)? {
        try Row.fetchOne(cached: db, sql: "SELECT decided_on, redecided_on FROM handler_cases WHERE referral_id = ? AND decided_on != ''",
                         arguments: [referralId]).map { ($0[0], $0[1]) }
    }

    /// Records the days of a decision and the recipients it counts for in `year`.
    static func setOrder(_ db: Database, _ order: Order, redecidedOn: String, year: Int, recipients: Set<String>) throws {
        try db.executeCached(sql: "UPDATE handler_cases SET decided_on = ?, redecided_on = ? WHERE referral_id = ?",
                       arguments: [order.decidedOn, redecidedOn, order.referralId])
        try db.executeCached(sql: "DELETE FROM handler_case_recipients WHERE referral_id = ?", arguments: [order.referralId])
        for r in recipients {
            try db.executeCached(sql: "INSERT INTO handler_case_recipients(year, recipient, decided_on, referral_id) VALUES (?, ?, ?, ?)",
                           arguments: [year, r, order.decidedOn, order.referralId])
        }
    }

    /// A case taken out of the caps (superseded: its warning never held): nothing paid, no recipients.
    /// Returns the years and recipients it counted for.
    static func removeFromCaps(_ db: Database, referralId: String) throws -> [(year: Int, recipients: Set<String>)] {
        var byYear: [Int: Set<String>] = [:]
        for row in try Row.fetchAll(cached: db, sql: """
            SELECT year, recipient FROM handler_case_recipients WHERE referral_id = ?
            UNION SELECT year, recipient FROM handler_paid_by_case WHERE referral_id = ?
            """, arguments: [referralId, referralId]) { byYear[row[0], default: []].insert(row[1]) }
        try db.executeCached(sql: "DELETE FROM handler_case_recipients WHERE referral_id = ?", arguments: [referralId])
        try db.executeCached(sql: "DELETE FROM handler_paid_by_case WHERE referral_id = ?", arguments: [referralId])
        return byYear.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The cases after `order` that count any of `recipients` in `year`.
    static func later(_ db: Database, year: Int, recipients: Set<String>, after order: Order) throws -> Set<Order> {
        var out = Set<Order>()
        for r in recipients {
            for row in try Row.fetchAll(cached: db, sql: """
                SELECT decided_on, referral_id FROM handler_case_recipients
                WHERE year = ? AND recipient = ? AND (decided_on > ? OR (decided_on = ? AND referral_id > ?))
                """, arguments: [year, r, order.decidedOn, order.decidedOn, order.referralId]) {
                out.insert(Order(decidedOn: row[0], referralId: row[1]))
            }
        }
        return out
    }

    static func revision(_ db: Database, referralId: String) throws -> Int {
        try Int.fetchOne(cached: db, sql: "SELECT revision FROM handler_cases WHERE referral_id = ?", arguments: [referralId]) ?? 0
    }

    static func setRevision(_ db: Database, referralId: String, _ revision: Int, referral: Referral) throws {
        try db.executeCached(sql: "UPDATE handler_cases SET revision = ?, referral = ? WHERE referral_id = ?",
                       arguments: [revision, try JSONCoding.encoder.encode(referral), referralId])
    }

    public static func find(_ db: Database, referralId: String) throws -> Case? {
        try Row.fetchOne(cached: db, sql: """
            SELECT referral_id, warning_id, household_id, domain, state, received_at, updated_at
            FROM handler_cases WHERE referral_id = ?
            """, arguments: [referralId]).map {
            Case(referralId: $0[0], warningId: $0[1], householdId: $0[2], domain: $0[3], state: $0[4], receivedAt: $0[5], updatedAt: $0[6])
        }
    }

    /// The referral received with a case (nil for a withdrawal never received).
    public static func referral(_ db: Database, referralId: String) throws -> Referral? {
        guard let data = try Data.fetchOne(cached: db, sql: """
            SELECT doudi_open(referral, 'handler_cases/' || referral_id) FROM handler_cases WHERE referral_id = ?
            """, arguments: [referralId]) else { return nil }
        return try JSONDecoder().decode(Referral.self, from: data)
    }

    /// `referral` is nil for a withdrawal of a referral never received (kept so that nothing reopens it).
    static func save(_ db: Database, referralId: String, warningId: String, householdId: String, domain: Domain,
                     state: CaseState, at time: String, referral: Referral?) throws {
        try db.executeCached(sql: """
            INSERT INTO handler_cases(referral_id, warning_id, household_id, domain, state, received_at, updated_at, referral)
            VALUES (?, ?, ?, ?, ?, ?, ?, doudi_seal(?, 'handler_cases/' || ?))
            ON CONFLICT(referral_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
            """, arguments: [referralId, warningId, householdId, domain.rawValue, state.rawValue, time, time,
                             try referral.map { try JSONCoding.encoder.encode($0) }, referralId])
    }

    static func outcome(_ db: Database, outcomeId: String) throws -> Outcome? {
        try Data.fetchOne(cached: db, sql: "SELECT outcome FROM handler_outcomes WHERE outcome_id = ?", arguments: [outcomeId])
            .map { try JSONDecoder().decode(Outcome.self, from: $0) }
    }

    /// Records a published outcome (the same one again, from a re-sent referral, is kept once).
    static func insert(_ db: Database, _ outcome: Outcome) throws {
        try db.executeCached(sql: "INSERT OR IGNORE INTO handler_outcomes(outcome_id, referral_id, status, amount_fen, outcome) VALUES (?, ?, ?, ?, ?)",
                       arguments: [outcome.outcomeId, outcome.referralId ?? "", outcome.status.rawValue, outcome.amountFen,
                                   try JSONCoding.encoder.encode(outcome)])
    }

    public static func outcomes(_ db: Database, referralId: String) throws -> [Outcome] {
        try Data.fetchAll(cached: db, sql: "SELECT outcome FROM handler_outcomes WHERE referral_id = ? ORDER BY rowid",
                          arguments: [referralId]).map { try JSONDecoder().decode(Outcome.self, from: $0) }
    }

    /// What the given recipients were paid in `year` by the cases before `order` (a case's cap
    /// counts only the cases decided before it, so the order referrals arrive in changes nothing).
    static func paid(_ db: Database, year: Int, recipients: Set<String>, before order: Order) throws -> PaidToDate {
        var out: [String: Int64] = [:]
        for r in recipients {
            if let fen = try Int64.fetchOne(cached: db, sql: """
                SELECT sum(paid_fen) FROM handler_paid_by_case WHERE year = ? AND recipient = ?
                  AND (decided_on < ? OR (decided_on = ? AND referral_id < ?))
                """, arguments: [year, r, order.decidedOn, order.decidedOn, order.referralId]) { out[r] = fen }
        }
        return PaidToDate(out)
    }

    /// What one case pays each recipient in `year` now (`paid` minus what the cases before it paid).
    static func savePaid(_ db: Database, year: Int, _ order: Order, _ paid: PaidToDate, others: PaidToDate) throws {
        try db.executeCached(sql: "DELETE FROM handler_paid_by_case WHERE year = ? AND referral_id = ?", arguments: [year, order.referralId])
        for (recipient, fen) in paid.byRecipient where fen - others.paid(recipient) > 0 {
            try db.executeCached(sql: "INSERT INTO handler_paid_by_case(year, recipient, referral_id, paid_fen, decided_on) VALUES (?, ?, ?, ?, ?)",
                           arguments: [year, recipient, order.referralId, fen - others.paid(recipient), order.decidedOn])
        }
    }

    /// Case counts by state, outcome counts by status, and the total granted (GET /v1/stats).
    static func stats(_ db: Database) throws -> (cases: [String: Int], outcomes: [String: Int], grantedFen: Int64) {
        var cases: [String: Int] = [:], outcomes: [String: Int] = [:]
        for row in try Row.fetchAll(cached: db, sql: "SELECT state, count(*) FROM handler_cases GROUP BY state") { cases[row[0]] = row[1] }
        for row in try Row.fetchAll(cached: db, sql: "SELECT status, count(*) FROM handler_outcomes GROUP BY status") { outcomes[row[0]] = row[1] }
        let granted = try Int64.fetchOne(cached: db, sql: "SELECT coalesce(sum(amount_fen), 0) FROM handler_outcomes WHERE status = 'granted'") ?? 0
        return (cases, outcomes, granted)
    }
}
