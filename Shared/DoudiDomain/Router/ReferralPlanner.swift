// The router's pure core (§3.4 预警处置): an open warning becomes one referral per department
// concerned, carrying only what that department needs; a resolved warning withdraws what is
// still open. Side effects (publishing, persisting the ledger) belong to the service.

/// What the router should publish for one warning delivery.
public struct RoutingPlan: Sendable, Equatable {
    /// New referrals, status `sent`, one per (warningId, domain) never planned before.
    public var send: [Referral]
    /// Open referrals of a resolved warning, status `withdrawn`.
    public var withdraw: [Referral]
    public init(send: [Referral] = [], withdraw: [Referral] = []) { self.send = send; self.withdraw = withdraw }
    public var isEmpty: Bool { send.isEmpty && withdraw.isEmpty }
}

public struct ReferralPlanner: Sendable {
    public var whitelist: FactWhitelist

    public init(whitelist: FactWhitelist = .standard) { self.whitelist = whitelist }

    /// Deterministic, so a replayed warning yields the same id and the ledger can see it.
    public static func referralId(warningId: String, domain: Domain) -> String { "ref-\(warningId)-\(domain.rawValue)" }

    /// The department a need goes to. A special hardship has no policy that covers it, so every
    /// need goes to the county coordination mechanism (§3.4); otherwise to the need's own domain.
    public static func target(of need: Need, disposal: Disposal) -> Domain {
        disposal == .specialHardship ? .coordination : need.domain
    }

    /// All referrals an open warning implies, ignoring what was sent before; empty when resolved.
    /// Ordered by domain (declaration order) so that output is stable.
    public func referrals(for warning: Warning, sentAt: CivilDate) -> [Referral] {
        guard warning.status == .open else { return [] }
        var byDomain: [Domain: [Need]] = [:]
        for need in warning.needs {
            let target = Self.target(of: need, disposal: warning.disposal)
            byDomain[target, default: []].append(whitelist.minimise(need, sentTo: target))
        }
        let dueBy = sentAt.adding(days: warning.level.deadlineDays).description
        return Domain.allCases.compactMap { domain in
            guard let needs = byDomain[domain] else { return nil }
            return Referral(referralId: Self.referralId(warningId: warning.warningId, domain: domain),
                            warningId: warning.warningId, householdId: warning.householdId, domain: domain,
                            regionCode: warning.regionCode, area: warning.area, disposal: warning.disposal,
                            level: warning.level, category: warning.category, needs: needs,
                            status: .sent, dueBy: dueBy, sentAt: sentAt.description)
        }
    }

    /// The plan for one delivery of `warning` given what the ledger already knows: an open
    /// warning sends only (warningId, domain) pairs never planned; a resolved one withdraws
    /// its referrals that are still open (sent, accepted or overdue).
    public func plan(_ warning: Warning, sentAt: CivilDate, ledger: ReferralLedger) -> RoutingPlan {
        switch warning.status {
        case .open:
            return RoutingPlan(send: referrals(for: warning, sentAt: sentAt).filter { !ledger.contains($0.referralId) })
        case .resolved:
            return RoutingPlan(withdraw: ledger.openReferrals(warningId: warning.warningId).map {
                var r = $0; r.status = .withdrawn; return r
            })
        }
    }
}
