// The matcher's decoded rows (issue 17): a household's programme holdings and its latest profile,
// each kept with the exact bytes of the row it was decoded from or encoded to. A batch of outcomes
// reads and rewrites one household's holdings once per outcome and its profile again at the end
// (the programme-only version, ChangeEvents.pendingPrograms); decoding them again was an eighth of
// the matcher's CPU (docs/benchmarks.md). A value is used only while its row holds those bytes:
// a row changed since, a write rolled back with its savepoint or transaction, a row of another
// store, are read and decoded from the store. Neither row is sealed, so equal bytes decode to
// equal values; a value remembered when written is the one decoding its bytes gives
// (DecodedRowsTests: the round trip of both codings).
import DoudiDomain
import Foundation
import Store

final class DecodedRows: Sendable {
    struct Entry<Value> {
        let bytes: Data
        let value: Value
    }

    let holdings: RecentEntries<String, Entry<ProgramHoldings>>
    let profiles: RecentEntries<String, Entry<HouseholdProfile>>

    /// A profile is about 1.3 KB of JSON and a few KB decoded: 2,048 of them stay well inside the
    /// matcher's memory budget and cover the households of several batches of 500 events.
    init(holdings: Int = 4_096, profiles: Int = 2_048) {
        self.holdings = RecentEntries(capacity: holdings)
        self.profiles = RecentEntries(capacity: profiles)
    }

    /// No memory: every read decodes (tools, and tests that compare against it).
    static let none = DecodedRows(holdings: 0, profiles: 0)

    /// The value of `bytes`, the row of `key`: remembered if it was read or written with exactly
    /// these bytes, else decoded (and remembered).
    static func value<V>(_ memory: RecentEntries<String, Entry<V>>, _ key: String, bytes: Data,
                         decode: (Data) throws -> V) rethrows -> V {
        if let known = memory.entry(key, where: { $0.bytes == bytes }) { return known.value }
        let value = try decode(bytes)
        memory.store(key, Entry(bytes: bytes, value: value))
        return value
    }

    /// `bytes` were written to the row of `key` and encode `value`.
    static func wrote<V>(_ memory: RecentEntries<String, Entry<V>>, _ key: String, bytes: Data, value: V) {
        memory.store(key, Entry(bytes: bytes, value: value))
    }
}
