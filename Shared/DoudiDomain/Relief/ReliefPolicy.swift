// Assessment of an emergency temporary relief application (§4.3): how much, who approves,
// and how much is paid at once before the paperwork and any county approval (先行救助, 分级审批).

public struct Assessment: Sendable, Equatable, Codable {
    public var caseId: String
    public var applicationId: String
    public var requestedFen: Int64
    /// months × dibao standard × household size.
    public var entitlementFen: Int64
    public var capFen: Int64
    /// min(requested, entitlement, cap); zero means nothing is approved.
    public var approvedTotalFen: Int64
    /// Township when the total is within its limit, else county.
    public var approvalLevel: ApprovalLevel
    /// The county has yet to approve; only `aidFirstFen` may be paid meanwhile.
    public var pendingCountyApproval: Bool
    /// Paid at once from the township reserve fund: min(total, aid-first limit) when urgent, else 0.
    public var aidFirstFen: Int64
    public var reasons: [Reason]
}

public enum ReliefPolicy {
    public static func caseId(applicationId: String) -> String { "case-\(applicationId)" }

    /// `caseId` defaults to the application's own case; pass the existing case for a merged application.
    public static func assess(_ application: ReliefApplication, standards s: ReliefStandards,
                              caseId: String? = nil) -> Assessment {
        let members = Int64(max(1, application.householdSize ?? 1))
        let entitlement = FenMath.product(Int64(s.monthsPerMember), s.dibaoMonthlyFen, members)
        let requested = max(0, application.requestedFen)
        let total = min(requested, entitlement, s.perCaseCapFen)
        let level: ApprovalLevel = total <= s.townshipApprovalLimitFen ? .township : .county
        let aidFirst = application.urgent ? min(total, s.aidFirstLimitFen) : 0
        var reasons = [Reason(rule: "relief_amount", clause: "§4.3",
                              detail: "min(requested \(requested), \(s.monthsPerMember) months × dibao \(s.dibaoMonthlyFen) × "
                                      + "\(members) members = \(entitlement), cap \(s.perCaseCapFen)) = \(total) fen"),
                       Reason(rule: "tiered_approval", clause: "§4.3",
                              detail: "\(total) fen \(level == .township ? "within" : "above") the township limit "
                                      + "\(s.townshipApprovalLimitFen) fen: \(level.rawValue) approves")]
        if aidFirst > 0 {
            reasons.append(Reason(rule: "aid_first", clause: "§4.3",
                                  detail: "urgent: \(aidFirst) fen paid at once (aid-first limit \(s.aidFirstLimitFen) fen)"))
        }
        return Assessment(caseId: caseId ?? Self.caseId(applicationId: application.applicationId),
                          applicationId: application.applicationId, requestedFen: requested, entitlementFen: entitlement,
                          capFen: s.perCaseCapFen, approvedTotalFen: total, approvalLevel: level,
                          pendingCountyApproval: level == .county && total > 0, aidFirstFen: aidFirst, reasons: reasons)
    }
}
