// The amounts of basic-living assistance (§4.1): dibao as the difference between the local
// standard and the household's per-capita income (§4.1.1, 差额救助), single-person dibao for one
// person as a household of one (§4.1.2, 参照"单人户"), tekun support as the basic living standard
// plus a care subsidy by care level (§4.1.3), and the end of assistance after a verified
// `no_longer_eligible` (§3.4). Every decision names its rule, clause and the rules and standards
// versions it used. Pure: the same need, rules and standard give the same decision.

/// The basic-living programmes (codes as in `HouseholdProfile.programs`).
public enum LivingProgramme: String, Codable, Sendable, CaseIterable {
    case dibao, tekun
    case singlePersonDibao = "single_person_dibao"

    public var clause: String {
        switch self { case .dibao: "§4.1.1"; case .singlePersonDibao: "§4.1.2"; case .tekun: "§4.1.3" }
    }

    /// Held by the household (dibao) or by a person (tekun, single-person dibao).
    public var isPersonal: Bool { self != .dibao }

    /// The programme a need asks for, from its reason (the router passes no `program` fact):
    /// `eligible_<p>` and `no_longer_<p>`; nil for a reason that names none (`not_a_member`).
    public init?(reason: String) {
        for p in Self.allCases where reason == "eligible_\(p.rawValue)" || reason == "no_longer_\(p.rawValue)" { self = p; return }
        return nil
    }
}

/// The local dibao standard that applies to a case (the classifier's standards file).
public struct LivingStandard: Sendable, Equatable, Codable {
    public var dibaoMonthlyFen: Int64
    public var version: String
    public init(dibaoMonthlyFen: Int64, version: String) { self.dibaoMonthlyFen = dibaoMonthlyFen; self.version = version }
}

/// One programme decided for one need: granted with a monthly amount, or denied; `established`
/// says whether the facts alone establish it (the automatic path may then confirm it).
public struct LivingDecision: Codable, Sendable, Equatable {
    public var program: String
    public var personKey: String?
    public var granted: Bool
    public var monthlyFen: Int64?
    public var established: Bool
    public var rule: String
    public var clause: String
    /// The values used, the rules and the standards version (the outcome's reason).
    public var detail: String
    public var careLevel: CareLevel?
    public var rulesVersion: String
    public var standardsVersion: String

    public var reason: String { "\(rule) (\(clause)): \(detail); rules \(rulesVersion), standards \(standardsVersion)" }
}

/// Facts an operator verified at review that replace the referral's (the county's 审核).
public struct VerifiedFacts: Codable, Sendable, Equatable {
    public var perCapitaMonthlyFen: Int64?
    public var householdSize: Int64?
    public var careLevel: CareLevel?
    public init(perCapitaMonthlyFen: Int64? = nil, householdSize: Int64? = nil, careLevel: CareLevel? = nil) {
        self.perCapitaMonthlyFen = perCapitaMonthlyFen; self.householdSize = householdSize; self.careLevel = careLevel
    }
}

public enum LivingAssessment {
    /// The monthly dibao amount for `members` people at `perCapita` income under `standard`: 0 when
    /// the income is not below the standard, else the gap times the members, at least the minimum
    /// (per household, or per person times the members, as `basis` says).
    public static func dibaoAmount(perCapita: Int64, members: Int64, standard: Int64, policy: BasicLivingPolicy) -> Int64 {
        let n = max(1, members)
        guard perCapita < standard else { return 0 }
        let gap = standard - max(0, perCapita)
        switch policy.amountBasis {
        case .perHousehold: return max(policy.minimumMonthlyFen, FenMath.product(gap, n))
        case .perPerson: return FenMath.product(max(policy.minimumMonthlyFen, gap), n)
        }
    }

    /// Tekun support: the basic living standard (dibao × permille) plus the care subsidy.
    public static func tekunAmount(standard: Int64, care: CareLevel, policy: BasicLivingPolicy) -> Int64 {
        FenMath.fraction(standard, times: policy.tekunBasicPermille, over: 1_000) + policy.careSubsidy(care)
    }

    /// The decision for one admission need (`eligible_dibao`, `eligible_tekun`,
    /// `eligible_single_person_dibao`); `verified` replaces referral facts an operator checked.
    public static func assess(_ need: Need, policy: BasicLivingPolicy, standard: LivingStandard,
                              verified: VerifiedFacts? = nil) -> LivingDecision {
        let base = LivingDecision(program: need.reason, personKey: need.personKey, granted: false, monthlyFen: nil, established: false,
                                  rule: "basic_living.unknown", clause: "§4.1", detail: "", careLevel: nil,
                                  rulesVersion: policy.version, standardsVersion: standard.version)
        guard let programme = LivingProgramme(reason: need.reason) else {
            var d = base
            d.detail = "the need names no basic-living programme (reason \(need.reason)): review by hand"
            return d
        }
        var d = base
        d.program = programme.rawValue
        d.clause = programme.clause
        d.personKey = programme.isPersonal ? need.personKey : nil
        let std = standard.dibaoMonthlyFen
        switch programme {
        case .dibao:
            d.rule = "basic_living.dibao.amount"
            let perCapita = verified?.perCapitaMonthlyFen ?? need.integer("perCapitaMonthlyFen")
            let size = verified?.householdSize ?? need.integer("householdSize")
            guard let perCapita, let size, size >= 1, size <= 100 else {
                d.detail = "per-capita income or household size not given: the county verifies them"
                return d
            }
            d.established = true
            guard perCapita < std else {
                d.detail = "per-capita income \(FenMath.yuan(perCapita)) is not below the standard \(FenMath.yuan(std))"
                return d
            }
            let amount = dibaoAmount(perCapita: perCapita, members: size, standard: std, policy: policy)
            d.granted = true; d.monthlyFen = amount
            d.detail = "(\(FenMath.yuan(std)) − \(FenMath.yuan(perCapita))) for \(size) \(size == 1 ? "member" : "members") "
                + "\(policy.amountBasis.rawValue), minimum \(FenMath.yuan(policy.minimumMonthlyFen)) = \(FenMath.yuan(amount)) a month"
        case .singlePersonDibao:
            d.rule = "basic_living.single_person_dibao.amount"
            let grade = need.facts["disabilityGrade"], health = need.facts["health"]
            d.established = need.facts["category"] == "single_person_dibao"
                && (grade == "1" || grade == "2" || health == Health.seriousIllness.rawValue || grade == "3")
            guard d.established || verified != nil else {
                d.detail = "severe disability or serious illness not shown by the referral: the county verifies it"
                return d
            }
            d.established = true
            let own = verified?.perCapitaMonthlyFen ?? need.integer("perCapitaMonthlyFen") ?? 0
            let amount = dibaoAmount(perCapita: own, members: 1, standard: std, policy: policy)
            guard amount > 0 else {
                d.detail = "own income \(FenMath.yuan(own)) is not below the standard \(FenMath.yuan(std))"
                return d
            }
            d.granted = true; d.monthlyFen = amount
            d.detail = "a household of one: \(FenMath.yuan(std)) − own income \(FenMath.yuan(own)), minimum "
                + "\(FenMath.yuan(policy.minimumMonthlyFen)) = \(FenMath.yuan(amount)) a month"
        case .tekun:
            d.rule = "basic_living.tekun.support"
            d.established = need.facts["category"] == Category.tekun.rawValue || verified != nil
            guard d.established else {
                d.detail = "the referral does not show the person tekun: the county verifies it"
                return d
            }
            let care = verified?.careLevel ?? policy.careLevel(health: need.facts["health"], disabilityGrade: need.facts["disabilityGrade"])
            let amount = tekunAmount(standard: std, care: care, policy: policy)
            d.granted = true; d.monthlyFen = amount; d.careLevel = care
            d.detail = "basic living standard \(FenMath.yuan(FenMath.fraction(std, times: policy.tekunBasicPermille, over: 1_000))) "
                + "(\(policy.tekunBasicPermille)‰ of \(FenMath.yuan(std))) + care subsidy \(FenMath.yuan(policy.careSubsidy(care))) "
                + "(care level \(care.rawValue)) = \(FenMath.yuan(amount)) a month"
        }
        return d
    }

    /// The decision on an exit need (`no_longer_<programme>`, `not_a_member`): established when
    /// its reason names the end; the programme may come from what the household holds.
    public static func exit(_ need: Need, program: String?, policy: BasicLivingPolicy, standard: LivingStandard) -> LivingDecision {
        let named = LivingProgramme(reason: need.reason)?.rawValue
        let p = named ?? program ?? "basic_living"
        return LivingDecision(program: p, personKey: need.personKey, granted: false, monthlyFen: nil,
                              established: need.reason.hasPrefix("no_longer_") || need.reason == "not_a_member",
                              rule: "basic_living.exit", clause: "§3.4",
                              detail: "no longer eligible (\(need.reason)): assistance ends after verification"
                                + (p == LivingProgramme.singlePersonDibao.rawValue ? "; a former registered poor case after its gradual-exit period (§4.1.4)" : ""),
                              careLevel: nil, rulesVersion: policy.version, standardsVersion: standard.version)
    }
}
