// doudi-basic-living: the civil-affairs bureau's own basic-living work (§4.1): dibao, tekun and
// single-person dibao cases from `referrals.basic-living`, reviewed by the township and confirmed
// by the county, paid monthly on `basic-living.payroll`, ended after a verified exit. See docs/basic-living.md.
import Foundation
import ServiceKit

let settings: LivingSettings
do { settings = try LivingSettings.fromEnvironment() }
catch {
    FileHandle.standardError.write(Data("doudi-basic-living: refusing to start: \(error)\n".utf8))
    exit(78) // EX_CONFIG
}
let runner = startOrExit("basic-living") {
    try ServiceRunner(processor: BasicLivingProcessor(rules: settings.rules), defaultHTTPPort: 8086)
}
runner.logger.info("rules loaded", metadata: ["origin": "\(settings.rulesOrigin)", "regions": "\(settings.rules.policies.regions.entries.count)",
                                              "standards": "\(settings.rules.standards.version)"])
let api = LivingAPI(writer: runner.writer, settings: settings, audit: runner.audit)
let source = "/doudi/basic-living"
try await runner.run(routes: { api.add(to: $0) },
                     background: settings.wallClock
                        ? [MonthScheduler(writer: runner.writer, interval: settings.tick, source: source, logger: runner.logger)] : [])
