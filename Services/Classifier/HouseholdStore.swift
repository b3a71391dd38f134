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
        try stored(db, householdId: hh)?.history
    }

    /// The stored history and the token of its last save (nil for a row saved before tokens).
    static func stored(_ db: Database, householdId hh: String) throws -> (history: HouseholdHistory, token: Int64?)? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT b.history, h.history_token, h.profile_input, h.profile_version, b.bytes_token
            FROM households h LEFT JOIN household_histories b ON b.household_id = h.household_id WHERE h.household_id = ?
            """), arguments: [hh]) else { return nil }
        let token: Int64? = row[1], bytesToken: Int64? = row[4]
        // A save whose history is written at the batch's end (DeferredHistories): the runtime's
        // finishBatch does it before the commit, so a store read outside a batch always matches.
        guard token == bytesToken, let bytes = row[0] as Data? else {
            throw StoreInconsistency(detail: "a household's stored history is not the one of its last save (a batch committed without finishBatch)")
        }
        var h = try StateCoding.decode(HouseholdHistory.self, from: bytes)
        if let input: String = row[2] { h.profile = try profile(db, householdId: hh, inputId: input, version: row[3]) }
        return (h, token)
    }

    /// The profile a history refers to: the registry version it applied, as kept in its inputs.
    private static func profile(_ db: Database, householdId hh: String, inputId: String, version: Int) throws -> HouseholdProfile {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT version, payload FROM household_inputs WHERE household_id = ? AND input_id = ?
            """), arguments: [hh, inputId]), row[0] as Int == version else {
            throw StoreInconsistency(detail: "a household history refers to a registry version its inputs do not hold (\(inputId.prefix(60)))")
        }
        return try JSONDecoder().decode(HouseholdProfile.self, from: row[1] as Data)
    }

    struct StoreInconsistency: Error, CustomStringConvertible { var detail: String; var description: String { detail } }

    /// Whether the household has a stored history, and the token of its last save (HistoryCache).
    static func token(_ db: Database, householdId hh: String) throws -> (exists: Bool, token: Int64?) {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT history_token FROM households WHERE household_id = ?"),
                                         arguments: [hh]) else { return (false, nil) }
        return (true, row[0])
    }

    /// Saves the history with a fresh token (HistoryCache) and returns the token. The profile is
    /// not encoded again with every save: it is the registry version of one of the household's
    /// inputs (`profile/<asOf>`, stored as received), named in `profile_input` and read from there.
    /// A profile without `asOf` (its input is named by its event time) stays in the history.
    /// `bytes: false` writes everything but the history itself, which `writeHistory` writes before
    /// the transaction commits (DeferredHistories).
    @discardableResult
    static func save(_ db: Database, _ h: HouseholdHistory, bytes: Bool = true) throws -> Int64 {
        let token = HistoryCache.newToken()
        let profileInput = h.profile?.asOf.map { "profile/\($0)" }
        try db.cachedStatement(sql: """
            INSERT INTO households(household_id, region_code, profile_version, category, standards_version, decided_on,
              history_token, next_due, profile_input)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(household_id) DO UPDATE SET region_code = excluded.region_code, profile_version = excluded.profile_version,
              category = excluded.category, standards_version = excluded.standards_version, decided_on = excluded.decided_on,
              history_token = excluded.history_token, next_due = excluded.next_due, profile_input = excluded.profile_input
            """).execute(arguments: [h.householdId, h.profile?.regionCode ?? "", h.profile?.version ?? 0, h.category?.rawValue,
                                     h.standardsVersion, h.point?.date?.description, token, nextDue(h), profileInput])
        // Without `bytes`, the stored history stays the last one written, under its own token,
        // until `writeHistory` (a read between finds the tokens differ).
        if bytes { try writeHistory(db, h, token: token) }
        return token
    }

    /// Writes the history of the save of `token` (`save(_:_:bytes: false)` in the same
    /// transaction), unless a later save replaced that one.
    static func writeHistory(_ db: Database, _ h: HouseholdHistory, token: Int64) throws {
        let (history, _) = try encoded(h)
        try db.cachedStatement(sql: """
            INSERT INTO household_histories(household_id, bytes_token, history)
            SELECT household_id, history_token, ? FROM households WHERE household_id = ? AND history_token = ?
            ON CONFLICT(household_id) DO UPDATE SET bytes_token = excluded.bytes_token, history = excluded.history
            """).execute(arguments: [history, h.householdId, token])
    }

    /// The history's bytes (without the profile when an input holds it) and that input's id.
    private static func encoded(_ h: HouseholdHistory) throws -> (Data, String?) {
        guard let asOf = h.profile?.asOf else { return (try StateCoding.encode(h), nil) }
        var rest = h
        rest.profile = nil
        return (try StateCoding.encode(rest), "profile/\(asOf)")
    }

    /// The earliest due date of the history's open not_covered warnings not checked yet (§3.4):
    /// the event clock brings the household up to a new day only when that day is past it.
    static func nextDue(_ h: HouseholdHistory) -> String? {
        h.openWarnings.filter { $0.disposal == .notCovered && !h.dueChecked.contains($0.warningId) }.compactMap(\.dueBy).min()
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
    /// Decoded histories of recent households (nil: every input decodes the stored one).
    var cache: HistoryCache? = nil
    /// Histories written once at the batch's end (nil: written with every save). Only where the
    /// caller flushes it before the commit (ClassifierProcessor.finishBatch).
    var deferred: DeferredHistories? = nil

    func apply(_ db: Database, householdId hh: String, inputs: [(ClassifierInput, Data)], clock: FactTime?,
               emitter: Emitter) throws -> [OutgoingEvent] {
        // Read before the inputs are added: the history's profile is read from the input it
        // applied (HouseholdStore.save), which a newer version of the same point replaces.
        let (previous, known) = try load(db, householdId: hh)
        var added: [ClassifierInput] = []
        for (input, payload) in inputs where try HouseholdStore.addInput(db, householdId: hh, input, payload: payload) {
            added.append(input)
        }
        if added.isEmpty && inputs.isEmpty == false { return [] }
        // The household's inputs as stored now (this input included), when known.
        var all = known.map { Self.merge($0, added) }
        let (fold, _) = try HouseholdReplay.fold(previous ?? HouseholdFold(history: HouseholdHistory(householdId: hh)), added: added, stored: {
            if let all { return all }
            let stored = try HouseholdStore.inputs(db, householdId: hh)
            all = stored
            return stored
        }, householdId: hh, standards: standards, clockDay: clock?.date)
        let token = try HouseholdStore.save(db, fold.history, bytes: deferred == nil)
        let entry = HistoryCache.Entry(token: token, history: fold.history, inputs: all, beforeLast: fold.beforeLast)
        deferred?.add(db, hh, entry)
        cache?.store(hh, entry)
        return try Publication.publish(fold.history, previous: previous?.history, db: db, emitter: emitter)
    }

    /// The stored history (from the cache when its token is the stored one, with the state before
    /// its last point) and, when the cache has them, the stored inputs as they were before this apply.
    /// A save of this batch whose history is not written yet is read from `deferred`.
    private func load(_ db: Database, householdId hh: String) throws -> (HouseholdFold?, [ClassifierInput]?) {
        guard cache != nil || deferred != nil else {
            return (try HouseholdStore.history(db, householdId: hh).map { HouseholdFold(history: $0) }, nil)
        }
        let stored = try HouseholdStore.token(db, householdId: hh)
        guard stored.exists else { return (nil, nil) }
        if let token = stored.token, let e = cache?.entry(hh, token: token) ?? deferred?.entry(db, hh, token: token) {
            return (HouseholdFold(history: e.history, beforeLast: e.beforeLast), e.inputs)
        }
        guard let (h, token) = try HouseholdStore.stored(db, householdId: hh) else { return (nil, nil) }
        if let token { cache?.store(hh, .init(token: token, history: h, inputs: nil)) }
        return (HouseholdFold(history: h), nil)
    }

    /// The stored inputs after `added` were stored: an input replaces the one of the same id
    /// (a newer version of a point). In `input_id` order, like the store's.
    static func merge(_ inputs: [ClassifierInput], _ added: [ClassifierInput]) -> [ClassifierInput] {
        guard !added.isEmpty else { return inputs }
        let ids = Set(added.map(\.id))
        return (inputs.filter { !ids.contains($0.id) } + added).sorted { $0.id < $1.id }
    }
}
