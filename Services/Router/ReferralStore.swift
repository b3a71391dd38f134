import DoudiDomain
import Envelope
import Foundation
import GRDB
import Store

/// The router's ledger in SQLite: one row per referral (its latest content and state), the
/// router's copy of the registry's people (to name the person a department helps), and the
/// referrals waiting for a person it does not know yet. The pure `ReferralLedger` decides every
/// transition; this type only loads the entries a decision needs and saves the result. Referrals
/// and people name persons: they are sealed at rest (`doudi_seal`, ServiceStore).
enum ReferralStore {
    static func register(_ m: inout DatabaseMigrator) {
        m.registerMigration("router-v1") { db in
            try db.execute(sql: """
                CREATE TABLE router_referrals(referral_id TEXT PRIMARY KEY NOT NULL, warning_id TEXT NOT NULL,
                  household_id TEXT NOT NULL, domain TEXT NOT NULL, state TEXT NOT NULL, due_by TEXT NOT NULL,
                  sent_at TEXT NOT NULL, updated_at TEXT NOT NULL, referral BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX router_referrals_warning ON router_referrals(warning_id);
                CREATE INDEX router_referrals_due ON router_referrals(state, due_by);
                CREATE TABLE router_clock(id INTEGER PRIMARY KEY CHECK (id = 1), now_ms INTEGER NOT NULL,
                  now_text TEXT NOT NULL, checked_day TEXT NOT NULL);
                """)
        }
        m.registerMigration("router-v2-people") { db in
            try db.execute(sql: """
                ALTER TABLE router_referrals ADD COLUMN escalated INTEGER NOT NULL DEFAULT 0;
                -- The registry's people as the latest version of each household lists them.
                CREATE TABLE router_households(household_id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE router_people(person_key TEXT PRIMARY KEY NOT NULL, household_id TEXT NOT NULL,
                  name TEXT NOT NULL, id_number TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX router_people_household ON router_people(household_id);
                -- Referrals planned while a person to help was not known yet, sent when they are.
                CREATE TABLE router_waiting(referral_id TEXT PRIMARY KEY NOT NULL, household_id TEXT NOT NULL,
                  time TEXT NOT NULL, referral BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX router_waiting_household ON router_waiting(household_id);
                """)
        }
        m.registerMigration("router-v3-early-outcomes") { db in
            try db.execute(sql: """
                -- Department outcomes read before the referral they answer (topics interleave in any
                -- order): applied when the referral is recorded, so the ledger does not depend on it.
                CREATE TABLE router_early_outcomes(referral_id TEXT NOT NULL, outcome_id TEXT NOT NULL,
                  outcome BLOB NOT NULL, PRIMARY KEY(referral_id, outcome_id)) WITHOUT ROWID;
                """)
        }
        m.registerMigration("router-v4-settled-dates") { db in
            // The earliest decision date and the standing withdrawal's date of each referral: which
            // referrals a resolution withdraws, and whether a referral was overdue, follow the dates.
            try db.execute(sql: """
                ALTER TABLE router_referrals ADD COLUMN decided_on TEXT;
                ALTER TABLE router_referrals ADD COLUMN withdrawn_on TEXT;
                """)
        }
        m.registerMigration("router-v5-revision-time") { db in
            // The event time of each referral's latest revision: an amendment is never dated before
            // the revision it amends (an intermediate state of its warning read late could do so).
            try db.execute(sql: """
                ALTER TABLE router_referrals ADD COLUMN revised_at TEXT;
                -- The deadline a standing escalation was made for (its take-back names it).
                ALTER TABLE router_referrals ADD COLUMN escalated_due TEXT;
                """)
        }
        m.registerMigration("router-v6-held-resolutions") { db in
            // Resolved warnings whose withdrawals wait for the outcomes topic to be read to its end
            // (Convergence: a withdrawal only on the facts, never because warnings ran ahead).
            try db.execute(sql: """
                CREATE TABLE router_held_resolutions(warning_id TEXT PRIMARY KEY NOT NULL, time TEXT NOT NULL,
                  cause_id TEXT NOT NULL, warning BLOB NOT NULL) WITHOUT ROWID;
                """)
        }
        m.registerMigration("router-v7-waiting-states") { db in
            // Every state of a waiting referral, with the time of the warning state it was made
            // from: released, they are published in order at their own times, as a router that
            // knew the person published them (the first, then each amendment).
            try db.execute(sql: """
                CREATE TABLE router_waiting_states(referral_id TEXT NOT NULL, n INTEGER NOT NULL, household_id TEXT NOT NULL,
                  time TEXT NOT NULL, referral BLOB NOT NULL, PRIMARY KEY(referral_id, n)) WITHOUT ROWID;
                INSERT INTO router_waiting_states(referral_id, n, household_id, time, referral)
                  SELECT referral_id, 0, household_id, time, referral FROM router_waiting;
                DROP TABLE router_waiting;
                CREATE INDEX router_waiting_states_household ON router_waiting_states(household_id);
                """)
        }
        m.registerMigration("router-v8-rowid-referrals") { db in
            // A referral's row (its sealed JSON, about 730 bytes, and its columns) spilled into an
            // overflow page in a WITHOUT ROWID table (RowidTables).
            try RowidTables.rebuild(db, table: "router_referrals")
        }
    }

    // MARK: resolutions held for the outcomes

    /// Holds the resolution of `warning` (read at `time` from event `causeID`), replacing any held before.
    static func hold(_ db: Database, _ warning: Warning, time: String, causeID: String) throws {
        try db.executeCached(sql: """
            INSERT OR REPLACE INTO router_held_resolutions(warning_id, time, cause_id, warning)
            VALUES (?1, ?2, ?3, doudi_seal(?4, 'router_held_resolutions/' || ?1))
            """, arguments: [warning.warningId, time, causeID, try JSONCoding.encoder.encode(warning)])
    }

    /// A later state of the warning was read: what was held for an earlier one no longer stands.
    static func release(_ db: Database, warningId: String) throws {
        try db.executeCached(sql: "DELETE FROM router_held_resolutions WHERE warning_id = ?", arguments: [warningId])
    }

    /// Every held resolution, removed from the table, in the order they were read by event time.
    static func takeHeld(_ db: Database) throws -> [(warning: Warning, time: String, causeID: String)] {
        let rows = try Row.fetchAll(cached: db, sql: """
            SELECT doudi_open(warning, 'router_held_resolutions/' || warning_id), time, cause_id FROM router_held_resolutions
            """)
        guard !rows.isEmpty else { return [] }
        try db.executeCached(sql: "DELETE FROM router_held_resolutions")
        return try rows.map { (try JSONDecoder().decode(Warning.self, from: $0[0] as Data), $0[1] as String, $0[2] as String) }
            .sorted { (FactTime($0.time)?.ms ?? 0, $0.warning.warningId) < (FactTime($1.time)?.ms ?? 0, $1.warning.warningId) }
    }

    static func heldCount(_ db: Database) throws -> Int {
        try Int.fetchOne(cached: db, sql: "SELECT count(*) FROM router_held_resolutions") ?? 0
    }

    /// The event time the referral's latest revision was published with (nil before its first).
    static func revisedAt(_ db: Database, referralId: String) throws -> String? {
        try String.fetchOne(cached: db, sql: "SELECT revised_at FROM router_referrals WHERE referral_id = ?", arguments: [referralId])
    }

    static func setRevisedAt(_ db: Database, referralId: String, _ time: String) throws {
        try db.executeCached(sql: "UPDATE router_referrals SET revised_at = ? WHERE referral_id = ?", arguments: [time, referralId])
    }

    static func entries(_ db: Database, warningId: String) throws -> [ReferralLedger.Entry] {
        try fetch(db, where: "warning_id = ?", [warningId])
    }

    static func entry(_ db: Database, referralId: String) throws -> ReferralLedger.Entry? {
        try fetch(db, where: "referral_id = ?", [referralId]).first
    }

    /// Undecided referrals due before `day` (the candidates `ReferralLedger.escalate` judges).
    static func dueBefore(_ db: Database, day: CivilDate) throws -> [ReferralLedger.Entry] {
        try fetch(db, where: "state IN ('sent', 'accepted') AND escalated = 0 AND due_by < ?", [day.description])
    }

    /// What the store holds of each referral an apply read or wrote, by id: `save` writes a
    /// referral's sealed JSON again only when it differs from it. An outcome or an escalation moves
    /// an entry's state and dates, not the referral, and encoding and sealing it again was a fifth of
    /// the router's work on an outcome (docs/benchmarks.md).
    typealias Held = [String: Referral]

    /// A ledger of entries read from the store, with what the store holds of their referrals.
    static func restore(_ entries: [ReferralLedger.Entry]) -> (ledger: ReferralLedger, held: Held) {
        (ReferralLedger(restoring: entries),
         Dictionary(entries.map { ($0.referral.referralId, $0.referral) }, uniquingKeysWith: { _, last in last }))
    }

    /// Writes entries as the ledger holds them now: the whole row for a referral `held` does not
    /// hold as it is now (then `held` holds it), else only the entry's state and dates.
    static func save(_ db: Database, _ ledger: ReferralLedger, ids: [String], at time: String, held: inout Held) throws {
        for id in ids {
            guard let e = ledger.entry(id) else { continue }
            let r = e.referral
            if held[id] == r {
                try db.executeCached(sql: """
                    UPDATE router_referrals SET state = ?, updated_at = ?, escalated = ?, decided_on = ?, withdrawn_on = ?, escalated_due = ?
                    WHERE referral_id = ?
                    """, arguments: [e.state.rawValue, time, e.escalated, e.decidedOn?.description, e.withdrawnOn?.description,
                                     e.escalatedDue?.description, id])
                if db.changesCount == 1 { continue }
            }
            try db.executeCached(sql: """
                INSERT INTO router_referrals(referral_id, warning_id, household_id, domain, state, due_by, sent_at, updated_at, referral,
                  escalated, decided_on, withdrawn_on, escalated_due)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, doudi_seal(?, 'router_referrals/' || ?), ?, ?, ?, ?)
                ON CONFLICT(referral_id) DO UPDATE SET state = excluded.state, due_by = excluded.due_by, updated_at = excluded.updated_at,
                  referral = excluded.referral, escalated = excluded.escalated, decided_on = excluded.decided_on,
                  withdrawn_on = excluded.withdrawn_on, escalated_due = excluded.escalated_due
                """, arguments: [r.referralId, r.warningId, r.householdId, r.domain.rawValue, e.state.rawValue, r.dueBy, r.sentAt, time,
                                 try JSONCoding.encoder.encode(r), r.referralId, e.escalated,
                                 e.decidedOn?.description, e.withdrawnOn?.description, e.escalatedDue?.description])
            held[id] = r
        }
    }

    /// Referral counts by domain and state (GET /v1/stats).
    static func counts(_ db: Database) throws -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for row in try Row.fetchAll(cached: db, sql: "SELECT domain, state, count(*) FROM router_referrals GROUP BY domain, state") {
            out[row[0], default: [:]][row[1]] = row[2]
        }
        return out
    }

    // MARK: people

    /// Takes the people of a registry version, if it is the newest seen for its household; returns
    /// true when it was.
    static func takePeople(_ db: Database, _ p: HouseholdPeople) throws -> Bool {
        try db.executeCached(sql: """
            INSERT INTO router_households(household_id, version) VALUES (?, ?)
            ON CONFLICT(household_id) DO UPDATE SET version = excluded.version WHERE excluded.version > router_households.version
            """, arguments: [p.householdId, p.version])
        guard db.changesCount > 0 else { return false }
        try db.executeCached(sql: "DELETE FROM router_people WHERE household_id = ?", arguments: [p.householdId])
        for m in p.members {
            guard let key = m.personKey else { continue }
            try db.executeCached(sql: """
                INSERT OR REPLACE INTO router_people(person_key, household_id, name, id_number)
                VALUES (?1, ?2, doudi_seal(?3, 'router_people/name/' || ?1), doudi_seal(?4, 'router_people/id/' || ?1))
                """, arguments: [key, p.householdId, m.name, m.idNumber])
        }
        return true
    }

    static func person(_ db: Database, _ key: String) throws -> PersonIdentity? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT doudi_open(name, 'router_people/name/' || person_key), doudi_open(id_number, 'router_people/id/' || person_key)
            FROM router_people WHERE person_key = ?
            """), arguments: [key])
            .map { PersonIdentity(name: String(decoding: $0[0] as Data, as: UTF8.self), idNumber: String(decoding: $0[1] as Data, as: UTF8.self)) }
    }

    /// Keeps a state of a referral waiting for its people, read at `time` (a state equal to the
    /// last one kept is the same state read again). Released, the states are published in order at
    /// their own times, as if the people had been known then, whatever arrived first — the
    /// warning's revisions or the registry version naming them (RULES.md, Convergence).
    static func wait(_ db: Database, _ r: Referral, time: String) throws {
        let last = try Row.fetchOne(cached: db, sql: """
            SELECT n, doudi_open(referral, 'router_waiting/' || referral_id) FROM router_waiting_states
            WHERE referral_id = ? ORDER BY n DESC LIMIT 1
            """, arguments: [r.referralId])
        if let last, try JSONDecoder().decode(Referral.self, from: last[1] as Data) == r { return }
        let n = (last?[0] as Int?).map { $0 + 1 } ?? 0
        try db.executeCached(sql: """
            INSERT INTO router_waiting_states(referral_id, n, household_id, time, referral)
            VALUES (?1, ?2, ?3, ?4, doudi_seal(?5, 'router_waiting/' || ?1))
            """, arguments: [r.referralId, n, r.householdId, time, try JSONCoding.encoder.encode(r)])
    }

    /// The referrals of a household waiting for their people: each with its states in the order
    /// read, and the time of each.
    static func waiting(_ db: Database, householdId: String) throws -> [(referralId: String, states: [(Referral, String)])] {
        let rows = try Row.fetchAll(cached: db, sql: """
            SELECT referral_id, doudi_open(referral, 'router_waiting/' || referral_id), time FROM router_waiting_states
            WHERE household_id = ? ORDER BY referral_id, n
            """, arguments: [householdId])
        var out: [(referralId: String, states: [(Referral, String)])] = []
        for row in rows {
            let id: String = row[0]
            let state = (try JSONDecoder().decode(Referral.self, from: row[1] as Data), row[2] as String)
            if out.last?.referralId == id { out[out.count - 1].states.append(state) } else { out.append((id, [state])) }
        }
        return out
    }

    /// The households with referrals waiting for their people.
    static func waitingHouseholds(_ db: Database) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT household_id FROM router_waiting_states ORDER BY household_id"))
    }

    static func isWaiting(_ db: Database, referralId: String) throws -> Bool {
        try Bool.fetchOne(cached: db, sql: "SELECT 1 FROM router_waiting_states WHERE referral_id = ? LIMIT 1", arguments: [referralId]) ?? false
    }

    static func stopWaiting(_ db: Database, referralId: String) throws {
        try db.executeCached(sql: "DELETE FROM router_waiting_states WHERE referral_id = ?", arguments: [referralId])
    }

    // MARK: outcomes read early

    static func keepEarly(_ db: Database, _ outcome: Outcome, referralId: String) throws {
        try db.executeCached(sql: "INSERT OR REPLACE INTO router_early_outcomes(referral_id, outcome_id, outcome) VALUES (?, ?, ?)",
                       arguments: [referralId, outcome.outcomeId, try JSONCoding.encoder.encode(outcome)])
    }

    /// The outcomes kept for `referralId`, removed from the table, oldest decision first
    /// (an acceptance before a decision of the same day).
    static func takeEarly(_ db: Database, referralId: String) throws -> [Outcome] {
        let found = try Row.fetchAll(cached: db, sql: "SELECT outcome FROM router_early_outcomes WHERE referral_id = ?", arguments: [referralId])
            .map { try JSONDecoder().decode(Outcome.self, from: $0[0] as Data) }
        guard !found.isEmpty else { return [] }
        try db.executeCached(sql: "DELETE FROM router_early_outcomes WHERE referral_id = ?", arguments: [referralId])
        return found.sorted { ($0.decidedAt, $0.status == .accepted ? 0 : 1, $0.outcomeId) < ($1.decidedAt, $1.status == .accepted ? 0 : 1, $1.outcomeId) }
    }

    static func earlyCount(_ db: Database) throws -> Int {
        try Int.fetchOne(cached: db, sql: "SELECT count(*) FROM router_early_outcomes") ?? 0
    }

    /// The referral is opened and decoded only when `opened` does not hold it from the same bytes.
    private static func fetch(_ db: Database, where clause: String, _ args: StatementArguments,
                              opened: OpenedReferrals = .shared) throws -> [ReferralLedger.Entry] {
        try Row.fetchAll(cached: db, sql: """
            SELECT referral_id, referral, state, escalated, decided_on, withdrawn_on, escalated_due
            FROM router_referrals WHERE \(clause) ORDER BY referral_id
            """,
                         arguments: args).map { row in
            let id: String = row[0]
            guard let sealed = row[1] as Data?, let state = ReferralState(rawValue: row[2]) else {
                throw DatabaseError(message: "a referral row without its referral or with an unknown state")
            }
            let referral = try opened.value(id, bytes: sealed) { sealed in
                guard let data = try Data.fetchOne(cached: db, sql: "SELECT doudi_open(?, 'router_referrals/' || ?)", arguments: [sealed, id]) else {
                    throw DatabaseError(message: "a referral that does not open")
                }
                return try JSONCoding.decoder.decode(Referral.self, from: data)
            }
            return ReferralLedger.Entry(referral: referral, state: state, escalated: row[3],
                                        decidedOn: (row[4] as String?).flatMap { CivilDate(iso: $0) },
                                        withdrawnOn: (row[5] as String?).flatMap { CivilDate(iso: $0) },
                                        escalatedDue: (row[6] as String?).flatMap { CivilDate(iso: $0) })
        }
    }
}
