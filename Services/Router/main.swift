// doudi-router: warnings → referrals per department, the referral ledger, escalation of
// overdue referrals (HTTP 8084: /v1/stats, /v1/referrals/{id}).
import Foundation
import ServiceKit

let runner = startOrExit("router") { try ServiceRunner(processor: RouterProcessor(), defaultHTTPPort: 8084) }
let scheduler = WallClockScheduler(writers: runner.writers,
                                   interval: .seconds(max(1, ProcessEnvironment.int("DOUDI_ROUTER_TICK_SECONDS", default: 60))),
                                   source: "/doudi/router", logger: runner.logger)
try await runner.run(routes: { RouterRoutes.add(to: $0, stores: runner.tasks.stores, audit: runner.audit) },
                     background: WallClockScheduler.enabled ? [scheduler] : [])
