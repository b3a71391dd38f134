// The referrals the router opened and decoded lately, by id, with the sealed bytes they came from
// (issue 17, docs/benchmarks.md): an outcome reads its referral, and opening (AES-GCM) and decoding
// its JSON again was a twelfth of the router's CPU while the row had not changed — an outcome or
// an escalation moves the state columns, not the referral (ReferralStore.save). An entry is used
// only when the row holds exactly the bytes it was opened from (RowMemory): a fresh nonce seals
// every write, so equal bytes are the same referral, and a rolled-back write, a row sealed again
// under a new key or a value copied from another row (which would not open there) never meets a
// stale entry.
import DoudiDomain
import Store

typealias OpenedReferrals = RowMemory<Referral>

extension RowMemory where Value == Referral {
    /// One per process: entries are addressed by their sealed bytes, so stores never share one.
    static let shared = OpenedReferrals(capacity: 20_000)
}
