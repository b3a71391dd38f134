import Foundation
import Kafka

/// Gaps in a partition as the consumer sees it (reliability model: nothing lost). A message past
/// the next offset the store expects on its partition means records in between were not shown.
/// Doudi's topics are neither compacted nor transactional, so a gap is not in the log: the broker
/// showed later records before earlier ones. Seen with Tansu under concurrent producers: one
/// consumer of `assistance.outcomes` went from offset 1137 to 1140 while three others read 1138
/// and 1139 — two withdrawals lost, and a household's programmes wrong for good.
///
/// The loop applies what comes before the gap, seeks the partition back to the expected offset
/// and reads again. A gap that is still there after `tolerance` re-reads is real (a compacted or
/// truncated log, or a topic recreated behind the store's back is caught by `LogContinuity`): it
/// is crossed, logged and counted (`doudi_offset_gaps_crossed_total`).
final class OffsetGaps: @unchecked Sendable {
    private let lock = NSLock()
    private var rewinds: [TopicPartition: (offset: Int64, count: Int)] = [:]
    let tolerance: Int

    init(tolerance: Int = 5) { self.tolerance = tolerance }

    /// The expected offsets whose gap has been read again `tolerance` times: crossed from now on.
    func accepted() -> [TopicPartition: Int64] {
        lock.withLock { rewinds.filter { $0.value.count >= tolerance }.mapValues(\.offset) }
    }

    /// Records a re-read of each partition from its expected offset.
    func rewound(_ gaps: [TopicPartition: Int64]) {
        lock.withLock {
            for (tp, offset) in gaps {
                let count = rewinds[tp]?.offset == offset ? (rewinds[tp]?.count ?? 0) + 1 : 1
                rewinds[tp] = (offset, count)
            }
        }
    }

    /// The partitions read past their expected offset (a gap closed, or crossed): forgotten.
    func settled(_ partitions: some Sequence<TopicPartition>) {
        lock.withLock { for tp in partitions { rewinds[tp] = nil } }
    }
}
