// Tiered approval (分级审批, §4.3): a case above the township limit waits for the county, which
// approves a total (at most the case cap). What was already paid stands; the rest of the approved
// total is staged again from the approval date, so one approval still means one staged plan.

public enum CountyApprovalProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The approved total must be positive and at most the case cap.
    case outOfRange(approvedFen: Int64, capFen: Int64)
    /// Less than what is paid or owed on the township's own authority (the aid-first stage).
    case belowCommitted(approvedFen: Int64, committedFen: Int64)
    /// The case was approved before with another total.
    case alreadyApproved(approvedFen: Int64)
    /// A case that is not urgent goes to the county after the township reviewed and approved it.
    case notReviewed

    public var description: String {
        switch self {
        case .outOfRange(let a, let cap): "approved amount \(a) fen must be between 1 and the case cap \(cap) fen"
        case .belowCommitted(let a, let c): "approved amount \(a) fen is below the \(c) fen already paid or committed"
        case .alreadyApproved(let a): "the county already approved \(a) fen for this case"
        case .notReviewed: "the township has not reviewed and approved this case yet (审核 before 审批)"
        }
    }
}

extension ReliefCase {
    /// Records the county's approval of `totalFen`. Paid stages and the aid-first stage are kept;
    /// the remainder is split like `StagePlan` (at most `monthlyStages` stages, due monthly from
    /// `startOn`, a month later when an aid-first stage exists). Approving the same total again
    /// changes nothing (idempotent); another total is refused.
    public mutating func approveAtCounty(totalFen: Int64, on startOn: CivilDate, monthlyStages: Int,
                                         capFen: Int64) throws(CountyApprovalProblem) {
        if countyApproved {
            guard totalFen == plan.totalFen else { throw .alreadyApproved(approvedFen: plan.totalFen) }
            return
        }
        guard !awaitingReview else { throw .notReviewed }
        guard totalFen > 0, totalFen <= capFen else { throw .outOfRange(approvedFen: totalFen, capFen: capFen) }
        let kept = plan.stages.filter { paidStages.contains($0.stage) || $0.aidFirst }
        let committed = kept.reduce(0) { $0 + $1.amountFen }
        guard totalFen >= committed else { throw .belowCommitted(approvedFen: totalFen, committedFen: committed) }
        let remainder = Assessment(caseId: caseId, applicationId: applicationId, requestedFen: totalFen - committed,
                                   entitlementFen: totalFen - committed, capFen: capFen,
                                   approvedTotalFen: totalFen - committed, approvalLevel: .county,
                                   pendingCountyApproval: false, aidFirstFen: 0, reasons: [])
        let firstMonth = kept.contains { $0.aidFirst } ? 1 : 0
        let rest = StagePlan(remainder, startOn: startOn.adding(months: firstMonth), monthlyStages: monthlyStages).stages
        plan.stages = kept + rest.map { Stage(stage: kept.count + $0.stage, amountFen: $0.amountFen, dueOn: $0.dueOn,
                                              approvedAt: .county, aidFirst: false) }
        approveAtCounty()
    }
}
