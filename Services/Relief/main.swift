// doudi-relief: emergency temporary relief (§4.3). Applications and emergency referrals become
// cases; urgent ones are paid at once from the township reserve fund; larger ones wait for the
// county; approved totals are paid in stages, each exactly once. See docs/relief.md.
import Foundation
import Logging
import ServiceKit

let settings: ReliefSettings
do { settings = try ReliefSettings.fromEnvironment() }
catch {
    FileHandle.standardError.write(Data("doudi-relief: \(error)\n".utf8))
    exit(2)
}
let bootstrap = ServiceConfig.orExit(service: "relief", defaultHTTPPort: 8085)
let runner = startOrExit("relief") {
    try ServiceRunner(processor: ReliefProcessor(settings: settings, personKeySecret: bootstrap.personKeySecret),
                      defaultHTTPPort: 8085, config: bootstrap)
}
let api = ReliefAPI(writer: runner.writer, settings: settings, audit: runner.audit)
try await runner.run(routes: { api.add(to: $0) },
                     background: [StageScheduler(writer: runner.writer, settings: settings, logger: runner.logger)])
