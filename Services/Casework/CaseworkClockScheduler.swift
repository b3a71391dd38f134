// Escalation when no events arrive (§3.4: what is overdue goes up a level even in a quiet week):
// with `DOUDI_CASEWORK_CLOCK=wall` (the default) the clock moves to the wall time every
// `DOUDI_CASEWORK_TICK` when that is ahead, and what is overdue by it escalates. Tests and
// replays of old periods set `event`, so that only event time decides.
import DoudiDomain
import Envelope
import Foundation
import Logging
import ServiceKit
import ServiceLifecycle

struct CaseworkClockScheduler: Service {
    let writer: StoreWriter
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await tick() } catch { logger.error("casework clock tick failed", metadata: ["error": "\(error)"]) }
                try? await Task.sleep(for: interval)
            }
        }
    }

    func tick() async throws {
        let now = Timestamp.rfc3339()
        let count = try await writer.write { db -> (Int, [OutgoingEvent]) in
            _ = try CaseworkStore.advance(db, to: now)
            guard let day = try CaseworkStore.clock(db)?.checkedDay else { return (0, []) }
            let events = try CaseworkProcessor.escalateDue(db, day: day, now: now)
            return (events.count, events)
        }
        if count > 0 { logger.info("escalated overdue tasks", metadata: ["count": "\(count)"]) }
    }
}
