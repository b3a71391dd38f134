// The month run when no events arrive: the event clock moves only with inputs, so in a quiet
// month nothing would be paid. With `DOUDI_BASIC_LIVING_WALLCLOCK=1` (the default) this scheduler
// moves the clock to today in China Standard Time every `DOUDI_BASIC_LIVING_TICK` when it is
// ahead, through the runtime's write entry point (`runner.writer.write`: clock, payroll records and
// events in one transaction). Tests and replays of old periods set it to 0: event time alone decides.
import DoudiDomain
import Envelope
import Foundation
import Logging
import ServiceKit
import ServiceLifecycle

struct MonthScheduler: Service {
    let writer: StoreWriter
    let interval: Duration
    let source: String
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await tick() } catch { logger.error("payroll tick failed; retried next tick", metadata: ["error": "\(error)"]) }
                try? await Task.sleep(for: interval)
            }
        }
    }

    func tick() async throws {
        let ms = Int64(Date().timeIntervalSince1970 * 1000) + 8 * 3_600_000
        let today = "\(CivilDate(dayNumber: Int(ms / 86_400_000)))T00:00:00+08:00"
        let source = source
        let paid = try await writer.write { db -> (Int, [OutgoingEvent]) in
            try LivingStore.advance(db, to: today)
            let events = try PayrollRun.afterClock(db, touched: [], source: source)
            return (events.count, events)
        }
        if paid > 0 { logger.info("payroll month run", metadata: ["entries": "\(paid)"]) }
    }
}
