// Each household's inputs and the history replayed from them (HouseholdReplay), in the store.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import ServiceKit
import Store

/// The history is kept in StateCoding's binary form (rows written as JSON before still read): its
/// JSON coding was the largest cost of the classifier per household (docs/benchmarks.md).
enum HouseholdStore {
    /// Keeps an input; false when it was known (the same outcome, or a version of the same point
    /// no newer than the one kept).
    static func addInput(_ db: Database, householdId hh: String, _ input: ClassifierInput, payload: Data) throws -> Bool {
        let version: Int
        if case .profile(let p) = input.kind { version = p.version } else { version = 0 }
        try db.cachedStatement(sql: """
            INSERT INTO household_inputs(household_id, input_id, time, version, payload) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(household_id, input_id) DO UPDATE SET version = excluded.version, payload = excluded.payload
            WHERE excluded.version > household_inputs.version
            """).execute(arguments: [hh, input.id, input.time.text, version, payload])
        return db.changesCount > 0
    }

    /// Every input kept for a household.
    static func inputs(_ db: Database, householdId hh: String) throws -> [ClassifierInput] {
        let decoder = JSONDecoder()
        return try Row.fetchAll(db.cachedStatement(sql: "SELECT input_id, time, payload FROM household_inputs WHERE household_id = ?"),
                                arguments: [hh]).compactMap { row in
            let id: String = row[0], payload: Data = row[2]
            guard let time = FactTime(row[1] as String) else { return nil }
            if id.hasPrefix("profile/") { return ClassifierInput(.profile(try decoder.decode(HouseholdProfile.self, from: payload)), time: time) }
            return ClassifierInput(.outcome(try decoder.decode(Outcome.self, from: payload)), time: time)
        }
    }

    static func history(_ db: Database, householdId hh: String) throws -> HouseholdHistory? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT history FROM households WHERE household_id = ?"), arguments: [hh])
            .map { try StateCoding.decode(HouseholdHistory.self, from: $0) }
    }

    static func save(_ db: Database, _ h: HouseholdHistory) throws {
        try db.cachedStatement(sql: """
            INSERT INTO households(household_id, region_code, profile_version, category, standards_version, decided_on, history)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(household_id) DO UPDATE SET region_code = excluded.region_code, profile_version = excluded.profile_version,
              category = excluded.category, standards_version = excluded.standards_version, decided_on = excluded.decided_on,
              history = excluded.history
            """).execute(arguments: [h.householdId, h.profile?.regionCode ?? "", h.profile?.version ?? 0, h.category?.rawValue,
                                     h.standardsVersion, h.point?.date?.description, try StateCoding.encode(h)])
    }

    static func householdIds(_ db: Database, after: String, limit: Int) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT household_id FROM households WHERE household_id > ? ORDER BY household_id LIMIT ?",
                            arguments: [after, limit])
    }
}

/// Brings a household's history up to date with new inputs: in place when they come after
/// everything applied, else by replaying all its inputs; then publishes what changed.
struct Households {
    let standards: LocalStandards

    func apply(_ db: Database, householdId hh: String, inputs: [(ClassifierInput, Data)], clock: FactTime?,
               emitter: Emitter) throws -> [OutgoingEvent] {
        var added: [ClassifierInput] = []
        for (input, payload) in inputs where try HouseholdStore.addInput(db, householdId: hh, input, payload: payload) {
            added.append(input)
        }
        if added.isEmpty && inputs.isEmpty == false { return [] }
        var h = try HouseholdStore.history(db, householdId: hh) ?? HouseholdHistory(householdId: hh)
        if HouseholdReplay.canAdvance(h, with: added) {
            HouseholdReplay.advance(&h, with: added, standards: standards, clockDay: clock?.date)
        } else {
            h = HouseholdReplay.replay(hh, inputs: try HouseholdStore.inputs(db, householdId: hh), standards: standards,
                                       clockDay: clock?.date)
        }
        try HouseholdStore.save(db, h)
        return try Publication.publish(h, db: db, emitter: emitter)
    }
}
