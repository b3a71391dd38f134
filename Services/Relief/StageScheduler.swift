// The staged-aid scheduler (一次审批、分阶段救助): every tick it pays the stages that have fallen due
// by the wall clock, a batch of cases per transaction (each payment with its events, see Settlement).
import Foundation
import GRDB
import Logging
import ServiceKit
import ServiceLifecycle
import Store

struct StageScheduler: Service {
    let writer: StoreWriter
    let settings: ReliefSettings
    let logger: Logger
    var batchSize = 200

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await payDue() }
                catch { logger.error("stage payment round failed; retried next tick", metadata: ["error": "\(error)"]) }
                try? await Task.sleep(for: .milliseconds(settings.tickMs))
            }
        }
    }

    /// Pays every due stage; returns how many stages were paid.
    @discardableResult
    func payDue() async throws -> Int {
        var total = 0
        // Bounded rounds: a case that cannot progress (awaiting funds) leaves the work list anyway.
        for _ in 0..<1000 {
            let settings = settings, limit = batchSize
            let (cases, paid) = try await writer.write { db -> ((Int, Int), [OutgoingEvent]) in
                guard let now = try settings.wallClock ? max(Clock.nowMs(), ReliefSchema.clock(db) ?? 0) : ReliefSchema.clock(db) else {
                    return ((0, 0), [])
                }
                let due = try Settlement.dueCases(db, nowMs: now, limit: limit)
                var paid = 0, events: [OutgoingEvent] = []
                for id in due {
                    guard var c = try CaseRecord.load(db, caseId: id) else { continue }
                    let settled = try Settlement.settle(db, &c, nowMs: now, settings: settings)
                    events += settled
                    paid += settled.filter { $0.event.type == EventTypes.disbursement }.count
                }
                return ((due.count, paid), events)
            }
            total += paid
            if cases < limit || paid == 0 { break }
        }
        return total
    }
}
