// A bounded memory of the households' decoded histories (issue 17, docs/benchmarks.md): decoding
// the stored history on every input was a seventh of the classifier's CPU per household. Decisions
// stay those of the stored history (RULES.md "Convergence": the same facts give the same decisions
// whatever the order, restarts and replays): every save writes a fresh random token with the
// history (`households.history_token`), and an entry is used only while the stored token is still
// the one it was made with. A rolled-back transaction or savepoint (the token goes back with the
// history), a write by another path (a re-evaluation), or another store never meets a stale copy.
// The household's inputs are kept with its history once a replay has read them, and so is the
// state before its last point (HouseholdFold: a department's answer of that point is folded from
// there, not replayed from the start): both change only with a save (Households.apply), so the
// same token vouches for them.
import DoudiDomain
import Foundation
import Store

final class HistoryCache: Sendable {
    struct Entry {
        var token: Int64
        var history: HouseholdHistory
        /// Every input stored for the household (in `input_id` order), when a replay read them.
        var inputs: [ClassifierInput]?
        /// The state before the history's last point (HouseholdFold), when a fold made it.
        var beforeLast: HouseholdHistory? = nil
    }

    /// `DOUDI_CLASSIFIER_CACHED_HOUSEHOLDS`: how many households' histories are kept decoded.
    static let setting = "DOUDI_CLASSIFIER_CACHED_HOUSEHOLDS"
    static let defaultCapacity = 20_000

    /// At most this many entries; 0 keeps none.
    var capacity: Int { entries.capacity }
    private let entries: RecentEntries<String, Entry>

    init(capacity: Int = HistoryCache.defaultCapacity) { entries = RecentEntries(capacity: capacity) }

    /// The capacity from the environment: a present value that is not a whole number ≥ 0 is an
    /// error naming the variable.
    static func capacity(from env: [String: String]) -> Result<Int, SettingError> {
        guard let text = env[setting], !text.isEmpty else { return .success(defaultCapacity) }
        guard let n = Int(text), n >= 0 else {
            return .failure(SettingError(message: "\(setting)=\(text.prefix(40)) is not a whole number ≥ 0 (households kept in memory)"))
        }
        return .success(n)
    }

    struct SettingError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    /// A fresh token for a save (never 0; any two saves differ but with probability 2⁻⁶⁴).
    static func newToken() -> Int64 {
        var t: Int64 = 0
        while t == 0 { t = Int64.random(in: .min ... .max) }
        return t
    }

    /// The entry of `householdId` if it was made from the history the store holds now (`token`).
    func entry(_ householdId: String, token: Int64) -> Entry? {
        entries.entry(householdId) { $0.token == token }
    }

    func store(_ householdId: String, _ entry: Entry) { entries.store(householdId, entry) }

    var statistics: (hits: Int, misses: Int, entries: Int) { entries.statistics }
}
