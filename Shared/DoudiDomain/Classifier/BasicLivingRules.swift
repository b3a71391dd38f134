// Basic-living needs (§4.1, RULES.md domain `basic-living`): eligible for tekun, dibao or
// single-person dibao and not receiving it (not_covered), or receiving it and no longer
// eligible (no_longer_eligible, with the §4.1.4 gradual exit for former registered poor).

/// Programme codes of the basic-living domain in `HouseholdProfile.programs`.
public enum BasicLivingProgram: String, CaseIterable, Sendable {
    case dibao, tekun
    case singlePersonDibao = "single_person_dibao"
    /// A household recognised as dibao-edge (低保边缘家庭认定), where the county records it as a programme.
    case dibaoEdge = "dibao_edge"
}

struct DisposedNeed {
    var need: Need
    var level: WarningLevel
    var disposal: Disposal
}

enum BasicLivingRules {
    static func evaluate(_ f: HouseholdFacts, _ cat: CategoryOutcome, asOf: CivilDate,
                         reasons: inout [Reason]) -> [DisposedNeed] {
        var out: [DisposedNeed] = []
        let held = f.profile.programs.filter { $0.domain == .basicLiving }
        let householdHeld = Set(held.filter { $0.personKey == nil }.map(\.program))
        let baseFacts = ["category": cat.primary.rawValue, "perCapitaMonthlyFen": String(f.perCapitaMonthlyFen),
                         "householdSize": String(f.n)]

        // Tekun is judged per person (特困人员认定办法): each tekun member not supported yet, by a
        // tekun programme of theirs or of the whole household, is a need of that person.
        for i in cat.tekunPersons {
            let m = f.members[i]
            let covered = held.contains { $0.program == BasicLivingProgram.tekun.rawValue && ($0.personKey == nil || $0.personKey == m.member.personKey) }
            guard !covered else { continue }
            var facts = baseFacts; facts["program"] = BasicLivingProgram.tekun.rawValue; facts["category"] = Category.tekun.rawValue
            if let g = m.disabilityGrade { facts["disabilityGrade"] = String(g) }
            out.append(.init(need: NeedRules.person(.basicLiving, m, "eligible_tekun", "§4.1.3", facts), level: .red,
                             disposal: .notCovered))
        }
        // Dibao for the household, unless every member is tekun (tekun support replaces it).
        if cat.categories.contains(.dibao), cat.tekunPersons.count < f.members.count,
           !householdHeld.contains(BasicLivingProgram.dibao.rawValue) {
            var facts = baseFacts; facts["program"] = BasicLivingProgram.dibao.rawValue
            out.append(.init(need: Need(domain: .basicLiving, reason: "eligible_dibao", clause: "§4.1.1", facts: facts),
                             level: .orange, disposal: .notCovered))
        }
        for i in cat.singlePerson {
            let m = f.members[i]
            let covered = held.contains { $0.program == BasicLivingProgram.singlePersonDibao.rawValue && $0.personKey == m.member.personKey }
            guard !covered else { continue }
            var facts = ["category": "single_person_dibao", "health": m.member.health.rawValue, "householdSize": "1"]
            if let g = m.disabilityGrade { facts["disabilityGrade"] = String(g) }
            out.append(.init(need: NeedRules.person(.basicLiving, m, "eligible_single_person_dibao", "§4.1.2", facts),
                             level: .orange, disposal: .notCovered))
        }
        for program in held {
            guard let reason = exitReason(program, f, cat, asOf: asOf, reasons: &reasons) else { continue }
            var facts = baseFacts; facts["program"] = program.program
            var need = Need(domain: .basicLiving, personKey: program.personKey, reason: reason, clause: "§3.4", facts: facts)
            if let key = program.personKey, let m = f.members.first(where: { $0.member.personKey == key }) {
                need = NeedRules.person(.basicLiving, m, reason, "§3.4", facts)
            }
            reasons.append(ClassifierRule.noLongerEligible.reason(
                "program=\(program.program) person=\(program.personKey == nil ? "household" : "member") category=\(cat.primary.rawValue)"))
            out.append(.init(need: need, level: .yellow, disposal: .noLongerEligible))
        }
        return out
    }

    /// Why a programme held now should end, or nil while the household (or person) still qualifies.
    private static func exitReason(_ p: Program, _ f: HouseholdFacts, _ cat: CategoryOutcome, asOf: CivilDate,
                                   reasons: inout [Reason]) -> String? {
        let inDibaoOrTekun = cat.primary == .tekun || cat.primary == .dibao
        switch BasicLivingProgram(rawValue: p.program) {
        case .tekun:
            guard let key = p.personKey else { return cat.tekunEligible ? nil : "no_longer_tekun" }
            guard let index = f.members.firstIndex(where: { $0.member.personKey == key }) else { return "not_a_member" }
            return cat.tekunPersons.contains(index) ? nil : "no_longer_tekun"
        case .singlePersonDibao:
            guard let key = p.personKey else { return inDibaoOrTekun ? nil : "no_longer_dibao" }
            guard let index = f.members.firstIndex(where: { $0.member.personKey == key }) else { return "not_a_member" }
            if cat.singlePerson.contains(index) || inDibaoOrTekun { return nil }
            return gradualExit(f, cat, asOf: asOf, reasons: &reasons) ? nil : "no_longer_single_person_dibao"
        case .dibaoEdge:
            return inDibaoOrTekun || cat.categories.contains(.dibaoEdge) ? nil : "no_longer_dibao_edge"
        case .dibao, nil:
            // A tekun-eligible household moves to tekun rather than leaving basic living.
            return inDibaoOrTekun ? nil : "no_longer_dibao"
        }
    }

    /// §4.1.4: a former registered poor single-person dibao case that is no longer low-income leaves
    /// only when the gradual-exit period has ended; one still low-income follows the ordinary
    /// dibao and edge rules (it leaves single-person dibao now). The period runs from the day the
    /// household stopped being low-income: the later of the day the classifier first found it so
    /// and the day rural revitalization removed it from monitoring (risk eliminated), a dated fact.
    /// Returns true while the exit waits.
    private static func gradualExit(_ f: HouseholdFacts, _ cat: CategoryOutcome, asOf: CivilDate,
                                    reasons: inout [Reason]) -> Bool {
        guard f.formerRegisteredPoor, !cat.isLowIncome else { return false }
        let since = [f.context.notLowIncomeSince, f.riskEliminatedOn].compactMap { $0 }.max() ?? asOf
        let ends = since.adding(months: f.standards.gradualExitMonths)
        let waiting = asOf < ends
        let cause = f.riskEliminatedOn.map { "risk eliminated on \($0); " } ?? ""
        reasons.append(ClassifierRule.gradualExit.reason(
            "former registered poor, \(cause)not low-income since \(since); gradualExitMonths=\(f.standards.gradualExitMonths) "
            + (waiting ? "exit deferred until \(ends)" : "period ended \(ends), exit now")))
        return waiting
    }
}
