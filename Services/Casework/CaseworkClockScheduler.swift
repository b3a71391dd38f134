// Escalation when no events arrive (§3.4: what is overdue goes up a level even in a quiet week):
// with `DOUDI_CASEWORK_WALLCLOCK=1` (the default) the clock moves to the wall time every
// `DOUDI_CASEWORK_TICK_SECONDS` when that is ahead, and what is overdue by it escalates. Tests
// and replays of old periods set it to 0, so that only event time decides.
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

    static var enabled: Bool { ProcessEnvironment.string("DOUDI_CASEWORK_WALLCLOCK", default: "1") == "1" }

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
