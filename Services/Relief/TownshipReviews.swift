// The township's review of a case that is not urgent (审核, §4.3), from the HTTP API: approval
// re-dates the stages from the review and pays what is due (a total above the township limit
// then waits for the county); a denial ends the case with a denied outcome.
import DoudiDomain
import GRDB
import ServiceKit

enum ReviewResult {
    case reviewed(CaseRecord, [OutgoingEvent])
    case unknownCase
    case refused(ReviewProblem)
}

enum TownshipReviews {
    static func review(_ db: Database, caseId: String, approve: Bool, reviewer: String, reason: String?, atMs: Int64,
                       settings: ReliefSettings) throws -> ReviewResult {
        guard var c = try CaseRecord.load(db, caseId: caseId) else { return .unknownCase }
        let before = c.relief
        do {
            try c.relief.reviewAtTownship(approve: approve, reviewer: reviewer, reason: reason, on: Clock.date(ms: atMs))
        } catch { return .refused(error) }
        if c.relief == before { return .reviewed(c, []) }   // the same decision again
        c.reasons.append(Reason(rule: "township_review", clause: "§4.3",
                                detail: approve ? "reviewed and approved by the township (\(reviewer))"
                                                : "reviewed and denied by the township (\(reviewer)): \(reason ?? "no reason given")"))
        guard approve else {
            c.status = .denied
            try c.save(db, settings: settings, nowMs: atMs)
            return .reviewed(c, [try ReliefEvents.denied(case: c, reason: "denied on review: \(reason ?? "no reason given")", atMs: atMs)])
        }
        c.startMs = atMs
        c.status = c.countyRequired && !c.relief.countyApproved ? .pending : .active
        // The stage rows must show the re-dated plan before anything is paid from them.
        try c.save(db, settings: settings, nowMs: atMs)
        let events = try Settlement.settle(db, &c, nowMs: atMs, settings: settings)
        return .reviewed(c, events)
    }
}
