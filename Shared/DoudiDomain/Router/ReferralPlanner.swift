// The router's pure core (§3.4 预警处置): an open warning becomes one referral per department
// concerned, carrying only what that department needs; a revised warning amends its referrals
// (a department re-decides); a resolved warning withdraws what is still open; a retracted one
// (it never held) supersedes every referral it caused, decided or not. Warnings name people by
// person key only: the router adds the name and identity number of the person to help from its
// own copy of the registry, for that department alone. Side effects belong to the service.

/// What the router should publish for one warning delivery.
public struct RoutingPlan: Sendable, Equatable {
    /// Referrals to send: new ones, and amended ones (the same id, the warning's new revision).
    public var send: [Referral]
    /// Open referrals of a resolved warning, status `withdrawn`.
    public var withdraw: [Referral]
    /// Every referral of a retracted warning, status `superseded`.
    public var supersede: [Referral]
    /// Referrals that cannot be sent yet: a person to help is not in the router's registry copy.
    public var waiting: [Referral]
    public init(send: [Referral] = [], withdraw: [Referral] = [], supersede: [Referral] = [], waiting: [Referral] = []) {
        self.send = send; self.withdraw = withdraw; self.supersede = supersede; self.waiting = waiting
    }
    public var isEmpty: Bool { send.isEmpty && withdraw.isEmpty && supersede.isEmpty && waiting.isEmpty }
}

/// The name and identity number of a registered person (the router's copy of the registry).
public struct PersonIdentity: Sendable, Equatable, Codable {
    public var name: String
    public var idNumber: String
    public init(name: String, idNumber: String) { self.name = name; self.idNumber = idNumber }
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

    /// All referrals an open warning implies, ignoring what was sent before; empty unless open.
    /// Ordered by domain (declaration order). `sentAt` and `dueBy` are the warning's (the
    /// region's deadline, §3.4): a referral is due when its warning is. People are named from
    /// `people` (by person key); a need whose person the router does not know is left unnamed.
    public func referrals(for warning: Warning, people: (String) -> PersonIdentity? = { _ in nil }) -> [Referral] {
        guard warning.status == .open else { return [] }
        let bases = warning.bases
        var byDomain: [Domain: [Need]] = [:]
        for need in warning.needs {
            let target = Self.target(of: need, disposal: warning.disposal)
            var named = need
            if let key = need.personKey, let who = people(key) { named.name = who.name; named.idNumber = who.idNumber }
            byDomain[target, default: []].append(whitelist.minimise(named, sentTo: target))
        }
        let opened = CivilDate(iso: warning.openedAt)
        let dueBy = warning.dueBy ?? opened.map { $0.adding(days: warning.level.deadlineDays).description } ?? warning.openedAt
        return Domain.allCases.compactMap { domain in
            guard let needs = byDomain[domain] else { return nil }
            return Referral(referralId: Self.referralId(warningId: warning.warningId, domain: domain),
                            warningId: warning.warningId, householdId: warning.householdId, domain: domain,
                            regionCode: warning.regionCode, area: warning.area, disposal: warning.disposal,
                            level: warning.level, category: warning.category, needs: needs,
                            status: .sent, dueBy: dueBy, sentAt: opened?.description ?? warning.openedAt, basis: bases[domain])
        }
    }

    /// The plan for one delivery of `warning` given what the ledger already knows: an open
    /// warning sends what was never sent, amends what changed and re-sends what a resolution
    /// withdrew; a resolved one withdraws its referrals still open; a retracted one supersedes all.
    public func plan(_ warning: Warning, ledger: ReferralLedger, people: (String) -> PersonIdentity? = { _ in nil }) -> RoutingPlan {
        switch warning.status {
        case .open:
            var plan = RoutingPlan()
            for var r in referrals(for: warning, people: people) {
                if let e = ledger.entry(r.referralId) {
                    if e.state != .withdrawn, e.state != .superseded, Self.sameContent(e.referral, r) { continue }
                    r.revision = Self.sameContent(e.referral, r) ? e.referral.revision : (e.referral.revision ?? 0) + 1
                }
                let unnamed = r.needs.contains { $0.personKey != nil && $0.name == nil }
                if unnamed { plan.waiting.append(r) } else { plan.send.append(r) }
            }
            return plan
        case .resolved:
            // A referral made from another state of the warning than its last (a revision a correction
            // took back) is amended to that state first, so that what was decided on it is taken back.
            var plan = RoutingPlan()
            var open = warning
            open.status = .open
            for var r in referrals(for: open, people: people) {
                guard let e = ledger.entry(r.referralId), e.state != .superseded, e.state != .withdrawn,
                      !Self.sameContent(e.referral, r) else { continue }
                r.revision = (e.referral.revision ?? 0) + 1
                if !r.needs.contains(where: { $0.personKey != nil && $0.name == nil }) { plan.send.append(r) }
            }
            // The referral whose decision resolved the warning stands (its decision may still be on its way).
            // Every other one is withdrawn unless a decision dated by the resolution is known: which
            // referrals a resolution withdraws follows the dates, not the order decisions arrive in.
            let amended = plan.send
            let resolvedOn = warning.resolvedAt.flatMap { CivilDate(iso: $0) }
            let candidates: [Referral]
            if let resolvedOn {
                candidates = ledger.referrals(warningId: warning.warningId).filter { e in
                    !e.publishedWithdrawn && (e.decidedOn.map { $0 > resolvedOn } ?? true)
                }.map(\.referral)
            } else {
                candidates = ledger.openReferrals(warningId: warning.warningId)
            }
            plan.withdraw = candidates.filter { $0.referralId != warning.resolvedBy }.map { open in
                var r = amended.first(where: { $0.referralId == open.referralId }) ?? open
                r.status = .withdrawn
                return r
            }
            return plan
        case .retracted:
            return RoutingPlan(supersede: ledger.referrals(warningId: warning.warningId).map {
                var r = $0.referral; r.status = .superseded; return r
            })
        }
    }

    /// What a department sees, its revision number aside.
    public static func sameContent(_ a: Referral, _ b: Referral) -> Bool {
        var x = a, y = b
        x.revision = nil; y.revision = nil
        x.status = .sent; y.status = .sent
        return x == y
    }
}
