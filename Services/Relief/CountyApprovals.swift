// The county's approval of a case above the township limit, from the HTTP API or an event:
// records it, re-stages the rest of the total from the approval time, and pays what is due.
import DoudiDomain
import GRDB
import ServiceKit

enum ApprovalResult {
    case approved(CaseRecord, [OutgoingEvent])
    case unknownCase
    case notRequired
    case refused(CountyApprovalProblem)
}

enum CountyApprovals {
    static func approve(_ db: Database, caseId: String, approvedFen: Int64, approver: String, atMs: Int64,
                        settings: ReliefSettings) throws -> ApprovalResult {
        guard var c = try CaseRecord.load(db, caseId: caseId) else { return .unknownCase }
        guard c.countyRequired else { return .notRequired }
        if c.relief.countyApproved && c.relief.plan.totalFen == approvedFen { return .approved(c, []) }
        let standards = settings.standards.rules(for: c.regionCode)
        do {
            try c.relief.approveAtCounty(totalFen: approvedFen, on: Clock.date(ms: atMs), monthlyStages: standards.monthlyStages,
                                         capFen: standards.perCaseCapFen)
        } catch { return .refused(error) }
        c.approver = approver
        c.startMs = atMs
        if c.status == .pending { c.status = .active }
        // The stage rows must show the new plan before anything is paid from them.
        try c.save(db, settings: settings, nowMs: atMs)
        let events = try Settlement.settle(db, &c, nowMs: atMs, settings: settings)
        return .approved(c, events)
    }
}
