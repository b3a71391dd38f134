// doudi-casework: the bureau's worklist (issue 15). Tasks from work.tasks, case conferences from
// referrals.coordination, follow-ups of the router's escalations; the operators' API (HTTP 8087);
// results fed back as events (a verified home_visit submission, outcomes). See docs/casework.md.
import Envelope
import Foundation
import Hummingbird
import ServiceKit

let bootstrap = ServiceConfig(service: "casework", defaultHTTPPort: 8087)
let runner = try ServiceRunner(processor: CaseworkProcessor(), defaultHTTPPort: 8087, config: bootstrap)
let api = CaseworkAPI(writer: runner.writer, keyer: PersonKeyer(secret: bootstrap.personKeySecret))
let token = ProcessEnvironment.string("DOUDI_CASEWORK_TOKEN", default: "casework-development-token")
let scheduler = CaseworkClockScheduler(writer: runner.writer,
                                       interval: .seconds(max(1, ProcessEnvironment.int("DOUDI_CASEWORK_TICK_SECONDS", default: 60))),
                                       logger: runner.logger)
try await runner.run(routes: { router in
    CaseworkRoutes.add(to: router, api: api) { request in
        guard BearerToken(token).accepts(request) else { throw APIProblem(status: .unauthorized, message: "an operator bearer token is required") }
        return Caller(subject: "operator", regions: ["*"], mayAssignEscalated: true)
    }
}, background: CaseworkClockScheduler.enabled ? [scheduler] : [])
