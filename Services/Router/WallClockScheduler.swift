import Envelope
import Foundation
import Logging
import ServiceKit
import ServiceLifecycle
import Store

/// Escalation when no events arrive. The event clock only moves with events, so in a quiet
/// week a referral would never become overdue; with `DOUDI_ROUTER_WALLCLOCK=1` (the default)
/// this scheduler moves the clock to the wall time every `DOUDI_ROUTER_TICK_SECONDS` (default
/// 60) when the wall time is ahead of it, and escalates whatever is overdue by that clock
/// (including referrals whose event time was already behind it). Tests and replays of old
/// periods set it to 0, so that only event time decides.
///
/// With the state split into tasks (docs/scaling.md), each task this replica owns is ticked.
struct WallClockScheduler: Service {
    let writers: [StoreWriter]
    let interval: Duration
    let source: String
    let logger: Logger

    static var enabled: Bool { ProcessEnvironment.string("DOUDI_ROUTER_WALLCLOCK", default: "1") == "1" }

    func run() async throws {
        // Cancelled on SIGTERM, so that the sleep does not hold up the shutdown.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await tick() } catch { logger.error("wall-clock tick failed", metadata: ["error": "\(error)"]) }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One tick: escalations go through the outbox in the same transaction as the clock.
    func tick() async throws {
        for writer in writers where writer.owned { try await tick(writer) }
    }

    private func tick(_ writer: StoreWriter) async throws {
        let now = Timestamp.rfc3339()
        let source = source
        let count = try await writer.write { db in
            // Nobody decided by the deadline: only once the outcomes are read to their end.
            let settled = try writer.caughtUp(Topics.assistanceOutcomes, in: db)
            var escalations = try EventClock.advance(db, to: now, cause: nil, source: source, escalate: settled)
            // Also referrals that arrived late (event time behind the clock) and are already overdue.
            if settled, let day = try EventClock.load(db)?.checkedDay {
                escalations += try EventClock.escalate(db, now: day, cause: nil, source: source)
            }
            return (escalations.count, escalations)
        }
        if count > 0 { logger.info("escalated overdue referrals", metadata: ["count": "\(count)"]) }
    }
}
