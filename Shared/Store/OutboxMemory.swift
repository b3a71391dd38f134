import Foundation

/// The outbox rows this process committed, kept in memory, plain, until the relay has sent them
/// (issue 17, "Runtime against its limit"): the relay then reads only each row's `seq` and event id
/// from the store instead of reading, copying and opening (AES-GCM) every value it had just sealed.
///
/// Only committed rows are remembered: a writer hands over the rows of a transaction after its
/// commit, and of an event applied in a savepoint only when the savepoint was released. The store
/// stays the truth: `Outbox.next` uses these rows only when every row it is about to publish is
/// here with the same `seq` and event id, and reads the store otherwise. Bounded: past `maxBytes`
/// (a relay that cannot publish, or does not hold the store's lease) new rows are not kept and are
/// read from the store when their turn comes.
public final class OutboxMemory: @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [Int64: OutboxMessage] = [:]
    private var bytes = 0
    public let maxBytes: Int

    public init(maxBytes: Int = 16 << 20) { self.maxBytes = maxBytes }

    /// Rows of a transaction that has committed.
    public func remember<S: Sequence>(_ committed: S) where S.Element == OutboxMessage {
        lock.withLock {
            for row in committed where bytes + row.wireBytes <= maxBytes {
                if let old = rows.updateValue(row, forKey: row.seq) { bytes -= old.wireBytes }
                bytes += row.wireBytes
            }
        }
    }

    /// These rows (`seq`, event id, in the store's order), if every one is remembered as such.
    public func messages(for heads: [(Int64, String)]) -> [OutboxMessage]? {
        lock.withLock {
            var out: [OutboxMessage] = []
            out.reserveCapacity(heads.count)
            for (seq, id) in heads {
                guard let row = rows[seq], row.eventID == id else { return nil }
                out.append(row)
            }
            return out
        }
    }

    /// Forgets the rows up to `seq` (sent, quarantined, or no longer in the store).
    public func forget(through seq: Int64) {
        lock.withLock {
            guard !rows.isEmpty else { return }
            let gone = rows.keys.filter { $0 <= seq }
            for key in gone { bytes -= rows.removeValue(forKey: key)?.wireBytes ?? 0 }
        }
    }

    /// Forgets these rows (a relay that sent rows other than the outbox's head).
    public func forget(_ seqs: [Int64]) {
        lock.withLock { for seq in seqs { bytes -= rows.removeValue(forKey: seq)?.wireBytes ?? 0 } }
    }

    public func clear() { lock.withLock { rows.removeAll(); bytes = 0 } }

    public var count: Int { lock.withLock { rows.count } }
}
