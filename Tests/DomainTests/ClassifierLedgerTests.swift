import XCTest
import DoudiDomain

final class ClassifierLedgerTests: XCTestCase {
    let day1 = Fx.date("2026-10-01"), day2 = Fx.date("2026-10-02")

    func dibaoEligible(_ members: [Member] = Fx.adults(1), programs: [Program] = []) -> Classifier.Decision {
        Fx.eval(Fx.household(members: members, perCapitaMonthly: 0, programs: programs))
    }

    func testSameDecisionTwiceOpensOnce() {
        var ledger = WarningLedger()
        let d = dibaoEligible()
        let first = ledger.reconcile(d, at: day1)
        XCTAssertEqual(first.opened.map(\.warningId), ["w-H1-basic-living-not_covered-0"])
        XCTAssertEqual(first.opened.first?.dueBy, "2026-10-08")
        XCTAssertEqual(first.opened.first?.standardsVersion, "default")
        XCTAssertEqual(first.opened.first?.category, .dibao)
        XCTAssertTrue(ledger.reconcile(d, at: day2).isEmpty)
        XCTAssertEqual(ledger.openWarnings(householdId: "H1").count, 1)
    }

    func testResolveWhenConditionGoneAndReopenCounts() {
        var ledger = WarningLedger()
        _ = ledger.reconcile(dibaoEligible(), at: day1)
        let covered = ledger.reconcile(dibaoEligible(programs: [Fx.program(.basicLiving, "dibao")]), at: day2)
        XCTAssertEqual(covered.resolved.map(\.warningId), ["w-H1-basic-living-not_covered-0"])
        XCTAssertEqual(covered.resolved.first?.status, .resolved)
        XCTAssertEqual(covered.resolved.first?.resolvedAt, "2026-10-02")
        let again = ledger.reconcile(dibaoEligible(), at: Fx.date("2026-11-01"))
        XCTAssertEqual(again.opened.map(\.warningId), ["w-H1-basic-living-not_covered-1"])
    }

    func testReplayYieldsIdenticalIds() {
        func run() -> [String] {
            var ledger = WarningLedger()
            var ids: [String] = []
            let steps = [dibaoEligible(), dibaoEligible(programs: [Fx.program(.basicLiving, "dibao")]), dibaoEligible(),
                         dibaoEligible([Fx.member(health: .seriousIllness)])]
            for (i, d) in steps.enumerated() {
                let c = ledger.reconcile(d, at: day1.adding(days: i))
                ids += c.opened.map(\.warningId) + c.resolved.map { "resolved:" + $0.warningId }
            }
            return ids
        }
        XCTAssertEqual(run(), run())
        XCTAssertEqual(run().first, "w-H1-basic-living-not_covered-0")
    }

    func testRestoredLedgerContinuesNumbering() {
        var first = WarningLedger()
        _ = first.reconcile(dibaoEligible(), at: day1)
        var restored = WarningLedger(open: first.openWarnings(householdId: "H1"))
        XCTAssertTrue(restored.reconcile(dibaoEligible(), at: day2).isEmpty)
        _ = restored.reconcile(dibaoEligible(programs: [Fx.program(.basicLiving, "dibao")]), at: day2)
        XCTAssertEqual(restored.reconcile(dibaoEligible(), at: day2).opened.first?.warningId, "w-H1-basic-living-not_covered-1")
    }

    func outcome(_ status: OutcomeStatus, _ domain: Domain, warningId: String? = nil) -> Outcome {
        Outcome(outcomeId: "o-\(status)-\(domain)", warningId: warningId, householdId: "H1", domain: domain,
                program: "p", status: status, decidedAt: "2026-10-03", reason: "")
    }

    func testOutcomes() {
        var ledger = WarningLedger()
        _ = ledger.reconcile(dibaoEligible([Fx.member(health: .chronicIllness)]), at: day1)
        XCTAssertTrue(ledger.record(outcome(.accepted, .medical), at: day2).isEmpty)
        let granted = ledger.record(outcome(.granted, .medical), at: day2)
        XCTAssertEqual(granted.resolved.map(\.warningId), ["w-H1-medical-not_covered-0"])
        var exits = WarningLedger()
        _ = exits.reconcile(Fx.eval(Fx.household(perCapitaMonthly: 500_000, programs: [Fx.program(.basicLiving, "dibao")])), at: day1)
        XCTAssertTrue(exits.record(outcome(.granted, .basicLiving), at: day2).isEmpty)   // a grant does not end an exit review
        XCTAssertEqual(exits.record(outcome(.closed, .basicLiving), at: day2).resolved.map(\.disposal), [.noLongerEligible])
    }

    // §3.4: every referral denied and the hardship remains → special hardship, case conference.
    // An edge household in no programme, so that its referrals are not_covered (§3.2: an assisted
    // household's would be policy_not_implemented).
    func testEveryReferralDeniedBecomesSpecialHardship() {
        var ledger = WarningLedger()
        let members = [Fx.member(health: .chronicIllness), Fx.member("学", age: 9, occupation: .student)]
        func edge(_ members: [Member]) -> Classifier.Decision { Fx.eval(Fx.household(members: members, perCapitaMonthly: Fx.ruralStd + 1_000)) }
        let opened = ledger.reconcile(edge(members), at: day1).opened
        XCTAssertEqual(opened.map(\.key.domain), [.medical, .education])
        let medicalId = opened[0].warningId
        XCTAssertTrue(ledger.record(outcome(.denied, .medical, warningId: medicalId), at: day2).isEmpty)  // education pending
        XCTAssertEqual(ledger.deniedReferralDomains(householdId: "H1"), [])
        let escalated = ledger.record(outcome(.denied, .education), at: day2).opened
        XCTAssertEqual(escalated.map(\.warningId), ["w-H1-medical-special_hardship-0", "w-H1-education-special_hardship-0"])
        XCTAssertEqual(escalated.first?.level, .orange)
        XCTAssertTrue(ledger.everyReferralDenied(householdId: "H1"))
        // The service passes the denied domains to the classifier: not_covered resolve, nothing reopens.
        let context = Fx.context { $0.deniedReferralDomains = ledger.deniedReferralDomains(householdId: "H1") }
        let next = Fx.eval(Fx.household(members: members, perCapitaMonthly: Fx.ruralStd + 1_000), context)
        XCTAssertEqual(next.tasks(.caseConference).count, 1)
        let changes = ledger.reconcile(next, at: Fx.date("2026-10-04"))
        XCTAssertEqual(changes.opened, [])
        XCTAssertEqual(Set(changes.resolved.map(\.disposal)), [.notCovered])
        let stable = Fx.context { $0.deniedReferralDomains = ledger.deniedReferralDomains(householdId: "H1") }
        XCTAssertEqual(stable.deniedReferralDomains, [.medical, .education])
        XCTAssertTrue(ledger.reconcile(Fx.eval(Fx.household(members: members, perCapitaMonthly: Fx.ruralStd + 1_000), stable),
                                       at: Fx.date("2026-10-05")).isEmpty)
        // Hardship gone: the special hardship resolves.
        let healed = ledger.reconcile(edge(Fx.adults(1)), at: Fx.date("2026-10-06"))
        XCTAssertEqual(healed.resolved.map(\.disposal), [.specialHardship, .specialHardship])
    }

    /// Departments answer in any order: one referral denied and the other granted ends in the same
    /// special hardship whichever answer comes first.
    func testDenialAndGrantInEitherOrderEscalateTheSame() {
        let members = [Fx.member(health: .chronicIllness), Fx.member("学", age: 9, occupation: .student)]
        let decision = dibaoEligible(members, programs: [Fx.program(.basicLiving, "dibao")])
        var results: [[String]] = []
        for order in [[OutcomeStatus.denied, .granted], [.granted, .denied]] {
            var ledger = WarningLedger()
            _ = ledger.reconcile(decision, at: day1)
            var opened: [String] = []
            for status in order {
                let domain: Domain = status == .denied ? .medical : .education
                opened += ledger.record(outcome(status, domain), at: day2).opened.map(\.warningId)
            }
            results.append(opened)
        }
        XCTAssertEqual(results[0], ["w-H1-medical-special_hardship-0"])
        XCTAssertEqual(results[0], results[1])
    }

    /// A warning for two people resolves when both hold a programme of its domain, not at the first
    /// grant (else an evaluation in between opens a second warning, and a second referral, for the other).
    func testGrantResolvesOnceEveryPersonOfTheWarningIsCovered() {
        let needs = ["A", "B"].map { Need(domain: .employment, personKey: "pk-\($0)", reason: "rural_employment", clause: "§4.2.4") }
        let warning = Warning(warningId: "w-H1-employment-not_covered-0", householdId: "H1", regionCode: "110105001",
                              disposal: .notCovered, level: .yellow, category: .dibao, needs: needs, reasons: [],
                              status: .open, openedAt: "2026-10-01")
        var ledger = WarningLedger(open: [warning])
        func granted(_ person: String) -> Outcome {
            Outcome(outcomeId: "o-\(person)", householdId: "H1", domain: .employment, program: "workshop_job", status: .granted,
                    personKey: "pk-\(person)", decidedAt: "2026-10-03", reason: "")
        }
        let keyA = ProgramKey(granted("A")), keyB = ProgramKey(granted("B"))
        XCTAssertTrue(ledger.record(granted("A"), at: day2, held: [keyA]).isEmpty, "B is not covered yet")
        XCTAssertEqual(ledger.record(granted("B"), at: day2, held: [keyA, keyB]).resolved.map(\.warningId), [warning.warningId])
        // A programme of the whole household covers every person.
        var household = WarningLedger(open: [warning])
        let whole = ProgramKey(domain: .employment, program: "public_welfare_post", personKey: nil)
        XCTAssertEqual(household.record(granted("A"), at: day2, held: [whole]).resolved.count, 1)
    }

    // policy_not_implemented: no granted outcome by the warning's dueBy (event time, not the clock).
    func testDueChecks() {
        var ledger = WarningLedger()
        let opened = ledger.reconcile(dibaoEligible(), at: day1).opened[0]
        XCTAssertEqual(opened.dueBy, "2026-10-08")
        let open = ledger.openWarnings(householdId: "H1")
        XCTAssertEqual(WarningLedger.dueChecks(openWarnings: open, now: Fx.date("2026-10-08")), [])
        XCTAssertEqual(WarningLedger.dueChecks(openWarnings: open, now: Fx.date("2026-10-09")).map(\.warningId), [opened.warningId])
        XCTAssertTrue(ledger.checkDue(now: Fx.date("2026-10-08")).isEmpty)
        let late = ledger.checkDue(now: Fx.date("2026-10-09")).opened
        XCTAssertEqual(late.map(\.warningId), ["w-H1-basic-living-policy_not_implemented-0"])
        XCTAssertEqual(late.first?.dueBy, "2026-10-16")
        XCTAssertTrue(ledger.checkDue(now: Fx.date("2026-10-10")).isEmpty)           // never twice
        XCTAssertTrue(ledger.reconcile(dibaoEligible(), at: Fx.date("2026-10-10")).isEmpty)  // kept while the need remains
        let granted = ledger.record(outcome(.granted, .basicLiving), at: Fx.date("2026-10-11"))
        XCTAssertEqual(Set(granted.resolved.map(\.disposal)), [.notCovered, .policyNotImplemented])
    }

    // A due check's policy_not_implemented lasts as long as the not_covered it escalates: when the
    // facts no longer raise that referral (income rose), both resolve together.
    func testDueCheckEndsWithTheReferralItEscalates() {
        var ledger = WarningLedger()
        _ = ledger.reconcile(dibaoEligible(), at: day1)
        XCTAssertEqual(ledger.checkDue(now: Fx.date("2026-10-09")).opened.map(\.disposal), [.policyNotImplemented])
        let richer = Fx.eval(Fx.household(members: Fx.adults(1), perCapitaMonthly: 900_000))
        let gone = ledger.reconcile(richer, at: Fx.date("2026-10-12"))
        XCTAssertEqual(Set(gone.resolved.map(\.disposal)), [.notCovered, .policyNotImplemented])
        XCTAssertTrue(ledger.openWarnings(householdId: "H1").isEmpty)
    }

    // The router's escalation opens policy_not_implemented once, only while the warning is open.
    func testEscalation() {
        var ledger = WarningLedger()
        let opened = ledger.reconcile(dibaoEligible(), at: day1).opened[0]
        XCTAssertTrue(ledger.escalate(warningId: "w-unknown", at: day2, detail: "x").isEmpty)
        let escalated = ledger.escalate(warningId: opened.warningId, at: day2, detail: "referral r1 escalated").opened
        XCTAssertEqual(escalated.map(\.warningId), ["w-H1-basic-living-policy_not_implemented-0"])
        XCTAssertEqual(escalated.first?.reasons.last?.rule, ClassifierRule.policyNotImplemented.rawValue)
        XCTAssertTrue(ledger.escalate(warningId: opened.warningId, at: day2, detail: "again").isEmpty)
        _ = ledger.record(outcome(.granted, .basicLiving), at: day2)
        XCTAssertTrue(ledger.escalate(warningId: opened.warningId, at: day2, detail: "late").isEmpty)
    }
}
