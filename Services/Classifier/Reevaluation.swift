// `POST /v1/reevaluate`: a change of local standards is an event in time. Every stored household
// is evaluated again under the current standards as of the event clock (a new point of its
// history), in transactions of `batchSize` households, each publishing what changed through the
// outbox. Repeating the same re-evaluation changes nothing and publishes nothing. A correction
// that later reaches back before the change replays the household under the standards then current.
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
    /// Every task's writer (DOUDI_TASKS): each task's households in turn, all as of the latest
    /// task's event clock (one change of standards, one point in time).
    let writers: [StoreWriter]
    let standards: LocalStandards
    let logger: Logger

    func run(batchSize: Int) async throws -> ReevaluateResponse {
        let time = try await Sampling.operatorTime(writers)
        guard let at = FactTime(time), let asOf = at.date else { throw HTTPError(.internalServerError, message: "event clock unreadable") }
        let emitter = Emitter.scoped(time: time)
        let standards = standards
        var response = ReevaluateResponse(standardsVersion: standards.version, asOf: asOf.description, households: 0,
                                          batches: 0, opened: 0, resolved: 0, tasks: 0)
        for writer in writers {
            var cursor = ""
            while true {
                let after = cursor
                let (count, last, events) = try await writer.write { db -> ((Int, String, [OutgoingEvent]), [OutgoingEvent]) in
                    let ids = try HouseholdStore.householdIds(db, after: after, limit: batchSize)
                    var events: [OutgoingEvent] = []
                    for id in ids {
                        guard let previous = try HouseholdStore.history(db, householdId: id) else { continue }
                        var h = previous
                        // The change of standards is a point in the household's history, at the event clock.
                        if let horizon = h.horizon, !(horizon < at) { h.horizon = horizon } else { h.horizon = at }
                        HouseholdReplay.evaluateNow(&h, standards: standards, asOf: asOf, at: at)
                        try HouseholdStore.save(db, h)
                        events += try Publication.publish(h, previous: previous, db: db, emitter: emitter)
                    }
                    return ((ids.count, ids.last ?? after, events), events)
                }
                guard count > 0 else { break }
                cursor = last
                response.households += count; response.batches += 1
                for e in events {
                    if e.event.type == EventType.workTask.rawValue { response.tasks += 1; continue }
                    let status = (try? JSONDecoder().decode(Warning.self, from: Data(e.event.data)))?.status
                    if status == .open { response.opened += 1 } else if status == .resolved { response.resolved += 1 }
                }
                logger.info("re-evaluation progress", metadata: [
                    "standards": "\(standards.version)", "households": "\(response.households)", "batches": "\(response.batches)",
                    "opened": "\(response.opened)", "resolved": "\(response.resolved)", "tasks": "\(response.tasks)"])
            }
        }
        logger.info("re-evaluation done", metadata: ["standards": "\(standards.version)", "households": "\(response.households)"])
        return response
    }
}
