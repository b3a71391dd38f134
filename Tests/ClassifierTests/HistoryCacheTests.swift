// The classifier's memory of decoded histories (HistoryCache) must never decide differently from
// the stored history (Convergence): after a rolled-back transaction or savepoint, after another
// writer's save, and on replays that read the inputs it keeps. Real SQLite stores, no broker: each
// run is compared with the same inputs applied without any cache.
@testable import ClassifierService
import DoudiDomain
import Foundation
import GRDB
import ServiceKit
import Store
import TestSupport
import XCTest

final class HistoryCacheTests: XCTestCase {
    /// A classifier store (its own tables only) with the service's household logic on top.
    struct ClassifierStore {
        let queue: DatabaseQueue
        let households: ClassifierService.Households

        init(_ name: String, cache: HistoryCache?) throws {
            queue = try DatabaseQueue(path: temporaryDirectory("history-cache-\(name)") + "/classifier.sqlite")
            var migrator = DatabaseMigrator()
            ClassifierSchema.register(&migrator)
            try migrator.migrate(queue)
            households = ClassifierService.Households(standards: .defaults, cache: cache)
        }

        /// The same store with other household logic (histories written once per batch).
        init(queue: DatabaseQueue, households: ClassifierService.Households) {
            self.queue = queue; self.households = households
        }

        /// Applies one input in `db`; returns the ids of the events it publishes.
        func apply(_ db: Database, _ input: ClassifierInput, clock: String) throws -> [String] {
            let hh: String, payload: Data
            switch input.kind {
            case .profile(let p): hh = p.householdId; payload = try JSONEncoder().encode(p)
            case .outcome(let o): hh = o.householdId; payload = try JSONEncoder().encode(o)
            }
            return try households.apply(db, householdId: hh, inputs: [(input, payload)], clock: FactTime(clock),
                                        emitter: .scoped(time: clock)).map(\.event.id)
        }

        func apply(_ input: ClassifierInput, clock: String) throws -> [String] {
            try queue.write { try apply($0, input, clock: clock) }
        }

        func history(_ hh: String) throws -> HouseholdHistory? {
            try queue.read { try HouseholdStore.history($0, householdId: hh) }
        }

        /// What was published of every warning: id, status and fingerprint.
        func warnings() throws -> [String] {
            try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT warning_id, status, fingerprint FROM warnings ORDER BY warning_id")
                    .map { "\($0[0] as String) \($0[1] as String) \($0[2] as String)" }
            }
        }
    }

    struct Rollback: Error {}

    static func profile(_ id: String, version: Int, incomeFen: Int64, at time: String) -> ClassifierInput {
        let member = Member(relation: .self, name: "测试人\(id)", idNumber: "11010519860101001X", occupation: .employed,
                            laborAbility: .full, personKey: "pk-\(id)", birthDate: "1986-01-01")
        var p = HouseholdProfile(householdId: id, version: version, regionCode: "110105001", area: .rural, members: [member],
                                 income: Income(wagesFen: incomeFen * 12), assets: Assets(houses: [House(areaM2: 80, safety: "safe")]),
                                 programs: [], verificationAuthorized: true, collectedAt: time, updatedAt: time)
        p.asOf = time
        return ClassifierInput(.profile(p), time: FactTime(time)!)
    }

    static func household(_ input: ClassifierInput) -> String {
        switch input.kind {
        case .profile(let p): return p.householdId
        case .outcome(let o): return o.householdId
        }
    }

    static func grant(_ id: String, _ n: Int, at time: String) -> ClassifierInput {
        ClassifierInput(.outcome(Outcome(outcomeId: "o-\(id)-\(n)", householdId: id, domain: .basicLiving, program: "dibao",
                                         status: .granted, amountFen: 60_000, decidedAt: time, reason: "approved")),
                        time: FactTime(time)!)
    }

    /// A transaction rolled back after its save, and a savepoint rolled back inside a transaction
    /// that commits, leave a history in the cache that the store does not hold: it is not used.
    func testRolledBackWritesLeaveNoStaleHistory() throws {
        let cache = HistoryCache(capacity: 100)
        let cached = try ClassifierStore("rollback-cached", cache: cache)
        let plain = try ClassifierStore("rollback-plain", cache: nil)
        let poor1 = Self.profile("A", version: 1, incomeFen: 0, at: "2026-10-01T08:00:00Z")
        let rich2 = Self.profile("A", version: 2, incomeFen: 900_000, at: "2026-10-02T08:00:00Z")
        let poor3 = Self.profile("A", version: 3, incomeFen: 0, at: "2026-10-03T08:00:00Z")
        let poor4 = Self.profile("A", version: 4, incomeFen: 0, at: "2026-10-04T08:00:00Z")

        XCTAssertEqual(try cached.apply(poor1, clock: "2026-10-01T08:00:00Z"), try plain.apply(poor1, clock: "2026-10-01T08:00:00Z"))
        // Version 2 (the need is gone: the warning resolves) is saved, cached, then rolled back.
        XCTAssertThrowsError(try cached.queue.write { db in
            XCTAssertFalse(try cached.apply(db, rich2, clock: "2026-10-02T08:00:00Z").isEmpty, "the rolled-back input changed the history")
            throw Rollback()
        })
        XCTAssertEqual(try cached.history("A")?.profile?.version, 1)
        XCTAssertEqual(cache.statistics.entries, 1)
        // Version 3 follows version 1 as if version 2 had never been: the same as without a cache.
        XCTAssertEqual(try cached.apply(poor3, clock: "2026-10-03T08:00:00Z"), try plain.apply(poor3, clock: "2026-10-03T08:00:00Z"))
        XCTAssertEqual(try cached.history("A"), try plain.history("A"))
        XCTAssertEqual(try cached.history("A")?.warnings.keys.sorted(), ["w-A-basic-living-not_covered-0"])

        // The same within one transaction: an input's savepoint rolled back (a poison message),
        // the next input of the same household applied in the same transaction.
        let ids = try cached.queue.write { db -> [String] in
            XCTAssertThrowsError(try Inbox.inSavepoint(db) {
                _ = try cached.apply(db, Self.profile("A", version: 4, incomeFen: 900_000, at: "2026-10-04T08:00:00Z"),
                                     clock: "2026-10-04T08:00:00Z")
                throw Rollback()
            })
            return try cached.apply(db, poor4, clock: "2026-10-04T08:00:00Z")
        }
        XCTAssertEqual(ids, try plain.apply(poor4, clock: "2026-10-04T08:00:00Z"))
        XCTAssertEqual(try cached.history("A"), try plain.history("A"))
        XCTAssertEqual(try cached.warnings(), try plain.warnings())

        // Another writer's save (a re-evaluation writes without this cache) makes the entry stale.
        let stored = try cached.queue.write { db -> Int64 in
            var h = try XCTUnwrap(HouseholdStore.history(db, householdId: "A"))
            h.reasons = []
            return try HouseholdStore.save(db, h)
        }
        XCTAssertNil(cache.entry("A", token: stored), "the entry of the history saved before is not the stored one")
        XCTAssertGreaterThan(cache.statistics.hits, 0, "the cache was used where it was valid")
    }

    /// Inputs out of order (replays that read the inputs the cache keeps), two households through a
    /// cache of one entry and of many: every step publishes what a store without a cache publishes,
    /// and a new, empty store given the same inputs ends with the same histories.
    func testReplaysWithCachedInputsDecideAsTheStore() throws {
        let inputs: [ClassifierInput] = [
            Self.profile("B", version: 1, incomeFen: 0, at: "2026-10-01T08:00:00Z"),
            Self.profile("C", version: 1, incomeFen: 0, at: "2026-10-01T09:00:00Z"),
            Self.grant("B", 1, at: "2026-10-05T08:00:00Z"),
            Self.profile("B", version: 2, incomeFen: 0, at: "2026-10-03T08:00:00Z"),       // before the grant: replay
            Self.profile("C", version: 2, incomeFen: 900_000, at: "2026-10-04T08:00:00Z"),
            Self.profile("B", version: 3, incomeFen: 0, at: "2026-10-03T08:00:00Z"),       // the same point, newer: replay
            Self.profile("B", version: 2, incomeFen: 0, at: "2026-10-03T08:00:00Z"),       // older than kept: nothing
            Self.grant("C", 1, at: "2026-10-02T08:00:00Z"),                                 // before C's version 2: replay
            Self.profile("C", version: 3, incomeFen: 0, at: "2026-10-20T08:00:00Z"),       // past C's new warning's due date
            Self.grant("B", 2, at: "2026-10-04T08:00:00Z"),                                 // replay again, inputs from the cache
        ]
        let clock = "2026-10-20T08:00:00Z"
        let plain = try ClassifierStore("replay-plain", cache: nil)
        var expected: [[String]] = []
        for input in inputs { expected.append(try plain.apply(input, clock: clock)) }
        XCTAssertTrue(expected.contains { !$0.isEmpty })

        for capacity in [1, 100] {
            let cache = HistoryCache(capacity: capacity)
            let cached = try ClassifierStore("replay-cached-\(capacity)", cache: cache)
            for (i, input) in inputs.enumerated() {
                XCTAssertEqual(try cached.apply(input, clock: clock), expected[i], "input \(i), cache of \(capacity)")
            }
            for hh in ["B", "C"] { XCTAssertEqual(try cached.history(hh), try plain.history(hh), "\(hh), cache of \(capacity)") }
            XCTAssertEqual(try cached.warnings(), try plain.warnings())
            if capacity == 100 { XCTAssertGreaterThan(cache.statistics.hits, 0) }
        }

        // The store deleted and rebuilt by a replay of the same inputs (a new process: an empty cache).
        let rebuilt = try ClassifierStore("replay-rebuilt", cache: HistoryCache(capacity: 100))
        for (i, input) in inputs.enumerated() { XCTAssertEqual(try rebuilt.apply(input, clock: clock), expected[i], "input \(i)") }
        for hh in ["B", "C"] { XCTAssertEqual(try rebuilt.history(hh), try plain.history(hh)) }
    }

    /// Histories written once per batch (DeferredHistories): batches of several inputs of the same
    /// households, a poison input's savepoint rolled back in the middle of a batch, and a whole batch
    /// rolled back and applied again publish, input by input, what a store that writes every save
    /// publishes, and end with the same histories. A batch committed without its flush is an error
    /// when read, not a stale history.
    func testHistoriesWrittenOncePerBatchDecideAsTheStore() throws {
        let inputs: [ClassifierInput] = [
            Self.profile("B", version: 1, incomeFen: 0, at: "2026-10-01T08:00:00Z"),
            Self.profile("C", version: 1, incomeFen: 0, at: "2026-10-01T09:00:00Z"),
            Self.grant("B", 1, at: "2026-10-05T08:00:00Z"),
            Self.profile("B", version: 2, incomeFen: 0, at: "2026-10-03T08:00:00Z"),
            Self.profile("C", version: 2, incomeFen: 900_000, at: "2026-10-04T08:00:00Z"),
            Self.profile("B", version: 3, incomeFen: 0, at: "2026-10-03T08:00:00Z"),
            Self.grant("C", 1, at: "2026-10-02T08:00:00Z"),
            Self.profile("C", version: 3, incomeFen: 0, at: "2026-10-20T08:00:00Z"),
            Self.grant("B", 2, at: "2026-10-04T08:00:00Z"),
        ]
        let clock = "2026-10-20T08:00:00Z"
        let plain = try ClassifierStore("batch-plain", cache: nil)
        var expected: [[String]] = []
        for input in inputs { expected.append(try plain.apply(input, clock: clock)) }
        let poison = Self.profile("B", version: 9, incomeFen: 900_000, at: "2026-10-30T08:00:00Z")

        for capacity in [nil, 1, 100] as [Int?] {
            let name = capacity.map { "cache of \($0)" } ?? "no cache"
            let deferred = DeferredHistories()
            var store = try ClassifierStore("batch-\(capacity ?? -1)", cache: capacity.map { HistoryCache(capacity: $0) })
            store = ClassifierStore(queue: store.queue, households: ClassifierService.Households(
                standards: .defaults, cache: store.households.cache, deferred: deferred))
            var published: [[String]] = []
            var written = 0
            for (b, batch) in [0..<4, 4..<6, 6..<9].enumerated() {
                // The first attempt at the second batch fails after its inputs (a transient error):
                // nothing of it stays, and the retry below applies it again.
                if b == 1 {
                    XCTAssertThrowsError(try store.queue.write { db in
                        for i in batch { _ = try store.apply(db, inputs[i], clock: clock) }
                        throw Rollback()
                    })
                }
                try store.queue.write { db in
                    XCTAssertEqual(deferred.count(db), 0, "nothing kept from a rolled-back attempt (\(name))")
                    for i in batch {
                        published.append(try store.apply(db, inputs[i], clock: clock))
                        // A poison input of a household saved in this batch, rolled back on its own.
                        XCTAssertThrowsError(try Inbox.inSavepoint(db) {
                            _ = try store.apply(db, poison, clock: clock)
                            throw Rollback()
                        })
                    }
                    XCTAssertEqual(deferred.count(db), Set(batch.map { Self.household(inputs[$0]) }).count, name)
                    written += try deferred.flush(db)
                    XCTAssertEqual(deferred.count(db), 0)
                }
            }
            XCTAssertEqual(published, expected, name)
            XCTAssertEqual(written, 6, "one write per household and batch (\(name))")
            for hh in ["B", "C"] { XCTAssertEqual(try store.history(hh), try plain.history(hh), "\(hh), \(name)") }
            XCTAssertEqual(try store.warnings(), try plain.warnings(), name)
        }

        // A batch that commits without its flush leaves a row whose history is not its last save's:
        // reading it is an error, and so is the next input of that household.
        let deferred = DeferredHistories()
        let base = try ClassifierStore("batch-unflushed", cache: nil)
        let store = ClassifierStore(queue: base.queue, households: ClassifierService.Households(standards: .defaults, deferred: deferred))
        _ = try store.apply(inputs[0], clock: clock)
        XCTAssertEqual(try store.queue.read { deferred.count($0) }, 0, "a committed transaction's saves are not kept")
        XCTAssertThrowsError(try store.history("B")) { XCTAssertTrue("\($0)".contains("finishBatch"), "\($0)") }
        XCTAssertThrowsError(try base.apply(inputs[2], clock: clock))
    }

    /// `next_due` names only warnings whose due check has not run: a checked household is not
    /// brought up to every later day again.
    func testNextDueSkipsCheckedWarnings() throws {
        let store = try ClassifierStore("next-due", cache: HistoryCache(capacity: 10))
        _ = try store.apply(Self.profile("D", version: 1, incomeFen: 0, at: "2026-10-01T08:00:00Z"), clock: "2026-10-01T08:00:00Z")
        let due = try store.queue.read { try String.fetchOne($0, sql: "SELECT next_due FROM households WHERE household_id = 'D'") }
        XCTAssertEqual(due, "2026-10-08")
        // A later version after the due date: the due check runs, and nothing is due any more.
        _ = try store.apply(Self.profile("D", version: 2, incomeFen: 0, at: "2026-10-12T08:00:00Z"), clock: "2026-10-12T08:00:00Z")
        let after = try store.queue.read { try Row.fetchOne($0, sql: "SELECT next_due FROM households WHERE household_id = 'D'") }
        XCTAssertNil(after?[0] as String?)
        XCTAssertEqual(try store.history("D")?.dueChecked, ["w-D-basic-living-not_covered-0"])
    }

    /// The history's profile is not stored again with every save: it is read from the registry
    /// version kept among the inputs, and a history whose input is not that version is an error.
    func testProfileIsReadFromItsInput() throws {
        let store = try ClassifierStore("profile-input", cache: nil)
        let v1 = Self.profile("E", version: 1, incomeFen: 0, at: "2026-10-01T08:00:00Z")
        _ = try store.apply(v1, clock: "2026-10-01T08:00:00Z")
        guard case .profile(let p1) = v1.kind else { return XCTFail() }
        XCTAssertEqual(try store.history("E")?.profile, p1)
        try store.queue.read { db in
            let row = try XCTUnwrap(Row.fetchOne(db, sql: "SELECT b.history, h.profile_input FROM households h JOIN household_histories b USING (household_id) WHERE h.household_id = 'E'"))
            XCTAssertNil(try StateCoding.decode(HouseholdHistory.self, from: row[0] as Data).profile, "not stored twice")
            XCTAssertEqual(row[1] as String?, "profile/2026-10-01T08:00:00Z")
        }
        // A version without asOf (its input is named by its event time) stays in the history.
        var bare = p1
        bare.householdId = "F"; bare.asOf = nil
        _ = try store.apply(ClassifierInput(.profile(bare), time: FactTime("2026-10-02T08:00:00Z")!), clock: "2026-10-02T08:00:00Z")
        try store.queue.read { db in
            let row = try XCTUnwrap(Row.fetchOne(db, sql: "SELECT b.history, h.profile_input FROM households h JOIN household_histories b USING (household_id) WHERE h.household_id = 'F'"))
            XCTAssertEqual(try StateCoding.decode(HouseholdHistory.self, from: row[0] as Data).profile, bare)
            XCTAssertNil(row[1] as String?)
        }
        XCTAssertEqual(try store.history("F")?.profile, bare)
        // An input that is not the version the history applied: the store is inconsistent, say so.
        try store.queue.write { try $0.execute(sql: "UPDATE household_inputs SET version = 7 WHERE household_id = 'E'") }
        XCTAssertThrowsError(try store.history("E"))
    }

    /// The setting: a default, 0 for no cache, and a bad value is an error that names it.
    func testCapacitySetting() throws {
        XCTAssertEqual(try HistoryCache.capacity(from: [:]).get(), HistoryCache.defaultCapacity)
        XCTAssertEqual(try HistoryCache.capacity(from: [HistoryCache.setting: "0"]).get(), 0)
        XCTAssertEqual(try HistoryCache.capacity(from: [HistoryCache.setting: "500"]).get(), 500)
        for bad in ["lots", "-1", "1.5"] {
            guard case .failure(let error) = HistoryCache.capacity(from: [HistoryCache.setting: bad]) else { return XCTFail(bad) }
            XCTAssertTrue(error.description.hasPrefix("DOUDI_CLASSIFIER_CACHED_HOUSEHOLDS=\(bad) "), error.description)
        }
        // A cache of 0 keeps nothing; a small one keeps at most its capacity.
        let none = HistoryCache(capacity: 0)
        none.store("A", .init(token: 1, history: HouseholdHistory(householdId: "A"), inputs: nil))
        XCTAssertNil(none.entry("A", token: 1))
        let two = HistoryCache(capacity: 2)
        for hh in ["A", "B", "C", "D", "E"] { two.store(hh, .init(token: 1, history: HouseholdHistory(householdId: hh), inputs: nil)) }
        XCTAssertLessThanOrEqual(two.statistics.entries, 2)
        XCTAssertNotNil(two.entry("E", token: 1))
    }

    /// A store of the layout before `classifier-v6-history-rows` (the history in the households
    /// row) migrated: every history moves to `household_histories` with its token and reads back
    /// the same; a row whose history was never written (a batch cut short) has none there, and
    /// reading it is still the inconsistency it was; the row no longer carries the bytes.
    func testHistoriesMoveToRowsOfTheirOwn() throws {
        let current = try ClassifierStore("v6-source", cache: nil)
        _ = try current.apply(Self.profile("G", version: 1, incomeFen: 0, at: "2026-10-01T08:00:00Z"), clock: "2026-10-01T08:00:00Z")
        let expected = try XCTUnwrap(try current.history("G"))
        let (bytes, token) = try current.queue.read { db -> (Data, Int64) in
            let row = try XCTUnwrap(Row.fetchOne(db, sql: """
                SELECT b.history, h.history_token FROM households h JOIN household_histories b USING (household_id) WHERE h.household_id = 'G'
                """))
            return (row[0], row[1])
        }
        let inputs = try current.queue.read { try Row.fetchAll($0, sql: "SELECT * FROM household_inputs WHERE household_id = 'G'") }

        let queue = try DatabaseQueue(path: temporaryDirectory("history-rows-v5") + "/classifier.sqlite")
        var migrator = DatabaseMigrator()
        ClassifierSchema.register(&migrator)
        try migrator.migrate(queue, upTo: "classifier-v5-deferred-histories")
        try queue.write { db in
            for row in inputs {
                try db.execute(sql: "INSERT INTO household_inputs(household_id, input_id, time, version, payload) VALUES (?, ?, ?, ?, ?)",
                               arguments: [row["household_id"], row["input_id"], row["time"], row["version"], row["payload"]])
            }
            try db.execute(sql: """
                INSERT INTO households(household_id, region_code, profile_version, category, decided_on, history_token, profile_input,
                  history, history_bytes_token) VALUES ('G', '110105001', 1, ?, ?, ?, 'profile/2026-10-01T08:00:00Z', ?, ?)
                """, arguments: [expected.category?.rawValue, expected.point?.date?.description, token, bytes, token])
            try db.execute(sql: """
                INSERT INTO households(household_id, region_code, profile_version, history_token, history, history_bytes_token)
                VALUES ('H', '110105001', 1, 5, x'', NULL)
                """)
        }
        try migrator.migrate(queue)
        let migrated = ClassifierStore(queue: queue, households: ClassifierService.Households(standards: .defaults, cache: nil))
        XCTAssertEqual(try migrated.history("G"), expected)
        XCTAssertEqual(try queue.read { try Int.fetchOne($0, sql: "SELECT bytes_token FROM household_histories WHERE household_id = 'G'") }, Int(token))
        XCTAssertEqual(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM household_histories WHERE household_id = 'H'") }, 0)
        XCTAssertThrowsError(try migrated.history("H"), "a save whose history was never written")
        let columns = try queue.read { try $0.columns(in: "households").map(\.name) }
        XCTAssertFalse(columns.contains("history"))
        XCTAssertFalse(columns.contains("history_bytes_token"))
        // And the migrated store goes on: a new version of G is saved and read back.
        _ = try migrated.apply(Self.profile("G", version: 2, incomeFen: 900_000, at: "2026-10-05T08:00:00Z"), clock: "2026-10-05T08:00:00Z")
        XCTAssertEqual(try migrated.history("G")?.profile?.version, 2)
    }
}
