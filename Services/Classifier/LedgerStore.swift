// The warning ledger in SQLite, one household at a time (every transition but the due check
// concerns one household; the due check loads only the households with overdue referrals).
import DoudiDomain
import Envelope
import Foundation
import GRDB

enum LedgerStore {
    static func load(_ db: Database, householdId hh: String) throws -> WarningLedger {
        let open = try Data.fetchAll(db, sql: "SELECT warning_json FROM warnings WHERE household_id = ? AND status = 'open'",
                                     arguments: [hh]).map { try JSONDecoder().decode(Warning.self, from: $0) }
        var openings: [WarningKey: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT domain, disposal, openings FROM warning_openings WHERE household_id = ?",
                                    arguments: [hh]) {
            if let key = key(hh, row[0], row[1]) { openings[key] = row[2] }
        }
        let denied = try Row.fetchAll(db, sql: "SELECT domain, disposal FROM denied_referrals WHERE household_id = ?",
                                      arguments: [hh]).compactMap { key(hh, $0[0], $0[1]) }
        return WarningLedger(open: open, openings: openings, denied: Set(denied))
    }

    /// Writes what a transition changed, and the household's counts and denials after it.
    static func save(_ db: Database, _ ledger: WarningLedger, _ changes: LedgerChanges, householdId hh: String) throws {
        for w in changes.opened + changes.resolved {
            try db.execute(sql: """
                INSERT INTO warnings(warning_id, household_id, domain, disposal, level, status, opened_at, due_by, resolved_at, warning_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(warning_id) DO UPDATE SET status = excluded.status, resolved_at = excluded.resolved_at,
                  level = excluded.level, due_by = excluded.due_by, warning_json = excluded.warning_json
                """, arguments: [w.warningId, w.householdId, w.domain.rawValue, w.disposal.rawValue, w.level.rawValue,
                                 w.status.rawValue, w.openedAt, w.dueBy, w.resolvedAt, try JSONCoding.encoder.encode(w)])
        }
        for (key, n) in ledger.openings where key.householdId == hh {
            try db.execute(sql: """
                INSERT INTO warning_openings(household_id, domain, disposal, openings) VALUES (?, ?, ?, ?)
                ON CONFLICT(household_id, domain, disposal) DO UPDATE SET openings = excluded.openings
                """, arguments: [hh, key.domain.rawValue, key.disposal.rawValue, n])
        }
        try db.execute(sql: "DELETE FROM denied_referrals WHERE household_id = ?", arguments: [hh])
        for key in ledger.denied where key.householdId == hh {
            try db.execute(sql: "INSERT INTO denied_referrals(household_id, domain, disposal) VALUES (?, ?, ?)",
                           arguments: [hh, key.domain.rawValue, key.disposal.rawValue])
        }
    }

    /// Loads, transforms and saves one household's ledger; returns what changed.
    static func update(_ db: Database, householdId hh: String,
                       _ transition: (inout WarningLedger) -> LedgerChanges) throws -> LedgerChanges {
        var ledger = try load(db, householdId: hh)
        let before = ledger
        let changes = transition(&ledger)
        if ledger != before { try save(db, ledger, changes, householdId: hh) }  // most outcomes change nothing here
        return changes
    }

    static func openWarnings(_ db: Database, householdId hh: String) throws -> [Warning] {
        try load(db, householdId: hh).openWarnings(householdId: hh)
    }

    private static func key(_ hh: String, _ domain: String, _ disposal: String) -> WarningKey? {
        guard let d = Domain(rawValue: domain), let p = Disposal(rawValue: disposal) else { return nil }
        return WarningKey(householdId: hh, domain: d, disposal: p)
    }
}
