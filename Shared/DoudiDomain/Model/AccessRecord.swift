// `audit.access.v1`: one read of personal data (a household profile, an explanation, a case, a
// referral, a submission) by one operator — who, when, what and why (issue 13; the guideline's
// §5 asks that the data of the people concerned be kept confidential and used only for the
// assistance work, which an access record makes checkable). It carries ids, never the data read.

public struct AccessRecord: Codable, Sendable, Equatable {
    /// The access's own id (random: a read has no cause to derive it from).
    public var accessId: String
    /// The service that answered: `matcher`, `classifier`, `router`, `relief`, a handler, `intake`.
    public var service: String
    /// The operator credential's subject (`sub`) and role.
    public var actor: String
    public var role: String
    /// What was read: `household`, `candidates`, `explanation`, `referral`, `case`, `cases`, `funds`, `submission`.
    public var resource: String
    public var resourceId: String
    /// The region of what was read, when it has one.
    public var regionCode: String?
    /// Why: the `Doudi-Purpose` request header (the CLI's `--purpose`), else `not stated`.
    public var purpose: String
    /// `granted`, or `denied` (outside the operator's role or region).
    public var decision: String
    public var accessedAt: String

    public init(accessId: String, service: String, actor: String, role: String, resource: String, resourceId: String,
                regionCode: String?, purpose: String, decision: String, accessedAt: String) {
        self.accessId = accessId; self.service = service; self.actor = actor; self.role = role; self.resource = resource
        self.resourceId = resourceId; self.regionCode = regionCode; self.purpose = purpose; self.decision = decision
        self.accessedAt = accessedAt
    }
}
