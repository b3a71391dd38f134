// The classifier's rules engine: one household profile, the facts seen in signals, the local
// standards and a date in; categories, needs, warnings, tasks and the decision record out.
// Pure and deterministic: no clock, no randomness, no I/O.

extension Classifier {
    /// Levels: red — emergency (§4.3), disaster (§4.2.5), serious illness whose costs exceed the
    /// burden share (§4.2.1, §4.5), tekun not covered or without care (§4.1.3, §4.4); orange —
    /// dibao or single-person dibao not covered, other illness or medical burden, urban no home or
    /// an unsafe rural house, care needs, special hardship; yellow — education, employment,
    /// other subsidies, too little urban living area, charity without heavy costs and every exit
    /// review. A warning takes the most severe level of its needs; its deadline is the region's.
    public static func evaluate(profile: HouseholdProfile, context: ClassificationContext,
                                standards: LocalStandards, asOf: CivilDate) -> Decision {
        let applied = standards.lookup(regionCode: profile.regionCode)
        let s = applied.values
        var reasons = [ClassifierRule.standards.reason(applied.summary)]
        let f = HouseholdFacts(profile: profile, context: context, standards: s, asOf: asOf)
        let cat = CategoryRules.evaluate(f, reasons: &reasons)

        let found = NeedRules.evaluate(f, cat)
        let assisted = DisposalRules.assisted(programs: profile.programs, categories: cat.categories)
        var basic = BasicLivingRules.evaluate(f, cat, asOf: asOf, reasons: &reasons)
        for i in basic.indices where basic[i].disposal == .notCovered {
            basic[i].disposal = DisposalRules.disposal(of: basic[i].need, assisted: assisted)
        }
        let specialised = DisposalRules.dispose(found, programs: profile.programs, assisted: assisted)
        // Every need, whatever happens to its warning (covered, held back by the gate, escalated).
        var needs = basic.map(\.need) + found.map(\.need)
        needs += specialised.filter { $0.disposal == .noLongerEligible }.map(\.need)
        // Domain order, keeping rule order within a domain (explicitly stable). The rules already
        // emit in domain order except for exit reviews, so most households skip the sort.
        if zip(needs, needs.dropFirst()).contains(where: { $0.domain.order > $1.domain.order }) {
            needs = needs.enumerated().sorted { ($0.element.domain.order, $0.offset) < ($1.element.domain.order, $1.offset) }
                .map(\.element)
        }

        var disposed = basic + specialised
        DisposalRules.escalateDenied(&disposed, denied: context.deniedReferralDomains)

        var tasks: [WorkTask] = []
        let task = TaskFactory(profile: profile, asOf: asOf)
        if !profile.verificationAuthorized {
            let held = disposed.filter { $0.disposal == .notCovered && !DisposalRules.ungatedDomains.contains($0.need.domain) }
            if !held.isEmpty {
                let domains = Domain.allCases.filter { d in held.contains { $0.need.domain == d } }.map(\.rawValue)
                reasons.append(ClassifierRule.authorizationGate.reason(
                    "verificationAuthorized=false; referrals held back: \(domains.joined(separator: ","))"))
                disposed.removeAll { $0.disposal == .notCovered && !DisposalRules.ungatedDomains.contains($0.need.domain) }
                tasks.append(task.make(.requestAuthorization, days: s.orangeDeadlineDays,
                                       reason: "authorise verification of family finances before referral (§4): "
                                       + domains.joined(separator: ",")))
            }
        }

        let categoryReason = reasons.first { $0.rule.hasPrefix("category.") }  // the primary category's
        let warnings = DisposalRules.group(disposed, reasonsFor: { domain, disposal, needs in
            var r = categoryReason.map { [$0] } ?? []
            r.append(disposalReason(domain, disposal, needs))
            return r
        }, deadline: s.deadlineDays)
        for w in warnings where w.disposal != .noLongerEligible || w.domain != .basicLiving {
            reasons.append(w.reasons[w.reasons.count - 1])
        }

        if profile.relativeOfStaff {
            reasons.append(ClassifierRule.staffRelative.reason("a member's close relative is assistance staff or a village official"))
            tasks.append(task.make(.staffRelativeReview, days: s.yellowDeadlineDays,
                                   reason: "relative of assistance staff or village official: review and record (备案)"))
        }
        if let exit = warnings.first(where: { $0.disposal == .noLongerEligible }) {
            // The programmes are the warning's needs, which its revisions keep current. A task is
            // issued once under its id: listing them here fixed whichever were held when it was
            // first issued, which depended on the order outcomes of one instant were read
            // (ConvergenceTests run C: the same task id with two contents).
            tasks.append(task.make(.verifyExit, days: exit.deadlineDays,
                                   reason: "verify before ending assistance (§3.4): the programmes are the warning's needs"))
        }
        if let special = warnings.first(where: { $0.disposal == .specialHardship }) {
            tasks.append(task.make(.caseConference, days: special.deadlineDays,
                                   reason: "special hardship: county coordination mechanism studies the case (§3.4)"))
        }

        return Decision(
            householdId: profile.householdId, regionCode: profile.regionCode, area: profile.area,
            profileVersion: profile.version, asOf: asOf, category: cat.primary, categories: cat.categories,
            singlePersonDibao: cat.singlePerson.map { f.members[$0].personRef },
            needs: needs, warnings: warnings, tasks: tasks,
            record: DecisionRecord(reasons: reasons, standardsVersion: applied.version, standardsPrefix: applied.prefix,
                                   householdSize: Int(f.n), perCapitaMonthlyFen: f.perCapitaMonthlyFen,
                                   dibaoStandardFen: f.dibaoStandardFen, edgeLineFen: f.edgeLineFen))
    }

    private static func disposalReason(_ domain: Domain, _ disposal: Disposal, _ needs: [Need]) -> Reason {
        let rule: ClassifierRule = switch disposal {
        case .notCovered: .notCovered
        case .policyNotImplemented: .policyNotImplemented
        case .specialHardship: .specialHardship
        case .noLongerEligible: .noLongerEligible
        }
        var detail = "domain=\(domain.rawValue) needs=\(needs.count) reasons="
        for (i, n) in needs.enumerated() { if i > 0 { detail += "," }; detail += n.reason }
        return rule.reason(detail)
    }
}

/// Deterministic task ids: one task of a kind per household and profile version, so that
/// re-evaluating the same version (a new signal, a replay) yields the same id.
struct TaskFactory {
    let profile: HouseholdProfile
    let asOf: CivilDate

    func make(_ kind: TaskKind, days: Int, reason: String) -> WorkTask {
        WorkTask(taskId: "t-\(profile.householdId)-\(kind.rawValue)-v\(profile.version)", householdId: profile.householdId,
                 regionCode: profile.regionCode, kind: kind, reason: reason, dueBy: asOf.adding(days: days).description)
    }
}

extension Domain {
    /// Declaration order, for sorting needs without a dictionary.
    var order: Int {
        switch self {
        case .basicLiving: 0; case .medical: 1; case .education: 2; case .housing: 3; case .employment: 4
        case .disaster: 5; case .emergency: 6; case .services: 7; case .charity: 8; case .other: 9; case .coordination: 10
        }
    }
}
