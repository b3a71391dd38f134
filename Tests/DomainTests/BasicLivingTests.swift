// The basic-living domain: amounts per programme (§4.1.1–§4.1.3), the rules file's values, the
// review path of a case (初审, 审核确认, the automatic path), amount changes and suspension from
// the registry, exits (§3.4), and the payroll planner (one entry per line and month, revisions
// and cancellations when a late fact changes a month, the same result in any order).
import Foundation
import XCTest
@testable import DoudiDomain

final class BasicLivingTests: XCTestCase {
    let standard = LivingStandard(dibaoMonthlyFen: 80_000, version: "default")

    func dibaoNeed(perCapita: Int64? = 30_000, size: Int64? = 3) -> Need {
        var facts = ["category": "dibao"]
        if let perCapita { facts["perCapitaMonthlyFen"] = String(perCapita) }
        if let size { facts["householdSize"] = String(size) }
        return Need(domain: .basicLiving, reason: "eligible_dibao", clause: "§4.1.1", facts: facts)
    }

    func referral(_ id: String = "ref-w-1-basic-living", needs: [Need], disposal: Disposal = .notCovered, status: ReferralStatus = .sent,
                  revision: Int? = nil, region: String = "140105001") -> Referral {
        Referral(referralId: id, warningId: "w-1", householdId: "hh-1", domain: .basicLiving, regionCode: region, area: .urban,
                 disposal: disposal, level: .orange, category: .dibao, needs: needs, status: status, dueBy: "2026-03-09",
                 sentAt: "2026-03-02", revision: revision, basis: "b1")
    }

    // MARK: amounts

    func testDibaoAmountPerHouseholdAndPerPersonWithMinimum() {
        var p = BasicLivingPolicy()
        XCTAssertEqual(LivingAssessment.dibaoAmount(perCapita: 30_000, members: 3, standard: 80_000, policy: p), 150_000)
        XCTAssertEqual(LivingAssessment.dibaoAmount(perCapita: 79_000, members: 1, standard: 80_000, policy: p), 3_000, "the minimum per household")
        XCTAssertEqual(LivingAssessment.dibaoAmount(perCapita: 79_000, members: 2, standard: 80_000, policy: p), 3_000)
        XCTAssertEqual(LivingAssessment.dibaoAmount(perCapita: 80_000, members: 2, standard: 80_000, policy: p), 0, "not below the standard")
        p.amountBasis = .perPerson
        XCTAssertEqual(LivingAssessment.dibaoAmount(perCapita: 79_000, members: 2, standard: 80_000, policy: p), 6_000, "the minimum per person")
        XCTAssertEqual(LivingAssessment.dibaoAmount(perCapita: 30_000, members: 3, standard: 80_000, policy: p), 150_000)
    }

    func testDecisionsCiteRuleClauseAndVersions() {
        let d = LivingAssessment.assess(dibaoNeed(), policy: BasicLivingPolicy(), standard: standard)
        XCTAssertTrue(d.granted && d.established)
        XCTAssertEqual(d.monthlyFen, 150_000)
        XCTAssertEqual(d.program, "dibao")
        XCTAssertNil(d.personKey)
        XCTAssertTrue(d.reason.hasPrefix("basic_living.dibao.amount (§4.1.1)"), d.reason)
        XCTAssertTrue(d.reason.hasSuffix("rules 2021-default, standards default"), d.reason)

        let missing = LivingAssessment.assess(dibaoNeed(perCapita: nil), policy: BasicLivingPolicy(), standard: standard)
        XCTAssertFalse(missing.established, "without the income the county verifies")
        let verified = LivingAssessment.assess(dibaoNeed(perCapita: nil), policy: BasicLivingPolicy(), standard: standard,
                                               verified: VerifiedFacts(perCapitaMonthlyFen: 50_000))
        XCTAssertEqual(verified.monthlyFen, 90_000)
        let above = LivingAssessment.assess(dibaoNeed(perCapita: 90_000), policy: BasicLivingPolicy(), standard: standard)
        XCTAssertTrue(above.established && !above.granted)
    }

    func testTekunIsTheBasicStandardPlusCareByLevel() {
        let p = BasicLivingPolicy()
        func tekun(_ facts: [String: String]) -> LivingDecision {
            LivingAssessment.assess(Need(domain: .basicLiving, personKey: "pk1", reason: "eligible_tekun", clause: "§4.1.3",
                                         facts: facts.merging(["category": "tekun"]) { a, _ in a }), policy: p, standard: standard)
        }
        let full = tekun(["disabilityGrade": "1"]), partial = tekun(["health": "serious_illness"]), none = tekun(["health": "healthy"])
        XCTAssertEqual(full.careLevel, .full); XCTAssertEqual(full.monthlyFen, 104_000 + 60_000)
        XCTAssertEqual(partial.careLevel, .partial); XCTAssertEqual(partial.monthlyFen, 104_000 + 30_000)
        XCTAssertEqual(none.careLevel, CareLevel.none); XCTAssertEqual(none.monthlyFen, 104_000)
        XCTAssertEqual(full.personKey, "pk1", "tekun is held by the person")
        XCTAssertEqual(full.clause, "§4.1.3")
    }

    func testSinglePersonDibaoIsAHouseholdOfOne() {
        let need = Need(domain: .basicLiving, personKey: "pk2", reason: "eligible_single_person_dibao", clause: "§4.1.2",
                        facts: ["category": "single_person_dibao", "disabilityGrade": "2", "householdSize": "1"])
        let d = LivingAssessment.assess(need, policy: BasicLivingPolicy(), standard: standard)
        XCTAssertTrue(d.granted && d.established)
        XCTAssertEqual(d.monthlyFen, 80_000)
        XCTAssertEqual(d.program, "single_person_dibao"); XCTAssertEqual(d.personKey, "pk2")
    }

    // MARK: rules file values

    func testPolicyProblemsNameTheField() throws {
        let rules = try JSONDecoder().decode(RegionalRules<BasicLivingPolicy>.self, from: Data("""
            { "default": { "minimumMonthlyFen": -1 },
              "regions": { "1401": { "tekunBasicPermille": 900, "careSubsidyFen": { "most": 1 } } } }
            """.utf8))
        let problems = rules.problems { "name-of-\($0)" }
        XCTAssertEqual(problems, ["default.minimumMonthlyFen: must not be negative (fen)",
                                  "regions.1401 (name-of-1401).tekunBasicPermille: 900 is outside 1000–5000 (the national floor is 1300, 1.3 times the dibao standard)",
                                  "regions.1401 (name-of-1401).careSubsidyFen.most: not a care level (full, partial, none)"])
        XCTAssertThrowsError(try JSONDecoder().decode(RegionalRules<BasicLivingPolicy>.self,
                                                      from: Data(#"{"default": {"amountBasis": "per_family"}}"#.utf8)))
    }

    // MARK: cases

    func testAutomaticPathConfirmsAtTheReferralsTime() {
        var h = LivingHousehold(cases: [])
        let out = h.receive(referral(needs: [dibaoNeed()]), on: CivilDate(iso: "2026-03-02")!, at: "2026-03-02T09:00:00+08:00", rules: LivingRules())
        XCTAssertEqual(out.map(\.status), [.accepted, .granted])
        XCTAssertEqual(out[1].amountFen, 150_000)
        XCTAssertEqual(out[1].basis, "b1", "the referral's basis is echoed")
        XCTAssertEqual(out.map(\.outcomeId), ["out-ref-w-1-basic-living-accepted", "out-ref-w-1-basic-living-dibao-granted"])
        let c = h.cases[0]
        XCTAssertEqual(c.stage, .confirmed)
        XCTAssertEqual(c.reviews.map(\.step), [.preliminary, .confirmation])
        XCTAssertTrue(c.reviews.allSatisfy { $0.automatic && $0.by == "rules 2021-default" })
        XCTAssertEqual(c.lines.map(\.startMonth), [PayrollMonth("2026-03")!])
        // The same referral again: nothing.
        XCTAssertEqual(h.receive(referral(needs: [dibaoNeed()]), on: CivilDate(iso: "2026-03-05")!, at: "x", rules: LivingRules()), [])
    }

    func testManualPathWaitsForTownshipThenCounty() throws {
        var policy = BasicLivingPolicy(); policy.autoReview = .manual
        let rules = LivingRules(policies: RegionalRules(regions: ["1401": policy]))
        var h = LivingHousehold(cases: [])
        let day = CivilDate(iso: "2026-03-02")!
        XCTAssertEqual(h.receive(referral(needs: [dibaoNeed()]), on: day, at: "t0", rules: rules).map(\.status), [.accepted])
        XCTAssertEqual(h.cases[0].waitingFor, .preliminary)
        XCTAssertThrowsError(try h.review(caseId: h.cases[0].caseId, step: .confirmation, passed: true, by: "c", note: nil, verified: nil,
                                          on: day, at: "t1", rules: rules))
        XCTAssertEqual(try h.review(caseId: "ref-w-1-basic-living", step: .preliminary, passed: true, by: "township-1", note: nil,
                                    verified: nil, on: day, at: "t1", rules: rules), [])
        XCTAssertEqual(h.cases[0].waitingFor, .confirmation)
        let granted = try h.review(caseId: "ref-w-1-basic-living", step: .confirmation, passed: true, by: "county-1", note: nil,
                                   verified: VerifiedFacts(perCapitaMonthlyFen: 40_000), on: CivilDate(iso: "2026-04-03")!, at: "t2", rules: rules)
        XCTAssertEqual(granted.map(\.status), [.granted])
        XCTAssertEqual(granted[0].amountFen, 120_000, "the county's verified income")
        XCTAssertEqual(h.cases[0].lines[0].startMonth, PayrollMonth("2026-04"))

        // Delegated confirmation: the township's review confirms.
        policy.confirmedBy = .township
        let delegated = LivingRules(policies: RegionalRules(regions: ["1401": policy]))
        var d = LivingHousehold(cases: [])
        _ = d.receive(referral(needs: [dibaoNeed()]), on: day, at: "t0", rules: delegated)
        let denied = try d.review(caseId: "ref-w-1-basic-living", step: .preliminary, passed: false, by: "township-1", note: "assets over the limit",
                                  verified: nil, on: day, at: "t1", rules: delegated)
        XCTAssertEqual(denied.map(\.status), [.denied])
        XCTAssertTrue(denied[0].reason.contains("assets over the limit"))
        XCTAssertEqual(d.cases[0].stage, .denied)
    }

    func testIncomeRiseChangesTheAmountThenSuspendsThenTheExitEndsTheLine() {
        var h = LivingHousehold(cases: [])
        let rules = LivingRules()
        _ = h.receive(referral(needs: [dibaoNeed()]), on: CivilDate(iso: "2026-03-02")!, at: "2026-03-02T09:00:00+08:00", rules: rules)
        // Income rises in April: per-capita 50,000 for 3 → 90,000 from May.
        let change = h.registry(perCapitaMonthlyFen: 50_000, members: 3, ownIncome: [:], asOf: CivilDate(iso: "2026-04-10")!,
                                at: "2026-04-10T00:00:00+08:00", rules: rules)
        XCTAssertEqual(change.map(\.status), [.granted]); XCTAssertEqual(change[0].amountFen, 90_000)
        XCTAssertEqual(change[0].outcomeId, "out-ref-w-1-basic-living-dibao-m2026-05-90000")
        XCTAssertEqual(h.registry(perCapitaMonthlyFen: 50_000, members: 3, ownIncome: [:], asOf: CivilDate(iso: "2026-04-10")!,
                                  at: "2026-04-10T00:00:00+08:00", rules: rules), [], "the same facts again change nothing")
        // Above the standard in May: suspended from June, no outcome.
        XCTAssertEqual(h.registry(perCapitaMonthlyFen: 85_000, members: 3, ownIncome: [:], asOf: CivilDate(iso: "2026-05-10")!,
                                  at: "2026-05-10T00:00:00+08:00", rules: rules), [])
        let line = h.cases[0].lines[0]
        XCTAssertEqual([3, 4, 5, 6].map { line.amount(in: PayrollMonth(year: 2026, month: $0)!) }, [150_000, 150_000, 90_000, 0])
        // The exit referral, verified at its time: closed, last month June.
        let exitNeed = Need(domain: .basicLiving, reason: "no_longer_dibao", clause: "§3.4", facts: ["category": "dibao_edge"])
        let out = h.receive(referral("ref-w-2-basic-living", needs: [exitNeed], disposal: .noLongerEligible),
                            on: CivilDate(iso: "2026-06-03")!, at: "2026-06-03T09:00:00+08:00", rules: rules)
        XCTAssertEqual(out.map(\.status), [.accepted, .closed])
        XCTAssertEqual(out[1].program, "dibao"); XCTAssertNil(out[1].personKey)
        XCTAssertEqual(h.cases.first { $0.caseId == "ref-w-1-basic-living" }?.lines[0].endMonth, PayrollMonth("2026-06"))
    }

    func testExitWaitsForVerificationWhenTheRegionSaysSo() throws {
        var policy = BasicLivingPolicy(); policy.autoExit = false
        let rules = LivingRules(policies: RegionalRules(defaults: policy))
        var h = LivingHousehold(cases: [])
        _ = h.receive(referral(needs: [dibaoNeed()]), on: CivilDate(iso: "2026-03-02")!, at: "t0", rules: rules)
        let exitNeed = Need(domain: .basicLiving, reason: "no_longer_dibao", clause: "§3.4")
        let out = h.receive(referral("ref-x", needs: [exitNeed], disposal: .noLongerEligible), on: CivilDate(iso: "2026-05-02")!, at: "t1", rules: rules)
        XCTAssertEqual(out.map(\.status), [.accepted])
        _ = try h.review(caseId: "ref-x", step: .preliminary, passed: true, by: "t", note: "home visit: income confirmed", verified: nil,
                         on: CivilDate(iso: "2026-05-04")!, at: "t2", rules: rules)
        let closed = try h.review(caseId: "ref-x", step: .confirmation, passed: true, by: "c", note: nil, verified: nil,
                                  on: CivilDate(iso: "2026-05-06")!, at: "t3", rules: rules)
        XCTAssertEqual(closed.map(\.status), [.closed])
        XCTAssertEqual(h.cases.first { $0.caseId == "ref-w-1-basic-living" }?.lines[0].endMonth, PayrollMonth("2026-05"))
    }

    func testASecondReferralForAProgrammeAlreadyPaidOpensNoSecondLine() {
        var h = LivingHousehold(cases: [])
        _ = h.receive(referral(needs: [dibaoNeed()]), on: CivilDate(iso: "2026-03-02")!, at: "t0", rules: LivingRules())
        var again = referral("ref-w-9-basic-living", needs: [dibaoNeed()])
        again.disposal = .policyNotImplemented
        let out = h.receive(again, on: CivilDate(iso: "2026-04-12")!, at: "t1", rules: LivingRules())
        XCTAssertEqual(out.map(\.status), [.accepted, .granted])
        XCTAssertTrue(out[1].reason.hasPrefix("already paid under case ref-w-1-basic-living"), out[1].reason)
        XCTAssertEqual(h.cases.flatMap(\.lines).count, 1, "one line pays the household's dibao")
    }

    /// The router may publish different revisions of the same referral (an amendment on its way):
    /// what stands per measure is the same — its first date, the last facts' basis.
    func testRevisionsEndWhereTheLastContentEndsWhateverTheRevisionsSeen() {
        let tekun = Need(domain: .basicLiving, personKey: "pk1", reason: "eligible_tekun", clause: "§4.1.3", facts: ["category": "tekun"])
        func rev(_ n: Int, _ needs: [Need], _ basis: String) -> Referral {
            var r = referral(needs: needs, revision: n == 0 ? nil : n); r.basis = basis; return r
        }
        func standing(_ referrals: [(Referral, String)]) -> [String: String] {
            var h = LivingHousehold(cases: [])
            for (r, t) in referrals { _ = h.receive(r, on: CivilDate(iso: t)!, at: t, rules: LivingRules()) }
            var last: [String: Outcome] = [:]
            for o in h.cases.flatMap(\.outcomes) where o.status != .accepted { last["\(o.program)|\(o.personKey ?? "")"] = o }
            return last.mapValues { "\($0.status) \($0.amountFen ?? -1) \($0.decidedAt) \($0.basis ?? "")" }
        }
        let a = standing([(rev(0, [dibaoNeed()], "b0"), "2026-03-02T09:00:00+08:00"),
                          (rev(1, [dibaoNeed(), tekun], "b1"), "2026-03-20T09:00:00+08:00"),
                          (rev(2, [tekun], "b2"), "2026-03-20T09:00:00+08:00")])
        let b = standing([(rev(0, [dibaoNeed()], "b0"), "2026-03-02T09:00:00+08:00"),
                          (rev(1, [tekun], "b2"), "2026-03-20T09:00:00+08:00")])
        XCTAssertEqual(a, b)
        XCTAssertEqual(a["tekun|pk1"], "granted 104000 2026-03-20 b2")
        XCTAssertEqual(a["dibao|"]?.hasPrefix("withdrawn"), true)
        let c = standing([(rev(0, [dibaoNeed()], "b0"), "2026-03-02T09:00:00+08:00"),
                          (rev(1, [dibaoNeed()], "b1"), "2026-03-20T09:00:00+08:00")])
        XCTAssertEqual(c["dibao|"], "granted 150000 2026-03-02 b1", "decided again the same way: the first date, the new basis")
    }

    func testSupersededReferralWithdrawsItsGrants() {
        var h = LivingHousehold(cases: [])
        _ = h.receive(referral(needs: [dibaoNeed()]), on: CivilDate(iso: "2026-03-02")!, at: "t0", rules: LivingRules())
        let out = h.receive(referral(needs: [dibaoNeed()], status: .superseded), on: CivilDate(iso: "2026-04-02")!, at: "t1", rules: LivingRules())
        XCTAssertEqual(out.map(\.status), [.withdrawn])
        XCTAssertEqual(h.cases[0].stage, .superseded)
        XCTAssertEqual(h.cases[0].lines[0].endMonth, PayrollMonth("2026-04"))
    }

    // MARK: payroll

    func line() -> PaymentLine {
        var h = LivingHousehold(cases: [])
        _ = h.receive(referral(needs: [dibaoNeed()]), on: CivilDate(iso: "2026-03-02")!, at: "2026-03-02T09:00:00+08:00", rules: LivingRules())
        return h.cases[0].lines[0]
    }

    func testPayrollOncePerLineAndMonth() {
        let l = line()
        let first = PayrollPlanner.plan(l, through: PayrollMonth("2026-04")!, published: [:])
        XCTAssertEqual(first.map(\.payrollId), ["pay-ref-w-1-basic-living-dibao-2026-03", "pay-ref-w-1-basic-living-dibao-2026-04"])
        XCTAssertEqual(first.map(\.amountFen), [150_000, 150_000])
        XCTAssertEqual(first[0].countyCode, "140105")
        var published: [String: PublishedPayment] = [:]
        for e in first { published[e.payrollId] = PublishedPayment(amountFen: e.amountFen, status: e.status, revision: e.revision) }
        XCTAssertEqual(PayrollPlanner.plan(l, through: PayrollMonth("2026-04")!, published: published), [], "nothing twice")
        XCTAssertEqual(PayrollPlanner.plan(l, through: PayrollMonth("2026-05")!, published: published).map(\.month), [PayrollMonth("2026-05")!])
        XCTAssertEqual(PayrollPlanner.plan(l, through: PayrollMonth("2026-02")!, published: [:]), [], "nothing before the start")
    }

    func testALateExitCancelsAMonthAlreadyPublished() {
        var l = line()
        let paid = PayrollPlanner.plan(l, through: PayrollMonth("2026-05")!, published: [:])
        var published: [String: PublishedPayment] = [:]
        for e in paid { published[e.payrollId] = PublishedPayment(amountFen: e.amountFen, status: e.status, revision: e.revision) }
        l.endMonth = PayrollMonth("2026-04")
        let fix = PayrollPlanner.plan(l, through: PayrollMonth("2026-05")!, published: published)
        XCTAssertEqual(fix.map(\.payrollId), ["pay-ref-w-1-basic-living-dibao-2026-05"])
        XCTAssertEqual(fix[0].status, .cancelled); XCTAssertEqual(fix[0].revision, 1); XCTAssertEqual(fix[0].amountFen, 0)
        XCTAssertEqual(PayrollPlanner.fold(paid + fix).map(\.month), [PayrollMonth("2026-03")!, PayrollMonth("2026-04")!])
    }

    /// Convergence: the same inputs in every order give the same lines and payroll.
    func testTheSameFactsInAnyOrderGiveTheSamePayroll() {
        let rules = LivingRules()
        enum Input { case referral(Referral, String), registry(Int64, String) }
        let exitNeed = Need(domain: .basicLiving, reason: "no_longer_dibao", clause: "§3.4")
        let inputs: [Input] = [
            .referral(referral(needs: [dibaoNeed()]), "2026-03-02T09:00:00+08:00"),
            .registry(50_000, "2026-04-10T00:00:00+08:00"),
            .registry(60_000, "2026-04-20T00:00:00+08:00"),
            .registry(85_000, "2026-05-10T00:00:00+08:00"),
            .referral(referral("ref-w-2-basic-living", needs: [exitNeed], disposal: .noLongerEligible), "2026-06-03T09:00:00+08:00"),
        ]
        // As the service does: every registry point is kept, and applied again after each referral.
        func run(_ order: [Int]) -> (payroll: [PayrollEntry], held: [Program]) {
            var h = LivingHousehold(cases: [])
            var points: [RegistryPoint] = []
            for i in order {
                switch inputs[i] {
                case .referral(let r, let t):
                    _ = h.receive(r, on: CivilDate(iso: t)!, at: t, rules: rules)
                    _ = h.registry(points, rules: rules)
                case .registry(let fen, let t):
                    let p = RegistryPoint(asOf: t, perCapitaMonthlyFen: fen, members: 3)
                    points.append(p)
                    _ = h.registry([p], rules: rules)
                }
            }
            var published: [String: PublishedPayment] = [:], all: [PayrollEntry] = []
            for l in h.cases.flatMap(\.lines) {
                for e in PayrollPlanner.plan(l, through: PayrollMonth("2026-08")!, published: published) {
                    published[e.payrollId] = PublishedPayment(amountFen: e.amountFen, status: e.status, revision: e.revision); all.append(e)
                }
            }
            let held = h.cases.flatMap(\.outcomes).reduce(into: ProgramHoldings()) { $0.apply($1) }
            return (PayrollPlanner.fold(all), held.programs)
        }
        let expected = run([0, 1, 2, 3, 4]).payroll
        XCTAssertEqual(expected.map(\.amountFen), [150_000, 150_000, 60_000],
                       "March, April at 150; May at the last April facts; suspended in June, ended after June")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<60 {
            // Referrals share a partition (keyed by household): the admission always precedes the exit.
            var order = [0, 1, 2, 3, 4].shuffled(using: &rng)
            if order.firstIndex(of: 4)! < order.firstIndex(of: 0)! { order.swapAt(order.firstIndex(of: 4)!, order.firstIndex(of: 0)!) }
            let result = run(order)
            XCTAssertEqual(result.payroll.map(\.amountFen), expected.map(\.amountFen), "order \(order)")
            XCTAssertEqual(result.payroll.map(\.payrollId), expected.map(\.payrollId), "order \(order)")
            XCTAssertEqual(result.held, [], "the exit ended the programme, order \(order)")
        }
    }

    /// The amount held (what the matcher records from the outcomes) is the latest, whatever the order of the facts.
    func testTheAmountHeldIsTheLatestWhateverTheOrder() {
        let rules = LivingRules()
        let points = [RegistryPoint(asOf: "2026-04-10T00:00:00+08:00", perCapitaMonthlyFen: 50_000, members: 3),
                      RegistryPoint(asOf: "2026-05-10T00:00:00+08:00", perCapitaMonthlyFen: 70_000, members: 3)]
        for order in [[0, 1], [1, 0]] {
            var h = LivingHousehold(cases: [])
            _ = h.receive(referral(needs: [dibaoNeed()]), on: CivilDate(iso: "2026-03-02")!, at: "2026-03-02T09:00:00+08:00", rules: rules)
            for i in order { _ = h.registry([points[i]], rules: rules) }
            let held = h.cases.flatMap(\.outcomes).reduce(into: ProgramHoldings()) { $0.apply($1) }
            XCTAssertEqual(held.programs.map(\.amountFen), [30_000], "order \(order)")
            XCTAssertEqual(h.cases[0].lines[0].amount(in: PayrollMonth("2026-05")!), 90_000)
            XCTAssertEqual(h.cases[0].lines[0].amount(in: PayrollMonth("2026-06")!), 30_000)
        }
    }

    func testPayrollMonthGrammar() {
        XCTAssertEqual(PayrollMonth("2026-03")?.description, "2026-03")
        XCTAssertNil(PayrollMonth("2026-13")); XCTAssertNil(PayrollMonth("2026-3")); XCTAssertNil(PayrollMonth("2026/03"))
        XCTAssertEqual(PayrollMonth("2026-12")!.adding(1), PayrollMonth("2027-01"))
    }
}
