// Random checks (§3.3.2) and the annual survey (§3.3.1): tasks for monitored households (those of
// a low-income category). Both are reproducible and idempotent: task ids are fixed by period (and
// the draw by period + seed) or by year, and a task id is issued once.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import Hummingbird
import ServiceKit
import Store

struct SampleRequest: Codable { var period: String; var rate: Double?; var seed: UInt64? }
struct SampleResponse: ResponseEncodable {
    struct Stratum: Codable { var stratum: String; var population: Int; var drawn: Int }
    var period: String; var seed: UInt64; var rate: Double
    var population: Int; var drawn: [String]; var taskIds: [String]; var newTasks: Int; var strata: [Stratum]
}
struct SurveyRequest: Codable { var year: Int }
struct SurveyResponse: ResponseEncodable {
    var year: Int; var startedAt: String; var households: Int; var tasksIssued: Int; var newTasks: Int?; var completed: Int
}

struct Sampling {
    /// Every task's writer (DOUDI_TASKS, docs/scaling.md): the draw is made over the households of
    /// every task, and each task's households get their tasks in that task's transaction.
    let writers: [StoreWriter]

    func sample(_ r: SampleRequest) async throws -> SampleResponse {
        guard let dueBy = Self.periodEnd(r.period) else {
            throw HTTPError(.badRequest, message: "period must be YYYY, YYYYQn or YYYY-MM")
        }
        let rate = r.rate ?? RandomSample.defaultRate, seed = r.seed ?? 0
        guard rate > 0, rate <= 1 else { throw HTTPError(.badRequest, message: "rate must be in (0, 1]") }
        var taskOf: [String: Int] = [:]
        var candidates: [SampleCandidate] = []
        for (task, writer) in writers.enumerated() {
            for c in try await writer.read({ try Self.monitored($0) }) { taskOf[c.householdId] = task; candidates.append(c) }
        }
        candidates.sort { $0.householdId < $1.householdId }
        let strata = RandomSample.drawByStratum(candidates, period: r.period, seed: seed, rate: rate)
        let tasks = RandomSample.tasks(candidates, period: r.period, seed: seed, rate: rate, dueBy: dueBy)
        let time = try await Self.operatorTime(writers)
        var newTasks = 0
        for (task, writer) in writers.enumerated() {
            let mine = tasks.filter { $0.householdId.flatMap { taskOf[$0] } == task }
            guard !mine.isEmpty else { continue }
            newTasks += try await writer.write { db in
                let emitter = Emitter.scoped(time: time)
                var events: [OutgoingEvent] = []
                for t in mine {
                    if let out = try TaskStore.issue(db, t, emitter: emitter, scope: "operator") { events.append(out) }
                }
                return (events.count, events)
            }
        }
        return SampleResponse(period: r.period, seed: seed, rate: rate, population: candidates.count,
                              drawn: tasks.compactMap(\.householdId), taskIds: tasks.map(\.taskId), newTasks: newTasks,
                              strata: strata.map { .init(stratum: $0.stratum.description, population: $0.population, drawn: $0.ids.count) })
    }

    /// Issues the year's annual_survey task to every monitored household not yet asked, and
    /// remembers each one's profile version: a later version means the survey re-profiled it.
    func startSurvey(_ r: SurveyRequest) async throws -> SurveyResponse {
        guard (2000...9999).contains(r.year) else { throw HTTPError(.badRequest, message: "year out of range") }
        let time = try await Self.operatorTime(writers)
        var fresh = 0
        for writer in writers {
            fresh += try await writer.write { db -> (Int, [OutgoingEvent]) in
                let emitter = Emitter.scoped(time: time)
                try db.execute(sql: "INSERT OR IGNORE INTO surveys(year, started_at) VALUES (?, ?)", arguments: [r.year, emitter.time])
                var events: [OutgoingEvent] = []
                for c in try Self.monitored(db) {
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO survey_households(year, household_id, profile_version)
                        SELECT ?, household_id, profile_version FROM households WHERE household_id = ?
                        """, arguments: [r.year, c.householdId])
                    let task = WorkTask(taskId: "t-\(c.householdId)-annual_survey-\(r.year)", householdId: c.householdId,
                                        regionCode: c.regionCode, kind: .annualSurvey,
                                        reason: "annual survey \(r.year) (§3.3.1): re-verify and update the profile",
                                        dueBy: "\(r.year)-12-31")
                    if let out = try TaskStore.issue(db, task, emitter: emitter, scope: "operator") { events.append(out) }
                }
                return (events.count, events)
            }
        }
        var status = try await surveyStatus(year: r.year)
        status.newTasks = fresh
        return status
    }

    func surveyStatus(year: Int) async throws -> SurveyResponse {
        var total: SurveyResponse?
        for writer in writers {
            let part = try await writer.read { db -> SurveyResponse? in
                guard let started = try String.fetchOne(db, sql: "SELECT started_at FROM surveys WHERE year = ?", arguments: [year]) else {
                    return nil
                }
                let households = try Int.fetchOne(db, sql: "SELECT count(*) FROM survey_households WHERE year = ?", arguments: [year]) ?? 0
                let issued = try Int.fetchOne(db, sql: "SELECT count(*) FROM tasks WHERE kind = 'annual_survey' AND task_id LIKE ?",
                                              arguments: ["%-annual_survey-\(year)"]) ?? 0
                let completed = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM survey_households s JOIN households h ON h.household_id = s.household_id
                    WHERE s.year = ? AND h.profile_version > s.profile_version
                    """, arguments: [year]) ?? 0
                return SurveyResponse(year: year, startedAt: started, households: households, tasksIssued: issued, completed: completed)
            }
            guard let part else { continue }
            if var t = total {
                t.startedAt = min(t.startedAt, part.startedAt)
                t.households += part.households; t.tasksIssued += part.tasksIssued; t.completed += part.completed
                total = t
            } else { total = part }
        }
        guard let total else { throw HTTPError(.notFound, message: "no survey started for \(year)") }
        return total
    }

    /// Operator actions happen at the event clock's time (the wall clock before any event); with
    /// several tasks, at the latest task's clock.
    static func operatorTime(_ writers: [StoreWriter]) async throws -> String {
        var latest: EventClock?
        for writer in writers {
            if let c = try await writer.read({ try EventClock.read($0) }), latest.map({ c.latest > $0.latest }) ?? true { latest = c }
        }
        return latest?.latestTime ?? Timestamp.rfc3339()
    }

    /// Households of a low-income category (the monitored population).
    static func monitored(_ db: Database) throws -> [SampleCandidate] {
        try Row.fetchAll(db, sql: """
            SELECT household_id, region_code, category FROM households
            WHERE category IS NOT NULL AND category != 'not_low_income' ORDER BY household_id
            """).compactMap { row in
            Category(rawValue: row[2]).map { SampleCandidate(householdId: row[0], regionCode: row[1], category: $0) }
        }
    }

    /// The last day of `2026`, `2026Q4` or `2026-11`.
    static func periodEnd(_ p: String) -> CivilDate? {
        let u = Array(p.utf8)
        guard u.count >= 4, let year = Int(String(decoding: u[0..<4], as: UTF8.self)), (2000...9999).contains(year) else { return nil }
        let month: Int
        switch u.count {
        case 4: month = 12
        case 6 where u[4] == UInt8(ascii: "Q"):
            guard let q = Int(String(decoding: u[5...], as: UTF8.self)), (1...4).contains(q) else { return nil }
            month = q * 3
        case 7 where u[4] == UInt8(ascii: "-"):
            guard let m = Int(String(decoding: u[5...], as: UTF8.self)), (1...12).contains(m) else { return nil }
            month = m
        default: return nil
        }
        return CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year))
    }
}
