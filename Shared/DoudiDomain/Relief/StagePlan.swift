// One approval, staged aid (一次审批、分阶段救助): an approved total is paid as an aid-first
// stage now (urgent cases) and the rest in monthly stages; the stages sum exactly to the total.

public struct Stage: Sendable, Equatable, Codable {
    /// 1-based, the `stage` of `relief.disbursement.v1`.
    public var stage: Int
    public var amountFen: Int64
    public var dueOn: CivilDate
    /// Township for the aid-first stage (paid on its own authority), else the case's level.
    public var approvedAt: ApprovalLevel
    public var aidFirst: Bool
    /// Must wait for the county's approval before it is paid.
    public var requiresCountyApproval: Bool { approvedAt == .county }
}

public struct StagePlan: Sendable, Equatable, Codable {
    public var caseId: String
    public var stages: [Stage]

    public static func disbursementId(caseId: String, stage: Int) -> String { "disb-\(caseId)-\(stage)" }

    public var totalFen: Int64 { stages.reduce(0) { $0 + $1.amountFen } }

    /// Stage 1 is the aid-first amount, due on `startOn`, when there is one. The rest is split
    /// into at most `monthlyStages` stages due a month apart (from `startOn` when there is no
    /// aid-first stage, else a month later); leftover fen go to the earliest stages and no stage
    /// is empty, so the stages always add up to the total exactly.
    public init(_ assessment: Assessment, startOn: CivilDate, monthlyStages: Int) {
        caseId = assessment.caseId
        stages = []
        let total = assessment.approvedTotalFen
        guard total > 0 else { return }
        let aidFirst = min(max(0, assessment.aidFirstFen), total)
        if aidFirst > 0 {
            stages.append(Stage(stage: 1, amountFen: aidFirst, dueOn: startOn, approvedAt: .township, aidFirst: true))
        }
        let rest = total - aidFirst
        guard rest > 0 else { return }
        let count = Int64(min(max(1, monthlyStages), Int(min(rest, Int64(Int32.max)))))
        let base = rest / count, extra = rest % count
        let firstMonth = aidFirst > 0 ? 1 : 0
        for k in 0..<count {
            stages.append(Stage(stage: stages.count + 1, amountFen: base + (k < extra ? 1 : 0),
                                dueOn: startOn.adding(months: firstMonth + Int(k)),
                                approvedAt: assessment.approvalLevel, aidFirst: false))
        }
    }
}
