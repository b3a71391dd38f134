// doudi-classifier: categories, needs and early warnings (§2.1, §3.2, §3.4, §4) from registry
// profiles, department signals and assistance outcomes; tasks for staff. See docs/classifier.md.
import DoudiDomain
import Foundation
import Logging
import ServiceKit

let standards: LocalStandards
switch StandardsLoader.load() {
case .success(let s): standards = s
case .failure(let error):
    FileHandle.standardError.write(Data("doudi-classifier: \(error)\n".utf8))
    exit(2)
}

let cachedHouseholds: Int
switch HistoryCache.capacity(from: ProcessInfo.processInfo.environment) {
case .success(let n): cachedHouseholds = n
case .failure(let error):
    FileHandle.standardError.write(Data("doudi-classifier: \(error)\n".utf8))
    exit(2)
}

let runner = startOrExit("classifier") {
    try ServiceRunner(processor: ClassifierProcessor(standards: standards, cache: HistoryCache(capacity: cachedHouseholds)),
                      defaultHTTPPort: 8083)
}
runner.logger.info("local standards", metadata: ["version": "\(standards.version)", "regions": "\(standards.overrides.count)",
                                                  "cachedHouseholds": "\(cachedHouseholds)"])
let api = ClassifierAPI(writers: runner.writers, standards: standards, audit: runner.audit, logger: runner.logger)
try await runner.run(routes: api.addRoutes)
