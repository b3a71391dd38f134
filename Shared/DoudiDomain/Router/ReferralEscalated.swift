// `referral.escalated.v1` on `assistance.outcomes`: a referral whose department did not decide
// by `dueBy`. The classifier reads it as "an entitled benefit has not landed" and opens a
// `policy_not_implemented` warning (§3.4). One per referral, ever (its id derives from
// `escalationId` alone).

public struct ReferralEscalated: Codable, Sendable, Equatable {
    public var escalationId: String
    public var referralId: String
    public var warningId: String
    public var householdId: String
    public var domain: Domain
    public var dueBy: String
    /// The router's clock when it noticed (event time, RFC 3339).
    public var escalatedAt: String
    public var daysOverdue: Int?

    public init(_ escalation: Escalation, escalatedAt: String) {
        let r = escalation.referral
        escalationId = escalation.escalationId; referralId = r.referralId; warningId = r.warningId
        householdId = r.householdId; domain = r.domain; dueBy = r.dueBy
        self.escalatedAt = escalatedAt; daysOverdue = escalation.daysOverdue
    }
}
