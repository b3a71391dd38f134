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
    /// The stored profile with the programmes outcomes said of applied (HeldPrograms), at the
    /// version last received.
    static func load(_ db: Database, _ hh: String) throws -> StoredHousehold? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT profile_json, not_low_income_since, decided_on, profile_version FROM households WHERE household_id = ?
            """), arguments: [hh]) else { return nil }
        let json: Data = row[0]
        var profile = try JSONDecoder().decode(HouseholdProfile.self, from: json)
        profile.version = row[3]
        profile.programs = HeldPrograms.effective(registry: profile.programs, holdings: try holdings(db, hh))
        return StoredHousehold(profile: profile,
                               notLowIncomeSince: (row[1] as String?).flatMap { CivilDate(iso: $0) },
                               decidedOn: (row[2] as String?).flatMap { CivilDate(iso: $0) })
    }

    /// What the processing of a new version needs without decoding the stored profile.
    struct Evaluated {
        var version: Int
        var inputs: String?
        var decidedOn: String?
        var notLowIncomeSince: String?
    }

    static func evaluated(_ db: Database, _ hh: String) throws -> Evaluated? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT profile_version, evaluated_inputs, decided_on, not_low_income_since FROM households WHERE household_id = ?
            """), arguments: [hh]).map { Evaluated(version: $0[0], inputs: $0[1], decidedOn: $0[2], notLowIncomeSince: $0[3]) }
    }

    /// A new version that changes nothing the classifier reads: only its number is kept.
    static func saveVersion(_ db: Database, _ hh: String, _ version: Int) throws {
        try db.cachedStatement(sql: "UPDATE households SET profile_version = ? WHERE household_id = ?").execute(arguments: [version, hh])
    }

    static func holdings(_ db: Database, _ hh: String) throws -> [ProgramKey: ProgramHolding] {
        var result: [ProgramKey: ProgramHolding] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT domain, program, person_key, amount_fen, since FROM outcome_programs WHERE household_id = ?
            """), arguments: [hh]) {
            guard let domain = Domain(rawValue: row[0]) else { continue }
            let person: String = row[2]
            let key = ProgramKey(domain: domain, program: row[1], personKey: person.isEmpty ? nil : person)
            let since: String? = row[4]
            result[key] = since.map { .held(Program(domain: domain, program: key.program, personKey: key.personKey,
                                                    amountFen: row[3], since: $0)) } ?? .ended
        }
        return result
    }

    static func saveHolding(_ db: Database, _ hh: String, _ key: ProgramKey, _ holding: ProgramHolding) throws {
        var held: Program?
        if case .held(let p) = holding { held = p }
        try db.cachedStatement(sql: """
            INSERT INTO outcome_programs(household_id, domain, program, person_key, amount_fen, since) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(household_id, domain, program, person_key) DO UPDATE SET amount_fen = excluded.amount_fen, since = excluded.since
            """).execute(arguments: [hh, key.domain.rawValue, key.program, key.personKey ?? "", held?.amountFen, held?.since])
    }

    /// A fingerprint of the profile's facts, its version and update time aside.
    static func facts(_ p: HouseholdProfile) throws -> UInt64 {
        var facts = p
        facts.version = 0
        facts.updatedAt = ""
        return FNV1a.hash(bytes: try JSONCoding.encoder.encode(facts))
    }

    /// A fingerprint of everything an evaluation reads besides the day: the profile's facts, the
    /// standards, the signals seen, the open warnings and the denials.
    static func inputs(_ db: Database, facts: UInt64, householdId hh: String, regionCode: String,
                       standards: LocalStandards) throws -> String {
        let ledger = try String.fetchAll(db.cachedStatement(sql: """
            SELECT 's' || count(*) FROM signals WHERE household_id = ?1
            UNION ALL SELECT 'w' || warning_id FROM warnings WHERE household_id = ?1 AND status = 'open'
            UNION ALL SELECT 'd' || domain || '/' || disposal FROM denied_referrals WHERE household_id = ?1
            """), arguments: [hh])
        var h = FNV1a.hash(standards.lookup(regionCode: regionCode).summary, seed: facts)
        h = FNV1a.hash(ledger.sorted().joined(separator: "|"), seed: h)
        return String(h, radix: 16)
    }

    /// Stores a profile; `json` is its encoding when the caller has it (the event's payload).
    static func saveProfile(_ db: Database, _ p: HouseholdProfile, json: Data? = nil) throws {
        try db.cachedStatement(sql: """
            INSERT INTO households(household_id, profile_version, region_code, profile_json) VALUES (?, ?, ?, ?)
            ON CONFLICT(household_id) DO UPDATE SET profile_version = excluded.profile_version,
              region_code = excluded.region_code, profile_json = excluded.profile_json
            """).execute(arguments: [p.householdId, p.version, p.regionCode, try json ?? JSONCoding.encoder.encode(p)])
    }

    static func saveDecision(_ db: Database, _ d: Classifier.Decision, notLowIncomeSince: CivilDate?, inputs: String?) throws {
        try db.cachedStatement(sql: """
            UPDATE households SET category = ?, standards_version = ?, reasons_json = ?, decided_on = ?, not_low_income_since = ?,
              evaluated_inputs = ?
            WHERE household_id = ?
            """).execute(arguments: [d.category.rawValue, d.record.standardsVersion, try JSONCoding.encoder.encode(d.record.reasons),
                                     d.asOf.description, notLowIncomeSince?.description, inputs, d.householdId])
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
