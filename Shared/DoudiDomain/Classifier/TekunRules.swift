// Tekun (特困人员, §2.1.2, §4.1.3), judged per person as the national tekun identification
// measures of 2021 (特困人员认定办法, 民发〔2021〕43号) define it: a person is tekun who
//   - has no labour ability (第六条: 60 or over; under 16, or under 18 at school; a listed disability),
//   - has no means of living (第七条: own income below the local dibao standard, leaving out the
//     incomes the measures exclude — residents' basic pension, old-age allowance, disability
//     living and care subsidies, special-care benefits —, and property within the local limits),
//   - and has no legal supporter, or none able to support (第八条 – 第十条).

struct TekunPerson {
    let index: Int
    let detail: String
}

enum TekunRules {
    /// The members who are tekun, in member order.
    static func persons(_ f: HouseholdFacts) -> [TekunPerson] {
        guard f.n > 0 else { return [] }
        var out: [TekunPerson] = []
        for (i, m) in f.members.enumerated() where m.hasNoLaborAbility {
            guard noMeansOfLiving(f, m) else { continue }
            guard f.tekunAssetsWithinLimits else { continue }
            if ableSupporter(for: i, in: f) != nil { continue }
            let age = m.age.map(String.init) ?? "?"
            out.append(TekunPerson(index: i, detail: "member \(i + 1): no labour ability (age \(age)"
                + (m.hasListedDisability ? ", disability grade \(m.disabilityGrade ?? 0)" : "") + "), countable income "
                + "\(countableMonthlyFen(f, m)) < dibao \(f.dibaoStandardFen) fen/month (exempt \(m.exemptMonthlyFen)), "
                + "assets within the tekun limit \(f.tekunAssetLimitFen), no supporter able to support"))
        }
        return out
    }

    /// The person's own monthly income: as declared for the member, else the household's own
    /// income shared per person (supporters' payments are weighed as supporters, not as income).
    static func ownMonthlyFen(_ f: HouseholdFacts, _ m: MemberFacts) -> Int64 {
        if let own = m.member.monthlyIncomeFen { return max(0, own) }
        return f.ownIncomeFen / (12 * f.n)
    }

    static func countableMonthlyFen(_ f: HouseholdFacts, _ m: MemberFacts) -> Int64 {
        max(0, ownMonthlyFen(f, m) - m.exemptMonthlyFen)
    }

    /// 第七条: countable income below the dibao standard. Exact: a share of household income is
    /// compared on the annual total (share − exempt < standard ⇔ income − 12·n·exempt < 12·n·standard).
    static func noMeansOfLiving(_ f: HouseholdFacts, _ m: MemberFacts) -> Bool {
        if let own = m.member.monthlyIncomeFen { return max(0, own) - m.exemptMonthlyFen < f.dibaoStandardFen }
        return f.ownIncomeFen - 12 * f.n * m.exemptMonthlyFen < f.dibaoAnnualLineFen
    }

    /// Who can support member `i`: a supporter outside the household able to support, or another
    /// adult member able to; nil when nobody can. The description names no one.
    static func ableSupporter(for i: Int, in f: HouseholdFacts) -> String? {
        if let s = f.profile.supporters.firstIndex(where: { isAbleSupporter($0, f) }) { return "supporter \(s + 1)" }
        for (j, other) in f.members.enumerated() where j != i && isAbleMember(other, f) { return "member \(j + 1)" }
        return nil
    }

    /// A supporter outside the household. Paying support shows the ability; otherwise a legal
    /// supporter is able unless 第十条 says not: aged 70 or more, or severely disabled, without an
    /// income of their own (not in work); seriously ill and not in work (the provinces' 其他情形,
    /// 第十条(六), as the suite reads it).
    static func isAbleSupporter(_ s: Supporter, _ f: HouseholdFacts) -> Bool {
        if s.annualSupportFen > 0 { return true }
        let working = s.occupation == .employed || s.occupation == .selfEmployed
        if s.health == .seriousIllness && !working { return false }
        let age = s.idNumber.utf8.count == 18
            ? MemberFacts.digitsDate(s.idNumber, at: 6, separated: false).map { $0.age(on: f.asOf) } : nil
        if let age, age < 18 { return false }   // a minor has no duty to support
        if (age ?? 0) >= 70 && !working { return false }
        if s.health == .disabled && !working { return false }
        return true
    }

    /// Another member of the household as a legal supporter (spouse, adult child, parent): able
    /// unless a minor, or one of 第十条's cases — in need of tekun support themselves (no labour
    /// ability and no means), 60 or over in a household within the dibao line, 70 or over or
    /// severely disabled with an income below last year's per-capita disposable income — or
    /// seriously ill and not in work (第十条(六)).
    static func isAbleMember(_ m: MemberFacts, _ f: HouseholdFacts) -> Bool {
        guard let age = m.age, age >= 18 else { return false }
        let working = m.member.occupation == .employed || m.member.occupation == .selfEmployed || (m.member.monthlyIncomeFen ?? 0) > 0
        if m.seriouslyIll && !working { return false }
        if m.hasNoLaborAbility && noMeansOfLiving(f, m) { return false }
        if age >= 60 && f.incomeBelowDibao && f.assetsWithinLimits { return false }
        let ownAnnual = ownMonthlyFen(f, m) * 12
        let belowDisposable = ownAnnual < f.standards.disposableIncomeAnnualFen(f.profile.area)
        if (age >= 70 || m.severelyDisabled) && belowDisposable { return false }
        return true
    }
}
