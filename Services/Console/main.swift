// doudi-console: the operators' web console (issue 16). A read model of the topics (registry,
// warnings, referrals, outcomes, tasks, relief, payroll) in its own store, pages for county and
// township staff (dashboard with drill-down, worklist, households, approvals, referrals,
// exports), and actions through the owning services with the operator's own token. See docs/console.md.
import Envelope
import Foundation
import ServiceKit

let settings: ConsoleSettings
do { settings = try ConsoleSettings.fromEnvironment() }
catch {
    FileHandle.standardError.write(Data("doudi-console: \(error)\n".utf8))
    exit(2)
}
if CommandLine.arguments.dropFirst().first == "bench" {
    exit(await ConsoleBench.main(Array(CommandLine.arguments.dropFirst(2))))
}
let bootstrap = ServiceConfig.orExit(service: "console", defaultHTTPPort: 8088)
let runner = startOrExit("console") { try ServiceRunner(processor: ConsoleProcessor(), defaultHTTPPort: 8088, config: bootstrap) }
let routes = ConsoleRoutes(writer: runner.writer, audit: runner.audit, owners: Owners(settings: settings), keys: bootstrap.operatorKeys, settings: settings)
runner.logger.info("console", metadata: ["url": "http://\(bootstrap.httpHost == "0.0.0.0" ? "127.0.0.1" : bootstrap.httpHost):\(bootstrap.httpPort)/",
                                         "developmentLogin": "\(settings.developmentLogin)"])
try await runner.run(routes: { routes.add(to: $0) })
