// A household's history is written to the store once per batch, not once per input (issue 17,
// docs/benchmarks.md): encoding it was a fifth of the classifier's CPU, and a batch often brings
// several inputs of one household (a referral's answers from five departments, the due checks of
// a new day). Within the batch each save writes the household's row with a fresh token
// (`households.history_token`) and leaves the history's bytes for `flush`, which the runtime calls
// (finishBatch) in the same transaction before it commits: it writes, for every household saved
// in the batch, the history of the token the store holds then. An input whose savepoint was rolled
// back (a poison message) took its token with it, so the history written is the one the store's
// row says, and a later input of the same household in the batch reads that one from here.
// `household_histories.bytes_token` names the save whose history the bytes are: a store read with
// the two tokens different is an error (a batch committed without its flush), never a stale
// decision (RULES.md "Convergence").
import DoudiDomain
import Foundation
import GRDB

final class DeferredHistories: @unchecked Sendable {
    private let lock = NSLock()
    /// Per store connection (tasks each have their own): household → token → what that save made.
    private var pending: [ObjectIdentifier: [String: [Int64: HistoryCache.Entry]]] = [:]

    init() {}

    /// A save of `householdId` in the open transaction of `db`, whose bytes are written by `flush`.
    /// The transaction's saves are forgotten when it ends without `flush` (a batch rolled back and
    /// retried, perhaps for hours while a disk is full, must not pile up its histories here).
    func add(_ db: Database, _ householdId: String, _ entry: HistoryCache.Entry) {
        let connection = ObjectIdentifier(db)
        let first = lock.withLock {
            let first = pending[connection] == nil
            pending[connection, default: [:]][householdId, default: [:]][entry.token] = entry
            return first
        }
        if first {
            db.afterNextTransaction(onCommit: { [weak self] _ in self?.forget(connection) },
                                    onRollback: { [weak self] _ in self?.forget(connection) })
        }
    }

    private func forget(_ connection: ObjectIdentifier) {
        lock.withLock { _ = pending.removeValue(forKey: connection) }
    }

    /// What the save of `token` made, if it was a save of this batch not written yet.
    func entry(_ db: Database, _ householdId: String, token: Int64) -> HistoryCache.Entry? {
        lock.withLock { pending[ObjectIdentifier(db)]?[householdId]?[token] }
    }

    /// Households saved in the open transaction of `db` whose history is not written yet.
    func count(_ db: Database) -> Int { lock.withLock { pending[ObjectIdentifier(db)]?.count ?? 0 } }

    /// Writes the history of every household saved in this transaction (the one of the token its
    /// row holds now) and forgets them. Returns how many were written.
    @discardableResult
    func flush(_ db: Database) throws -> Int {
        let saved = lock.withLock { pending.removeValue(forKey: ObjectIdentifier(db)) ?? [:] }
        var written = 0
        for hh in saved.keys.sorted() {
            guard let token = try HouseholdStore.token(db, householdId: hh).token, let entry = saved[hh]?[token] else { continue }
            try HouseholdStore.writeHistory(db, entry.history, token: token)
            written += 1
        }
        return written
    }
}
