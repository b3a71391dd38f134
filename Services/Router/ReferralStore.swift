import DoudiDomain
import Envelope
import Foundation
import GRDB

/// The router's ledger in SQLite: one row per referral sent. The pure `ReferralLedger` decides
/// every transition; this type only loads the entries a decision needs and saves the result,
/// so the cost of an event does not grow with the size of the ledger. The referral itself (its
/// needs name people) is sealed at rest (`doudi_seal`, ServiceStore).
enum ReferralStore {
    static func register(_ m: inout DatabaseMigrator) {
        m.registerMigration("router-v1") { db in
            try db.execute(sql: """
                CREATE TABLE router_referrals(referral_id TEXT PRIMARY KEY NOT NULL, warning_id TEXT NOT NULL,
                  household_id TEXT NOT NULL, domain TEXT NOT NULL, state TEXT NOT NULL, due_by TEXT NOT NULL,
                  sent_at TEXT NOT NULL, updated_at TEXT NOT NULL, referral BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX router_referrals_warning ON router_referrals(warning_id);
                CREATE INDEX router_referrals_due ON router_referrals(state, due_by);
                -- The event clock: the latest event time seen, and the last day checked for overdue referrals.
                CREATE TABLE router_clock(id INTEGER PRIMARY KEY CHECK (id = 1), now_ms INTEGER NOT NULL,
                  now_text TEXT NOT NULL, checked_day TEXT NOT NULL);
                """)
        }
    }

    static func entries(_ db: Database, warningId: String) throws -> [ReferralLedger.Entry] {
        try fetch(db, where: "warning_id = ?", [warningId])
    }

    static func entry(_ db: Database, referralId: String) throws -> ReferralLedger.Entry? {
        try fetch(db, where: "referral_id = ?", [referralId]).first
    }

    /// Undecided referrals due before `day` (the candidates `ReferralLedger.escalate` judges).
    static func dueBefore(_ db: Database, day: CivilDate) throws -> [ReferralLedger.Entry] {
        try fetch(db, where: "state IN ('sent', 'accepted') AND due_by < ?", [day.description])
    }

    static func insert(_ db: Database, _ referral: Referral, at time: String) throws {
        try db.execute(sql: """
            INSERT INTO router_referrals(referral_id, warning_id, household_id, domain, state, due_by, sent_at, updated_at, referral)
            VALUES (?, ?, ?, ?, 'sent', ?, ?, ?, doudi_seal(?, 'router_referrals/' || ?))
            """, arguments: [referral.referralId, referral.warningId, referral.householdId, referral.domain.rawValue,
                             referral.dueBy, referral.sentAt, time, try JSONCoding.encoder.encode(referral), referral.referralId])
    }

    static func setState(_ db: Database, referralId: String, _ state: ReferralState, at time: String) throws {
        try db.execute(sql: "UPDATE router_referrals SET state = ?, updated_at = ? WHERE referral_id = ?",
                       arguments: [state.rawValue, time, referralId])
    }

    /// Referral counts by domain and state (GET /v1/stats).
    static func counts(_ db: Database) throws -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT domain, state, count(*) FROM router_referrals GROUP BY domain, state") {
            out[row[0], default: [:]][row[1]] = row[2]
        }
        return out
    }

    private static func fetch(_ db: Database, where clause: String, _ args: StatementArguments) throws -> [ReferralLedger.Entry] {
        try Row.fetchAll(db, sql: "SELECT doudi_open(referral, 'router_referrals/' || referral_id), state FROM router_referrals WHERE \(clause) ORDER BY referral_id",
                         arguments: args).map { row in
            let data: Data = row[0]
            guard let state = ReferralState(rawValue: row[1]) else { throw DatabaseError(message: "unknown referral state") }
            return ReferralLedger.Entry(referral: try JSONDecoder().decode(Referral.self, from: data), state: state)
        }
    }
}
