// A bounded memory of recently used entries by key, for the services' decoded state (issue 17):
// the classifier's histories (HistoryCache) and values decoded from rows (RowMemory: the router's
// opened referrals, the matcher's holdings and profiles).
// The caller says when an entry is still the stored state (a token, the sealed bytes): a memory
// never decides on its own. Two generations approximate "least recently used" at O(1): entries
// used since the last turnover are in `young`; when it holds half the capacity it becomes `old`
// and the previous `old` is dropped; an entry found in `old` moves back to `young`.
import Foundation

public final class RecentEntries<Key: Hashable, Value>: @unchecked Sendable {
    /// At most this many entries; 0 keeps none.
    public let capacity: Int
    private let lock = NSLock()
    private var young: [Key: Value] = [:]
    private var old: [Key: Value] = [:]
    private var counts = (hits: 0, misses: 0)

    public init(capacity: Int) { self.capacity = max(0, capacity) }

    /// The entry of `key` if `isCurrent` says it still is the stored state (counted as a hit).
    public func entry(_ key: Key, where isCurrent: (Value) -> Bool) -> Value? {
        lock.withLock {
            guard let e = young[key] ?? old.removeValue(forKey: key), isCurrent(e) else {
                counts.misses += 1
                return nil
            }
            counts.hits += 1
            if young[key] == nil { insert(key, e) }
            return e
        }
    }

    public func store(_ key: Key, _ value: Value) {
        guard capacity > 0 else { return }
        lock.withLock {
            old.removeValue(forKey: key)
            insert(key, value)
        }
    }

    public var statistics: (hits: Int, misses: Int, entries: Int) {
        lock.withLock { (counts.hits, counts.misses, young.count + old.count) }
    }

    private func insert(_ key: Key, _ value: Value) {
        if young[key] == nil, young.count >= max(1, capacity / 2) {
            old = young
            young = [:]
            young.reserveCapacity(max(1, capacity / 2))
        }
        young[key] = value
    }
}
