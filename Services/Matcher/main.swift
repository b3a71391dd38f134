// doudi-matcher: the low-income population database (§3.1.2). Consumes accepted submissions,
// department records and assistance outcomes; publishes household versions and signals.
import Foundation
import ServiceKit

let config = ServiceConfig(service: "matcher", defaultHTTPPort: 8082)
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "seed-synthetic" {
    guard arguments.count == 2, let persons = Int(arguments[1]), persons > 0 else {
        FileHandle.standardError.write(Data("usage: doudi-matcher seed-synthetic PERSONS\n".utf8))
        exit(64)
    }
    try SyntheticSeed.run(persons: persons, config: config)
    exit(0)
}

let counters = MatchCounters()
let runner = try ServiceRunner(processor: MatcherProcessor(personKeySecret: config.personKeySecret, counters: counters),
                               defaultHTTPPort: 8082, config: config)
counters.attach(to: runner.metrics.registry, service: "matcher")
let api = RegistryAPI(pool: runner.store.pool,
                      token: ProcessEnvironment.string("DOUDI_MATCHER_TOKEN", default: RegistryAPI.developmentToken))
let designations = DesignationAPI(writer: runner.writer, operators: try CountyOperators.load(logger: runner.logger))
try await runner.run(routes: { api.add(to: $0); designations.add(to: $0) })
