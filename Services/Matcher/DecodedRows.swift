// The matcher's decoded rows (issue 17): a household's programme holdings and its latest profile,
// each remembered with the exact bytes of its row (RowMemory). A batch of outcomes reads and
// rewrites one household's holdings once per outcome and its profile again at the end (the
// programme-only version, ChangeEvents.pendingPrograms); decoding them again was an eighth of the
// matcher's CPU (docs/benchmarks.md). Neither row is sealed, so equal bytes decode to equal
// values; a value remembered when written is the one decoding its bytes gives (DecodedRowsTests:
// the round trip of both codings).
import DoudiDomain
import Store

final class DecodedRows: Sendable {
    let holdings: RowMemory<ProgramHoldings>
    let profiles: RowMemory<StoredProfile>

    /// A profile is about 1.3 KB of JSON and a few KB decoded: 2,048 of them stay well inside the
    /// matcher's memory budget and cover the households of several batches of 500 events.
    init(holdings: Int = 4_096, profiles: Int = 2_048) {
        self.holdings = RowMemory(capacity: holdings)
        self.profiles = RowMemory(capacity: profiles)
    }

    /// No memory: every read decodes (tools, and tests that compare against it).
    static let none = DecodedRows(holdings: 0, profiles: 0)
}

/// A household's latest profile as its row holds it. `canonical`: the row's bytes are known to be
/// exactly what `JSONCoding.encoder` writes for the profile (this process wrote them, or checked
/// them), so a version that changes only some members may be those bytes with the members
/// replaced (ChangeEvents.pendingPrograms). A row read from the store is not known to be: a
/// release that changed how profiles are written left rows the decoder reads but would not write.
struct StoredProfile {
    let profile: HouseholdProfile
    let canonical: Bool
}
