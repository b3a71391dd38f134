// doudi-casework: the bureau's worklist (issue 15). Tasks from work.tasks, case conferences from
// referrals.coordination, follow-ups of the router's escalations; the operators' API (HTTP 8087);
// results fed back as events (a verified home_visit submission, outcomes). See docs/casework.md.
import Envelope
import Foundation
import ServiceKit

let settings: CaseworkSettings
do { settings = try CaseworkSettings.fromEnvironment() }
catch {
    FileHandle.standardError.write(Data("doudi-casework: \(error)\n".utf8))
    exit(2)
}
let bootstrap = ServiceConfig.orExit(service: "casework", defaultHTTPPort: 8087)
let runner = startOrExit("casework") { try ServiceRunner(processor: CaseworkProcessor(), defaultHTTPPort: 8087, config: bootstrap) }
let api = CaseworkAPI(writer: runner.writer, keyer: PersonKeyer(secret: bootstrap.personKeySecret))
let scheduler = CaseworkClockScheduler(writer: runner.writer, interval: settings.tick, logger: runner.logger)
try await runner.run(routes: { CaseworkRoutes.add(to: $0, api: api, audit: runner.audit) },
                     background: settings.clock == .wall ? [scheduler] : [])
