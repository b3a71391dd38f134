// From needs to warnings (§3.2 监测内容, §3.4 预警处置, RULES.md "Early-warning disposal"): each
// need gets a disposal from the household's current programmes — a household already assisted
// whose related benefit has not landed is policy_not_implemented (§3.2: "重点监测相关社会救助政策
// 是否落实到位"), one in no programme is not_covered —, needs are grouped by (domain, disposal),
// and the verification-authorisation gate (§4 preamble) holds back new referrals.

enum DisposalRules {
    /// §4 preamble: "如需获得救助，应授权…核查其家庭经济状况" applies to every new assistance, not only
    /// basic living; emergency and disaster relief are paid first (先行救助, §4.3) and not held back.
    static let ungatedDomains: Set<Domain> = [.emergency, .disaster]
    /// Temporary by nature: relief, disaster aid by phase and case studies end by themselves, so
    /// holding them is never an exit.
    static let noExitReview: Set<Domain> = [.basicLiving, .emergency, .disaster, .coordination]

    /// §3.2: the household is already in social assistance — it holds a programme (dibao, tekun,
    /// single-person dibao, a recognised edge status, temporary relief or any special assistance)
    /// or rural revitalization lists it as at risk (a recognised 易返贫致贫 household, §2.1.3).
    static func assisted(programs: [Program], categories: [Category]) -> Bool {
        !programs.isEmpty || categories.contains(.atRisk)
    }

    /// The disposal of a need that no programme covers.
    static func disposal(of need: Need, assisted: Bool) -> Disposal {
        if need.domain == .coordination { return .specialHardship }
        return assisted ? .policyNotImplemented : .notCovered
    }

    /// Specialised needs: covered by a programme of the domain (the person's or the household's),
    /// else policy_not_implemented for an assisted household and not_covered for one in no
    /// programme (special_hardship for a hardship no policy covers); programmes whose need has
    /// gone are reviewed for exit.
    static func dispose(_ found: [FoundNeed], programs: [Program], assisted: Bool) -> [DisposedNeed] {
        var out: [DisposedNeed] = []
        for f in found where !programs.contains(where: { covers($0, f.need) }) {
            out.append(.init(need: f.need, level: f.level, disposal: disposal(of: f.need, assisted: assisted)))
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

    /// A programme of the need's domain, the person's or the household's. Disaster aid is given by
    /// phase (§4.2.5): only the programme of the need's phase covers it, so a later phase is referred.
    static func covers(_ p: Program, _ need: Need) -> Bool {
        guard p.domain == need.domain && (p.personKey == nil || p.personKey == need.personKey) else { return false }
        if need.domain == .disaster, let phase = need.facts["phase"], let program = DisasterRules().phases[phase]?.program {
            return p.program == program
        }
        return true
    }

    /// Every referral of these domains was denied with the hardship remaining: the county
    /// coordination mechanism studies the case instead (special_hardship, §3.4).
    static func escalateDenied(_ needs: inout [DisposedNeed], denied: Set<Domain>) {
        guard !denied.isEmpty else { return }
        let list = denied.map(\.rawValue).sorted().joined(separator: ",")
        for i in needs.indices where (needs[i].disposal == .notCovered || needs[i].disposal == .policyNotImplemented)
            && denied.contains(needs[i].need.domain) {
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
