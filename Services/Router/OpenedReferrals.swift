// The referrals the router opened and decoded lately, by id, with the sealed bytes they came from
// (issue 17, docs/benchmarks.md): an outcome reads its referral, and opening (AES-GCM) and decoding
// its JSON again was a twelfth of the router's CPU while the row had not changed — an outcome or
// an escalation moves the state columns, not the referral (ReferralStore.save). An entry is used
// only when the row holds exactly the bytes it was opened from: a fresh nonce seals every write,
// so equal bytes are the same referral, and a rolled-back write, a row sealed again under a new key
// or a value copied from another row (which would not open there) never meets a stale entry.
import DoudiDomain
import Foundation

final class OpenedReferrals: @unchecked Sendable {
    /// One per process: entries are addressed by their sealed bytes, so stores never share one.
    static let shared = OpenedReferrals(capacity: 20_000)

    let capacity: Int
    private let lock = NSLock()
    // Two generations approximate "least recently used" at O(1), as HistoryCache does.
    private var young: [String: (sealed: Data, referral: Referral)] = [:]
    private var old: [String: (sealed: Data, referral: Referral)] = [:]
    private var counts = (hits: 0, misses: 0)

    init(capacity: Int) { self.capacity = max(0, capacity) }

    /// The referral `referralId` decoded from `sealed`, if it was opened from these very bytes.
    func referral(_ referralId: String, sealed: Data) -> Referral? {
        lock.withLock {
            guard let e = young[referralId] ?? old.removeValue(forKey: referralId), e.sealed == sealed else {
                counts.misses += 1
                return nil
            }
            counts.hits += 1
            if young[referralId] == nil { insert(referralId, e) }
            return e.referral
        }
    }

    func store(_ referralId: String, sealed: Data, _ referral: Referral) {
        guard capacity > 0 else { return }
        lock.withLock {
            old.removeValue(forKey: referralId)
            insert(referralId, (sealed, referral))
        }
    }

    var statistics: (hits: Int, misses: Int, entries: Int) {
        lock.withLock { (counts.hits, counts.misses, young.count + old.count) }
    }

    private func insert(_ referralId: String, _ entry: (sealed: Data, referral: Referral)) {
        if young[referralId] == nil, young.count >= max(1, capacity / 2) {
            old = young
            young = [:]
        }
        young[referralId] = entry
    }
}
