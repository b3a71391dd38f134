// The low-income population database (§3.1.2) in the matcher's SQLite store: the facts per
// household and per person, and what was published of each household's history. Every read and
// write is a lookup or upsert by primary key (or a short index range), so the cost of one input
// does not grow with the registry.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Store

enum RegistrySchema {
    static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("matcher-v1") { db in
            try db.execute(sql: """
                CREATE TABLE households(id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL,
                  region_code TEXT NOT NULL, member_count INTEGER NOT NULL, profile BLOB NOT NULL);
                CREATE TABLE persons(person_key TEXT PRIMARY KEY NOT NULL, household_id TEXT NOT NULL) WITHOUT ROWID;
                CREATE INDEX persons_by_household ON persons(household_id);
                CREATE TABLE candidates(person_key TEXT PRIMARY KEY NOT NULL, region_code TEXT,
                  reason TEXT NOT NULL, record_id TEXT NOT NULL, occurred_on TEXT NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("matcher-v2") { db in
            try db.execute(sql: """
                CREATE TABLE pending_versions(household_id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL,
                  cause_id TEXT NOT NULL, event_time TEXT NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("matcher-v3-facts") { db in
            // The facts every profile is folded from (HouseholdTimeline), and the points published.
            // A store made before this migration holds no facts: rebuild it by replay (docs/matcher.md).
            try db.execute(sql: """
                DROP TABLE pending_versions;
                -- Collections merged into a household.
                CREATE TABLE household_submissions(household_id TEXT NOT NULL, submission_id TEXT NOT NULL,
                  submission BLOB NOT NULL, PRIMARY KEY(household_id, submission_id)) WITHOUT ROWID;
                -- Profiles taken over as they were (synthetic or migrated data).
                CREATE TABLE household_bases(household_id TEXT PRIMARY KEY NOT NULL, profile BLOB NOT NULL) WITHOUT ROWID;
                -- What each collection of a household says of each person its collections list.
                CREATE TABLE claims(person_key TEXT NOT NULL, household_id TEXT NOT NULL, source TEXT NOT NULL,
                  time_ms INTEGER NOT NULL, time_text TEXT NOT NULL, verified INTEGER NOT NULL, listed INTEGER NOT NULL,
                  PRIMARY KEY(person_key, household_id, source)) WITHOUT ROWID;
                -- Department records about people, registered or not.
                CREATE TABLE person_records(person_key TEXT NOT NULL, record_id TEXT NOT NULL, record BLOB NOT NULL,
                  PRIMARY KEY(person_key, record_id)) WITHOUT ROWID;
                CREATE UNIQUE INDEX person_records_id ON person_records(record_id);
                -- The programmes a household receives now (from assistance.outcomes), and those
                -- whose change is not published yet (one version per household per batch).
                CREATE TABLE household_programs(household_id TEXT PRIMARY KEY NOT NULL, holdings BLOB NOT NULL,
                  dirty INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
                CREATE INDEX household_programs_dirty ON household_programs(dirty) WHERE dirty = 1;
                -- Each point of a household's history as last published: its facts fingerprint.
                CREATE TABLE timeline(household_id TEXT NOT NULL, as_of TEXT NOT NULL, version INTEGER NOT NULL,
                  fingerprint TEXT NOT NULL, PRIMARY KEY(household_id, as_of)) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("matcher-v4-candidate-signals") { db in
            // Every unregistered_candidate signal published, per person, so that each is taken back
            // when the person's registration is read after the record (Convergence).
            try db.execute(sql: """
                CREATE TABLE candidate_signals(person_key TEXT NOT NULL, signal_id TEXT NOT NULL, signal BLOB NOT NULL,
                  PRIMARY KEY(person_key, signal_id)) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("matcher-v5-rowid-tables") { db in
            // A submission (about 1.5 KB) and a household's holdings spilled into an overflow page
            // each in a WITHOUT ROWID table (RowidTables).
            try RowidTables.rebuild(db, table: "household_submissions")
            try RowidTables.rebuild(db, table: "household_programs")
        }
    }
}

/// `RegistryReader` over the store, used inside the runtime's write transaction so that what
/// the pure logic reads is exactly what the same transaction then changes.
struct SQLiteRegistry: RegistryReader {
    typealias Failure = any Error
    let db: Database
    /// Decoded rows remembered with their bytes (DecodedRows); `.none` decodes every read.
    var rows: DecodedRows = .none
    let decoder = JSONDecoder()

    func householdId(forPersonKey personKey: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT household_id FROM persons WHERE person_key = ?"), arguments: [personKey])
    }

    func profile(householdId: String) throws -> HouseholdProfile? {
        guard var profile = try storedProfile(householdId: householdId) else { return nil }
        if let programs = try programs(householdId: householdId) { profile.programs = programs }
        return profile
    }

    /// The programmes recorded from outcomes (nil before any).
    func programs(householdId: String) throws -> [Program]? { try storedHoldings(householdId: householdId)?.programs }

    func storedHoldings(householdId: String) throws -> ProgramHoldings? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT holdings FROM household_programs WHERE household_id = ?"),
                          arguments: [householdId]).map { bytes in
            try rows.holdings.value(householdId, bytes: bytes) { try StateCoding.decode(ProgramHoldings.self, from: $0) }
        }
    }

    /// The latest version's profile as stored (its programmes as published with it).
    func storedProfile(householdId: String) throws -> HouseholdProfile? { try storedVersion(householdId: householdId)?.stored.profile }

    /// The latest version's profile as stored, and its bytes (the event's payload).
    func storedVersion(householdId: String) throws -> (stored: StoredProfile, bytes: Data)? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT profile FROM households WHERE id = ?"), arguments: [householdId]).map { bytes in
            (try rows.profiles.value(householdId, bytes: bytes) {
                StoredProfile(profile: try decoder.decode(HouseholdProfile.self, from: $0), canonical: false)
            }, bytes)
        }
    }

    func holdings(householdId: String) throws -> ProgramHoldings {
        if let held = try storedHoldings(householdId: householdId) { return held }
        return ProgramHoldings(programs: try base(householdId: householdId)?.programs ?? [])
    }

    func base(householdId: String) throws -> HouseholdProfile? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT profile FROM household_bases WHERE household_id = ?"),
                          arguments: [householdId]).map { try decoder.decode(HouseholdProfile.self, from: $0) }
    }

    func submissions(householdId: String) throws -> [Submission] {
        try Data.fetchAll(db.cachedStatement(sql: "SELECT submission FROM household_submissions WHERE household_id = ?"),
                          arguments: [householdId]).map { try decoder.decode(Submission.self, from: $0) }
    }

    func claims(personKey: String) throws -> [MembershipClaim] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT household_id, source, time_text, verified, listed FROM claims WHERE person_key = ?
            """), arguments: [personKey]).compactMap { row in
            guard let time = FactTime(row[2] as String) else { return nil }
            return MembershipClaim(personKey: personKey, householdId: row[0], time: time, source: row[1], verified: row[3], listed: row[4])
        }
    }

    func records(personKey: String) throws -> [PersonRecord] {
        try Data.fetchAll(db.cachedStatement(sql: "SELECT record FROM person_records WHERE person_key = ?"), arguments: [personKey])
            .compactMap { PersonRecord(personKey: personKey, record: try decoder.decode(DeptRecord.self, from: $0)) }
    }

    func published(householdId: String) throws -> PublishedTimeline {
        var t = PublishedTimeline()
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT as_of, version, fingerprint FROM timeline WHERE household_id = ?"),
                                    arguments: [householdId]) {
            t.points[row[0]] = UInt64(row[2] as String, radix: 16)
            t.lastVersion = max(t.lastVersion, row[1])
        }
        if t.lastVersion == 0, let v = try Int.fetchOne(db.cachedStatement(sql: "SELECT version FROM households WHERE id = ?"),
                                                        arguments: [householdId]) {
            t.lastVersion = v
        }
        return t
    }
}

/// Writes a `RegistryChange`. Returns each new profile with the exact bytes stored, which are
/// also the event payload (encoded once, sorted keys: replays produce identical bytes).
enum RegistryWriter {
    /// Writes the change; returns the profiles written and the candidate signals it takes back
    /// (people the change registers who were candidates for a home visit). `facts`: the facts
    /// fingerprint of a household's profile where the caller knows it (a programme-only version
    /// has its previous version's); computed for the others. `encoded`: a profile's bytes where the
    /// caller has them (`JSONCoding.encoder`'s, exactly); encoded here for the others.
    static func write(_ change: RegistryChange, to db: Database, rows: DecodedRows = .none,
                      facts known: [String: UInt64] = [:], encoded: [String: Data] = [:])
        throws -> (profiles: [(HouseholdProfile, Data, facts: UInt64)], retracted: [Signal]) {
        for (householdId, submission) in change.submissions {
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO household_submissions(household_id, submission_id, submission) VALUES (?, ?, ?)
                """).execute(arguments: [householdId, submission.submissionId, try JSONCoding.encoder.encode(submission)])
        }
        for c in change.claims {
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO claims(person_key, household_id, source, time_ms, time_text, verified, listed)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [c.personKey, c.householdId, c.source, c.time.ms, c.time.text, c.verified, c.listed])
        }
        for r in change.records {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO person_records(person_key, record_id, record) VALUES (?, ?, ?)")
                .execute(arguments: [r.personKey, r.record.recordId, try JSONCoding.encoder.encode(r.record)])
        }
        for (householdId, held) in change.holdings { try setHoldings(held, of: householdId, dirty: false, rows: rows, db) }
        var written: [(HouseholdProfile, Data, facts: UInt64)] = []
        for (index, profile) in change.profiles.enumerated() {
            let bytes = try encoded[profile.householdId] ?? JSONCoding.encoder.encode(profile)
            // Computed once: the timeline row and the event id both need it (a seventh of the
            // matcher's CPU each), and the draft computed it for the first version it emits.
            let facts = known[profile.householdId] ?? change.factsFingerprints[index] ?? HouseholdTimeline.factsFingerprint(profile)
            try upsert(profile, bytes: bytes, db)
            rows.profiles.remember(profile.householdId, bytes: bytes, value: StoredProfile(profile: profile, canonical: true))
            try db.cachedStatement(sql: """
                INSERT INTO timeline(household_id, as_of, version, fingerprint) VALUES (?, ?, ?, ?)
                ON CONFLICT(household_id, as_of) DO UPDATE SET version = excluded.version, fingerprint = excluded.fingerprint
                """).execute(arguments: [profile.householdId, profile.asOf ?? profile.updatedAt, profile.version,
                                         String(facts, radix: 16)])
            try db.cachedStatement(sql: "UPDATE household_programs SET dirty = 0 WHERE household_id = ?")
                .execute(arguments: [profile.householdId])
            written.append((profile, bytes, facts))
        }
        var retracted: [Signal] = []
        for membership in change.memberships {
            switch membership {
            case let .set(personKey, householdId):
                try setMembership(personKey, householdId, db)
                retracted += try takeBackCandidate(personKey, db)
            case let .remove(personKey):
                try db.cachedStatement(sql: "DELETE FROM persons WHERE person_key = ?").execute(arguments: [personKey])
            }
        }
        for signal in change.signals where signal.kind == .unregisteredCandidate {
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO candidates(person_key, region_code, reason, record_id, occurred_on) VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [signal.personKey, signal.regionCode, signal.attributes["reason"] ?? signal.recordKind.rawValue,
                                         signal.recordId, signal.occurredOn])
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO candidate_signals(person_key, signal_id, signal) VALUES (?, ?, ?)")
                .execute(arguments: [signal.personKey, signal.signalId, try JSONCoding.encoder.encode(signal)])
        }
        return (written, retracted)
    }

    /// The candidate signals of a person now registered, marked `retracted` (and forgotten).
    /// Called for every member of every version written, and nearly always finds nothing: one
    /// prepared statement (it was a SELECT and a DELETE parsed anew each time, 5 % of the
    /// matcher's CPU). In `signal_id` order.
    static func takeBackCandidate(_ personKey: String, _ db: Database) throws -> [Signal] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "DELETE FROM candidate_signals WHERE person_key = ? RETURNING signal_id, signal"),
                                    arguments: [personKey])
        guard !rows.isEmpty else { return [] }
        let decoder = JSONDecoder()
        // By bytes, as SQLite's ORDER BY compared them (Swift's `<` on String is by Unicode).
        return try rows.sorted { Array(($0[0] as String).utf8).lexicographicallyPrecedes(Array(($1[0] as String).utf8)) }.map {
            var s = try decoder.decode(Signal.self, from: $0[1] as Data)
            s.retracted = true
            return s
        }
    }

    /// The latest published version: only a higher version replaces it.
    static func upsert(_ profile: HouseholdProfile, bytes: Data, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO households(id, version, region_code, member_count, profile) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET version = excluded.version, region_code = excluded.region_code,
              member_count = excluded.member_count, profile = excluded.profile
            WHERE excluded.version > households.version
            """).execute(arguments: [profile.householdId, profile.version, profile.regionCode, profile.members.count, bytes])
    }

    /// Programmes recorded from an outcome; published at the end of the batch unless a new
    /// version of the household carries them first.
    static func setHoldings(_ holdings: ProgramHoldings, of householdId: String, dirty: Bool = true, rows: DecodedRows = .none,
                            _ db: Database) throws {
        let bytes = try StateCoding.encode(holdings)
        try db.cachedStatement(sql: """
            INSERT INTO household_programs(household_id, holdings, dirty) VALUES (?, ?, ?)
            ON CONFLICT(household_id) DO UPDATE SET holdings = excluded.holdings, dirty = excluded.dirty
            """).execute(arguments: [householdId, bytes, dirty])
        rows.holdings.remember(householdId, bytes: bytes, value: holdings)
    }

    /// A registered person is no longer a candidate for a home visit.
    static func setMembership(_ personKey: String, _ householdId: String, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO persons(person_key, household_id) VALUES (?, ?)
            ON CONFLICT(person_key) DO UPDATE SET household_id = excluded.household_id
            """).execute(arguments: [personKey, householdId])
        try db.cachedStatement(sql: "DELETE FROM candidates WHERE person_key = ?").execute(arguments: [personKey])
    }

    /// A profile taken over as it is (synthetic data): its base, its published point, its members.
    static func seed(_ profile: HouseholdProfile, _ db: Database) throws {
        let bytes = try JSONCoding.encoder.encode(profile)
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO household_bases(household_id, profile) VALUES (?, ?)")
            .execute(arguments: [profile.householdId, bytes])
        var published = profile
        published.asOf = FactTime(profile.collectedAt)?.text
        let facts = RegistryFacts(householdId: profile.householdId, base: profile, programs: profile.programs)
        if let point = HouseholdTimeline.timeline(facts).last { published = point; published.version = profile.version }
        try upsert(published, bytes: try JSONCoding.encoder.encode(published), db)
        // Replaced only with the households row (a higher version): the timeline row of the stored
        // version's point holds that version's facts fingerprint, which a programme-only version reuses.
        try db.cachedStatement(sql: """
            INSERT INTO timeline(household_id, as_of, version, fingerprint) VALUES (?, ?, ?, ?)
            ON CONFLICT(household_id, as_of) DO UPDATE SET version = excluded.version, fingerprint = excluded.fingerprint
            WHERE excluded.version > timeline.version
            """).execute(arguments: [profile.householdId, published.asOf ?? profile.collectedAt, profile.version,
                                     String(HouseholdTimeline.factsFingerprint(published), radix: 16)])
        guard let time = FactTime(profile.collectedAt) else { return }
        for key in profile.members.compactMap(\.personKey) {
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO claims(person_key, household_id, source, time_ms, time_text, verified, listed)
                VALUES (?, ?, ?, ?, ?, 1, 1)
                """).execute(arguments: [key, profile.householdId, profile.sourceSubmissions.last ?? "base:\(profile.householdId)",
                                         time.ms, time.text])
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO persons(person_key, household_id) VALUES (?, ?)")
                .execute(arguments: [key, profile.householdId])
        }
    }
}
