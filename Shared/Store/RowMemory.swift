// Values decoded from store rows, remembered by key with the exact bytes of the row they came
// from (issue 17): the router's opened referrals (sealed bytes, OpenedReferrals) and the matcher's
// holdings and profiles (DecodedRows). A remembered value is used only while the row holds those
// very bytes, so a row changed since, a write rolled back with its savepoint or transaction, or a
// value copied from another row is decoded from the store again. A value may also be remembered
// when it is written, with the bytes written: the caller vouches that decoding those bytes gives
// that value (a lossless coding). Bounded by `RecentEntries`.
import Foundation

public final class RowMemory<Value>: Sendable {
    public struct Entry {
        public let bytes: Data
        public let value: Value
    }

    private let entries: RecentEntries<String, Entry>

    /// At most `capacity` values; 0 remembers none.
    public init(capacity: Int) { entries = RecentEntries(capacity: capacity) }

    public var capacity: Int { entries.capacity }

    /// The value remembered for `key` from exactly `bytes`, if any.
    public func remembered(_ key: String, bytes: Data) -> Value? {
        entries.entry(key) { $0.bytes == bytes }?.value
    }

    /// The value of `bytes`, the row of `key`: remembered if read or written with exactly these
    /// bytes, else decoded (and remembered).
    public func value(_ key: String, bytes: Data, decode: (Data) throws -> Value) rethrows -> Value {
        if let known = remembered(key, bytes: bytes) { return known }
        let value = try decode(bytes)
        remember(key, bytes: bytes, value: value)
        return value
    }

    /// `value` is what `bytes` of the row of `key` decode to.
    public func remember(_ key: String, bytes: Data, value: Value) {
        entries.store(key, Entry(bytes: bytes, value: value))
    }

    /// The entry held for `key`, whatever the row holds now (for tests and diagnostics only).
    public func held(_ key: String) -> Entry? { entries.entry(key) { _ in true } }

    public var statistics: (hits: Int, misses: Int, entries: Int) { entries.statistics }
}
