// The low-income population database (§3.1.2) in the matcher's SQLite store. Every read and
// write is a lookup or upsert by primary key, so the cost of one input does not grow with the
// registry: a profile is one JSON blob per household, and persons map keys to households.
import DoudiDomain
import Envelope
import Foundation
import GRDB

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
            // Versions made by outcomes and not yet published; emptied at the end of every batch.
            try db.execute(sql: """
                CREATE TABLE pending_versions(household_id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL,
                  cause_id TEXT NOT NULL, event_time TEXT NOT NULL) WITHOUT ROWID;
                """)
        }
    }
}

/// `RegistryReader` over the store, used inside the runtime's write transaction so that what
/// the pure logic reads is exactly what the same transaction then changes.
struct SQLiteRegistry: RegistryReader {
    typealias Failure = any Error
    let db: Database
    let decoder = JSONDecoder()

    func householdId(forPersonKey personKey: String) throws -> String? {
        let statement = try db.cachedStatement(sql: "SELECT household_id FROM persons WHERE person_key = ?")
        return try String.fetchOne(statement, arguments: [personKey])
    }

    func profile(householdId: String) throws -> HouseholdProfile? {
        let statement = try db.cachedStatement(sql: "SELECT profile FROM households WHERE id = ?")
        guard let blob = try Data.fetchOne(statement, arguments: [householdId]) else { return nil }
        return try decoder.decode(HouseholdProfile.self, from: blob)
    }
}

/// Writes a `RegistryChange`. Returns each new profile with the exact bytes stored, which are
/// also the event payload (encoded once, sorted keys: replays produce identical bytes).
enum RegistryWriter {
    static func write(_ change: RegistryChange, to db: Database) throws -> [(HouseholdProfile, Data)] {
        var written: [(HouseholdProfile, Data)] = []
        for profile in change.profiles {
            let bytes = try JSONCoding.encoder.encode(profile)
            try upsert(profile, bytes: bytes, db)
            written.append((profile, bytes))
        }
        for membership in change.memberships {
            switch membership {
            case let .set(personKey, householdId): try setMembership(personKey, householdId, db)
            case let .remove(personKey):
                try db.cachedStatement(sql: "DELETE FROM persons WHERE person_key = ?").execute(arguments: [personKey])
            }
        }
        for signal in change.signals where signal.kind == .unregisteredCandidate {
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO candidates(person_key, region_code, reason, record_id, occurred_on) VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [signal.personKey, signal.regionCode, signal.attributes["reason"] ?? signal.recordKind.rawValue,
                                         signal.recordId, signal.occurredOn])
        }
        return written
    }

    static func upsert(_ profile: HouseholdProfile, bytes: Data, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO households(id, version, region_code, member_count, profile) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET version = excluded.version, region_code = excluded.region_code,
              member_count = excluded.member_count, profile = excluded.profile
            """).execute(arguments: [profile.householdId, profile.version, profile.regionCode, profile.members.count, bytes])
    }

    /// A registered person is no longer a candidate for a home visit.
    static func setMembership(_ personKey: String, _ householdId: String, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO persons(person_key, household_id) VALUES (?, ?)
            ON CONFLICT(person_key) DO UPDATE SET household_id = excluded.household_id
            """).execute(arguments: [personKey, householdId])
        try db.cachedStatement(sql: "DELETE FROM candidates WHERE person_key = ?").execute(arguments: [personKey])
    }
}
