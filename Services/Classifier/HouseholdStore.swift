// Profiles, signals and decisions per household.
import DoudiDomain
import Envelope
import Foundation
import GRDB

struct StoredHousehold {
    var profile: HouseholdProfile
    var notLowIncomeSince: CivilDate?
    var decidedOn: CivilDate?
}

enum HouseholdStore {
    static func load(_ db: Database, _ hh: String) throws -> StoredHousehold? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT profile_json, not_low_income_since, decided_on FROM households WHERE household_id = ?
            """, arguments: [hh]) else { return nil }
        let json: Data = row[0]
        return StoredHousehold(profile: try JSONDecoder().decode(HouseholdProfile.self, from: json),
                               notLowIncomeSince: (row[1] as String?).flatMap { CivilDate(iso: $0) },
                               decidedOn: (row[2] as String?).flatMap { CivilDate(iso: $0) })
    }

    static func version(_ db: Database, _ hh: String) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT profile_version FROM households WHERE household_id = ?", arguments: [hh])
    }

    static func saveProfile(_ db: Database, _ p: HouseholdProfile) throws {
        try db.execute(sql: """
            INSERT INTO households(household_id, profile_version, region_code, profile_json) VALUES (?, ?, ?, ?)
            ON CONFLICT(household_id) DO UPDATE SET profile_version = excluded.profile_version,
              region_code = excluded.region_code, profile_json = excluded.profile_json
            """, arguments: [p.householdId, p.version, p.regionCode, try JSONCoding.encoder.encode(p)])
    }

    static func saveDecision(_ db: Database, _ d: Classifier.Decision, notLowIncomeSince: CivilDate?) throws {
        try db.execute(sql: """
            UPDATE households SET category = ?, standards_version = ?, reasons_json = ?, decided_on = ?, not_low_income_since = ?
            WHERE household_id = ?
            """, arguments: [d.category.rawValue, d.record.standardsVersion, try JSONCoding.encoder.encode(d.record.reasons),
                             d.asOf.description, notLowIncomeSince?.description, d.householdId])
    }

    /// Stores a signal once; false when it was seen before.
    static func addSignal(_ db: Database, _ s: Signal, householdId hh: String) throws -> Bool {
        try db.execute(sql: "INSERT OR IGNORE INTO signals(signal_id, household_id, signal_json) VALUES (?, ?, ?)",
                       arguments: [s.signalId, hh, try JSONCoding.encoder.encode(s)])
        return db.changesCount > 0
    }

    static func context(_ db: Database, _ hh: String) throws -> ClassificationContext {
        let signals = try Data.fetchAll(db, sql: "SELECT signal_json FROM signals WHERE household_id = ? ORDER BY signal_id",
                                        arguments: [hh]).map { try JSONDecoder().decode(Signal.self, from: $0) }
        return ClassificationContext(signals: signals)
    }

    static func householdIds(_ db: Database, after: String, limit: Int) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT household_id FROM households WHERE household_id > ? ORDER BY household_id LIMIT ?",
                            arguments: [after, limit])
    }
}
