// doudi-matcher: the low-income population database (§3.1.2). Consumes accepted submissions,
// department records and assistance outcomes; publishes household versions and signals.
import Foundation
import ServiceKit

let config = ServiceConfig.orExit(service: "matcher", defaultHTTPPort: 8082)
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
let runner = startOrExit("matcher") {
    try ServiceRunner(processor: MatcherProcessor(personKeySecret: config.personKeySecret, counters: counters),
                      defaultHTTPPort: 8082, config: config)
}
counters.attach(to: runner.metrics.registry, service: "matcher")
let api = RegistryAPI(pool: runner.store.pool, audit: runner.audit,
                      minimumCell: ProcessEnvironment.int("DOUDI_STATS_MIN_CELL", default: 10))
let designations = DesignationAPI(writer: runner.writer, audit: runner.audit)
try await runner.run(routes: { api.add(to: $0); designations.add(to: $0) })
