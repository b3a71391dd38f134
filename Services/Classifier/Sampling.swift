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
    let writer: StoreWriter
    var store: ServiceStore { writer.store }

    func sample(_ r: SampleRequest) async throws -> SampleResponse {
        guard let dueBy = Self.periodEnd(r.period) else {
            throw HTTPError(.badRequest, message: "period must be YYYY, YYYYQn or YYYY-MM")
        }
        let rate = r.rate ?? RandomSample.defaultRate, seed = r.seed ?? 0
        guard rate > 0, rate <= 1 else { throw HTTPError(.badRequest, message: "rate must be in (0, 1]") }
        return try await writer.write { db in
            let candidates = try Self.monitored(db)
            let strata = RandomSample.drawByStratum(candidates, period: r.period, seed: seed, rate: rate)
            let tasks = RandomSample.tasks(candidates, period: r.period, seed: seed, rate: rate, dueBy: dueBy)
            let emitter = try Self.emitter(db, scope: "sample/\(r.period)")
            var events: [OutgoingEvent] = []
            for t in tasks {
                if let out = try TaskStore.issue(db, t, emitter: emitter, scope: "operator") { events.append(out) }
            }
            return (SampleResponse(period: r.period, seed: seed, rate: rate, population: candidates.count,
                                   drawn: tasks.compactMap(\.householdId), taskIds: tasks.map(\.taskId), newTasks: events.count,
                                   strata: strata.map { .init(stratum: $0.stratum.description, population: $0.population, drawn: $0.ids.count) }),
                    events)
        }
    }

    /// Issues the year's annual_survey task to every monitored household not yet asked, and
    /// remembers each one's profile version: a later version means the survey re-profiled it.
    func startSurvey(_ r: SurveyRequest) async throws -> SurveyResponse {
        guard (2000...9999).contains(r.year) else { throw HTTPError(.badRequest, message: "year out of range") }
        let fresh = try await writer.write { db -> (Int, [OutgoingEvent]) in
            let emitter = try Self.emitter(db, scope: "survey/\(r.year)")
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
        var status = try await surveyStatus(year: r.year)
        status.newTasks = fresh
        return status
    }

    func surveyStatus(year: Int) async throws -> SurveyResponse {
        try await store.pool.read { db in
            guard let started = try String.fetchOne(db, sql: "SELECT started_at FROM surveys WHERE year = ?", arguments: [year]) else {
                throw HTTPError(.notFound, message: "no survey started for \(year)")
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

    /// Operator actions happen at the event clock's time (the wall clock before any event).
    static func emitter(_ db: Database, scope: String) throws -> Emitter {
        .scoped(time: try EventClock.now(db, fallback: Timestamp.rfc3339()))
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
