// doudi-intake: the six channels of §2.2 in, validated and normalised submissions out.
//
// - topic: `intake.submissions` (channel systems, `doudi import`) → `intake.accepted` / `intake.rejected`
// - HTTP: `POST /v1/submissions`, `GET /v1/submissions/{id}`, `GET /v1/regions` (public), `/openapi.json`,
//   `/declare` (with `/declare.js`, `/declare.css`)
// See docs/intake.md.
import DoudiDomain
import Envelope
import Logging
import ServiceKit

let config = ServiceConfig(service: "intake", defaultHTTPPort: 8081)
let decider = IntakeDecider(keyer: PersonKeyer(secret: config.personKeySecret))
let runner = try ServiceRunner(processor: IntakeProcessor(decider: decider), defaultHTTPPort: 8081, config: config)
let tokens = try OperatorTokens.load(logger: runner.logger)
let api = SubmissionRoutes(decider: decider, tokens: tokens, writer: runner.writer,
                           maxBodyBytes: ProcessEnvironment.int("DOUDI_INTAKE_MAX_BODY_BYTES", default: 256 * 1024))
let files = try PublicFiles(declareToken: tokens.declareToken)
let regions = RegionRoutes(directory: .standard)
try await runner.run(routes: { router in
    api.add(to: router)
    regions.add(to: router)
    files.add(to: router)
})
