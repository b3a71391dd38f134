// `referral.escalated.v1` on `assistance.outcomes`: a referral whose department did not decide
// by `dueBy` (§3.4), for departments, operators and the console; the classifier's own due checks
// open `policy_not_implemented`. One per referral; `retracted` takes it back when a decision or
// withdrawal dated by the deadline arrives after it (or the warning never held).

public struct ReferralEscalated: Codable, Sendable, Equatable {
    public var escalationId: String
    public var referralId: String
    public var warningId: String
    public var householdId: String
    public var domain: Domain
    /// The referral's region (additive, issue 15): the county that follows the escalation up.
    public var regionCode: String?
    public var dueBy: String
    /// The router's clock when it noticed (event time, RFC 3339).
    public var escalatedAt: String
    public var daysOverdue: Int?
    /// True: a correction takes this escalation back (the referral was decided or withdrawn by its
    /// deadline after all, or its warning never held).
    public var retracted: Bool?

    public init(_ escalation: Escalation, escalatedAt: String) {
        let r = escalation.referral
        escalationId = escalation.escalationId; referralId = r.referralId; warningId = r.warningId
        householdId = r.householdId; domain = r.domain; regionCode = r.regionCode; dueBy = r.dueBy
        self.escalatedAt = escalatedAt; daysOverdue = escalation.daysOverdue
        retracted = escalation.retracted ? true : nil
    }
}
