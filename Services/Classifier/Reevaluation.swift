// `POST /v1/reevaluate`: a change of local standards is an event in time. Every stored household
// is evaluated again under the current standards as of the event clock, in transactions of
// `batchSize` households, each writing its warnings and tasks through the outbox. Event ids are
// scoped by the standards version and task ids carry it, so a re-evaluation under new standards
// publishes new events, while repeating it finds every warning open and every task issued.
import DoudiDomain
import Envelope
import Foundation
import Hummingbird
import Logging
import ServiceKit
import Store

struct ReevaluateResponse: ResponseEncodable {
    var standardsVersion: String
    var asOf: String
    var households: Int
    var batches: Int
    var opened: Int
    var resolved: Int
    var tasks: Int
}

struct Reevaluation {
    let writer: StoreWriter
    var store: ServiceStore { writer.store }
    let standards: LocalStandards
    let logger: Logger

    func run(batchSize: Int) async throws -> ReevaluateResponse {
        let time = try await store.pool.read { try EventClock.now($0, fallback: Timestamp.rfc3339()) }
        guard let asOf = CivilDate(iso: time) else { throw HTTPError(.internalServerError, message: "event clock unreadable") }
        let evaluation = Evaluation(standards: standards, emitter: .scoped("reevaluate/\(standards.version)", time: time),
                                    taskIdSuffix: "-s\(standards.version)")
        var response = ReevaluateResponse(standardsVersion: standards.version, asOf: asOf.description, households: 0,
                                          batches: 0, opened: 0, resolved: 0, tasks: 0)
        var cursor = ""
        while true {
            let after = cursor
            let (count, last, result) = try await writer.write { db -> ((Int, String, EvaluationResult), [OutgoingEvent]) in
                let ids = try HouseholdStore.householdIds(db, after: after, limit: batchSize)
                var result = EvaluationResult()
                for id in ids { result.add(try evaluation.run(db, householdId: id, asOf: asOf)) }
                return ((ids.count, ids.last ?? after, result), result.events)
            }
            guard count > 0 else { break }
            cursor = last
            response.households += count; response.batches += 1
            response.opened += result.opened; response.resolved += result.resolved; response.tasks += result.tasks
            logger.info("re-evaluation progress", metadata: [
                "standards": "\(standards.version)", "households": "\(response.households)", "batches": "\(response.batches)",
                "opened": "\(response.opened)", "resolved": "\(response.resolved)", "tasks": "\(response.tasks)"])
        }
        logger.info("re-evaluation done", metadata: ["standards": "\(standards.version)", "households": "\(response.households)"])
        return response
    }
}
