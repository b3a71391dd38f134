// From needs to warnings (§3.4 预警处置, RULES.md "Early-warning disposal"): each need gets a
// disposal from the household's current programmes, needs are grouped by (domain, disposal),
// and the verification-authorisation gate (§4 preamble) holds back new referrals.

enum DisposalRules {
    /// §4 preamble: "如需获得救助，应授权…核查其家庭经济状况" applies to every new assistance, not only
    /// basic living; emergency and disaster relief are paid first (先行救助, §4.3) and not held back.
    static let ungatedDomains: Set<Domain> = [.emergency, .disaster]
    /// Temporary by nature: relief and case studies end by themselves, so holding them is never an exit.
    static let noExitReview: Set<Domain> = [.basicLiving, .emergency, .coordination]

    /// Specialised needs: covered by a programme of the domain (the person's or the household's),
    /// else not_covered (special_hardship for a hardship no policy covers); programmes whose need
    /// has gone are reviewed for exit.
    static func dispose(_ found: [FoundNeed], programs: [Program]) -> [DisposedNeed] {
        var out: [DisposedNeed] = []
        for f in found where !programs.contains(where: { covers($0, f.need) }) {
            out.append(.init(need: f.need, level: f.level,
                             disposal: f.need.domain == .coordination ? .specialHardship : .notCovered))
        }
        for p in programs where !noExitReview.contains(p.domain) {
            let stillNeeded = found.contains { $0.need.domain == p.domain && (p.personKey == nil || $0.need.personKey == p.personKey) }
            guard !stillNeeded else { continue }
            let need = Need(domain: p.domain, personKey: p.personKey, reason: "no_longer_eligible", clause: "§3.4",
                            facts: ["program": p.program])
            out.append(.init(need: need, level: .yellow, disposal: .noLongerEligible))
        }
        return out
    }

    static func covers(_ p: Program, _ need: Need) -> Bool {
        p.domain == need.domain && (p.personKey == nil || p.personKey == need.personKey)
    }

    /// Every referral of these domains was denied with the hardship remaining: the county
    /// coordination mechanism studies the case instead (special_hardship, §3.4).
    static func escalateDenied(_ needs: inout [DisposedNeed], denied: Set<Domain>) {
        guard !denied.isEmpty else { return }
        let list = denied.map(\.rawValue).sorted().joined(separator: ",")
        for i in needs.indices where needs[i].disposal == .notCovered && denied.contains(needs[i].need.domain) {
            needs[i].disposal = .specialHardship
            needs[i].need.facts["deniedDomains"] = list
            needs[i].level = min(needs[i].level, .orange)
        }
    }

    /// Groups needs into warnings by (domain, disposal), in domain then disposal order; the level
    /// is the most severe of its needs. Sorts indices only: needs are copied once, into their warning.
    static func group(_ needs: [DisposedNeed], reasonsFor: (Domain, Disposal, [Need]) -> [Reason],
                      deadline: (WarningLevel) -> Int) -> [Classifier.RaisedWarning] {
        func slot(_ i: Int) -> Int { needs[i].need.domain.order * 4 + needs[i].disposal.order }
        let order = needs.indices.sorted { (slot($0), $0) < (slot($1), $1) }
        var out: [Classifier.RaisedWarning] = []
        var start = 0
        while start < order.count {
            let first = needs[order[start]]
            var end = start, level = WarningLevel.yellow
            var members: [Need] = []
            while end < order.count, slot(order[end]) == slot(order[start]) {
                members.append(needs[order[end]].need)
                level = min(level, needs[order[end]].level)
                end += 1
            }
            out.append(.init(domain: first.need.domain, disposal: first.disposal, level: level, needs: members,
                             reasons: reasonsFor(first.need.domain, first.disposal, members), deadlineDays: deadline(level)))
            start = end
        }
        return out
    }
}

extension Disposal {
    /// Declaration order (policy_not_implemented, not_covered, special_hardship, no_longer_eligible).
    var order: Int {
        switch self { case .policyNotImplemented: 0; case .notCovered: 1; case .specialHardship: 2; case .noLongerEligible: 3 }
    }
}
