// Assessment of an emergency temporary relief application (§4.3): whether the hardship is one the
// rules cover, how much, who approves, whether the township reviews it before any payment, and
// how much is paid at once before the paperwork and any county approval (先行救助, 分级审批).

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
    /// A case that is not urgent is reviewed by the township (审核) before anything is paid.
    public var reviewRequired: Bool = false
    /// Why nothing is approved, when the hardship is not one §4.3 covers.
    public var denial: String? = nil
}

public enum ReliefPolicy {
    public static func caseId(applicationId: String) -> String { "case-\(applicationId)" }

    /// Why the application's hardship is not one temporary relief covers (§4.3: 突发性、紧迫性、
    /// 灾难性困难), or nil when it is: a known hardship that is not sudden (an illness, unemployment:
    /// the department of that hardship helps), an incident after the application, or one more than
    /// `incidentWindowDays` before it. Unknown kinds (`unspecified` from a referral) were judged by
    /// the classifier and pass.
    public static func hardshipProblem(_ application: ReliefApplication, receivedOn: CivilDate?,
                                       standards s: ReliefStandards) -> String? {
        if let reason = HardshipReason(rawValue: application.incidentKind), !reason.isSudden {
            return "\(reason.rawValue) is not a sudden, urgent or catastrophic hardship: the department of that hardship assists"
        }
        guard let received = receivedOn, let occurred = CivilDate(iso: application.occurredOn) else { return nil }
        if occurred > received { return "the incident is dated after the application (\(occurred) > \(received))" }
        if received.dayNumber - occurred.dayNumber > s.incidentWindowDays {
            return "the incident of \(occurred) is more than \(s.incidentWindowDays) days before the application: no longer sudden"
        }
        return nil
    }

    /// `caseId` defaults to the application's own case; pass the existing case for a merged application.
    /// `receivedOn` (the application's date) dates the hardship check; without it only the kind is checked.
    public static func assess(_ application: ReliefApplication, standards s: ReliefStandards,
                              caseId: String? = nil, receivedOn: CivilDate? = nil) -> Assessment {
        let members = Int64(max(1, application.householdSize ?? 1))
        let entitlement = FenMath.product(Int64(s.monthsPerMember), s.dibaoMonthlyFen, members)
        let requested = max(0, application.requestedFen)
        let problem = hardshipProblem(application, receivedOn: receivedOn, standards: s)
        let total = problem == nil ? min(requested, entitlement, s.perCaseCapFen) : 0
        let level: ApprovalLevel = total <= s.townshipApprovalLimitFen ? .township : .county
        let aidFirst = application.urgent ? min(total, s.aidFirstLimitFen) : 0
        var reasons: [Reason] = []
        if let problem {
            reasons.append(Reason(rule: "relief_hardship", clause: "§4.3", detail: "not covered: \(problem)"))
        }
        reasons += [Reason(rule: "relief_amount", clause: "§4.3",
                           detail: "min(requested \(requested), \(s.monthsPerMember) months × dibao \(s.dibaoMonthlyFen) × "
                                   + "\(members) members = \(entitlement), cap \(s.perCaseCapFen)) = \(total) fen"),
                    Reason(rule: "tiered_approval", clause: "§4.3",
                           detail: "\(total) fen \(level == .township ? "within" : "above") the township limit "
                                   + "\(s.townshipApprovalLimitFen) fen: \(level.rawValue) approves")]
        if aidFirst > 0 {
            reasons.append(Reason(rule: "aid_first", clause: "§4.3",
                                  detail: "urgent: \(aidFirst) fen paid at once (aid-first limit \(s.aidFirstLimitFen) fen)"))
        }
        let review = !application.urgent && total > 0
        if review {
            reasons.append(Reason(rule: "township_review", clause: "§4.3",
                                  detail: "not urgent: the township reviews the case before anything is paid"))
        }
        return Assessment(caseId: caseId ?? Self.caseId(applicationId: application.applicationId),
                          applicationId: application.applicationId, requestedFen: requested, entitlementFen: entitlement,
                          capFen: s.perCaseCapFen, approvedTotalFen: total, approvalLevel: level,
                          pendingCountyApproval: level == .county && total > 0, aidFirstFen: aidFirst, reasons: reasons,
                          reviewRequired: review, denial: problem ?? (total == 0 ? "nothing requested, nothing approved" : nil))
    }
}
