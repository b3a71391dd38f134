// doudi-intake: the six channels of §2.2 in, validated and normalised submissions out.
//
// - topic: `intake.submissions` (channel systems, `doudi import`) → `intake.accepted` / `intake.rejected`
// - HTTP: `POST /v1/submissions`, `GET /v1/submissions/{id}`, `GET /v1/regions` (public: no token), `/openapi.json`,
//   `/declare` (with `/declare.js`, `/declare.css`)
// See docs/intake.md.
import DoudiDomain
import Envelope
import Logging
import ServiceKit

let config = ServiceConfig.orExit(service: "intake", defaultHTTPPort: 8081)
let decider = IntakeDecider(keyer: PersonKeyer(secret: config.personKeySecret))
let runner = startOrExit("intake") { try ServiceRunner(processor: IntakeProcessor(decider: decider), defaultHTTPPort: 8081, config: config) }
let declareToken = startOrExit("intake") { try DeclareToken.load(config: config) }
if declareToken == nil { runner.logger.notice("DOUDI_INTAKE_DECLARE_TOKEN not set: the self-declaration page /declare is off") }
let api = SubmissionRoutes(decider: decider, writer: runner.writer,
                           maxBodyBytes: ProcessEnvironment.int("DOUDI_INTAKE_MAX_BODY_BYTES", default: 256 * 1024))
let files = try PublicFiles(declareToken: declareToken)
let regions = RegionRoutes(directory: .standard)
try await runner.run(routes: { router in
    api.add(to: router)
    regions.add(to: router)
    files.add(to: router)
}, publicPaths: RegionRoutes.publicPaths)
