import XCTest
@testable import DoudiDomain

/// Which referrals a resolution withdraws follows the dates (docs/architecture.md "Convergence"):
/// a referral is withdrawn when its warning was resolved, by something else, before any decision
/// of its own was dated; a withdrawal read before the decision that contradicts it is taken back.
/// Both orders of the same two facts end in the same published state and the same escalation.
final class RouterDatedWithdrawalTests: XCTestCase {
    let planner = ReferralPlanner()
    let id = "ref-w1-medical"

    func warning(resolvedAt: String? = nil, resolvedBy: String? = nil) -> Warning {
        var w = RouterFixture.warning([RouterFixture.need(.medical)])
        w.dueBy = "2024-03-10"
        if let resolvedAt { w.status = .resolved; w.resolvedAt = resolvedAt; w.resolvedBy = resolvedBy }
        return w
    }

    func decision(_ day: String) -> Outcome {
        Outcome(outcomeId: "o-\(day)", referralId: id, warningId: "w1", householdId: "hh-1", domain: .medical,
                program: "medical_assistance", status: .granted, decidedAt: day, reason: "test")
    }

    /// What the router ends with after the warning's resolution and the decision, read in `order`:
    /// the published status, and whether an escalation stands.
    func run(decidedOn: String, resolvedAt: String, resolvedBy: String? = nil, decisionFirst: Bool) -> (ReferralStatus, Bool) {
        var ledger = ReferralLedger()
        ledger.apply(planner.plan(warning(), ledger: ledger))
        func resolve() {
            let w = warning(resolvedAt: resolvedAt, resolvedBy: resolvedBy)
            let plan = planner.plan(w, ledger: ledger)
            let on = CivilDate(iso: resolvedAt)!
            for r in plan.withdraw where ledger.withdraw(r.referralId, on: on, as: r) { _ = ledger.settle(r.referralId, on: on) }
            if let own = resolvedBy, ledger.reinstate(own, resolvedBy: own) != nil, let d = ledger.entry(own)?.decidedOn {
                _ = ledger.settle(own, on: d)
            }
        }
        func decide() {
            ledger.apply(decision(decidedOn))
            _ = ledger.reinstate(id)
            _ = ledger.settle(id, on: CivilDate(iso: decidedOn)!)
        }
        if decisionFirst { decide(); resolve() } else { resolve(); decide() }
        let e = ledger.entry(id)!
        return (e.referral.status, e.escalated)
    }

    func testADecisionDatedBeforeTheResolutionStandsWhateverTheOrder() {
        let a = run(decidedOn: "2024-03-02", resolvedAt: "2024-03-05", decisionFirst: true)
        let b = run(decidedOn: "2024-03-02", resolvedAt: "2024-03-05", decisionFirst: false)
        XCTAssertEqual(a.0, .sent); XCTAssertFalse(a.1)
        XCTAssertEqual(b.0, .sent, "the withdrawal read first is taken back")
        XCTAssertFalse(b.1)
    }

    func testAResolutionBeforeTheDecisionWithdrawsWhateverTheOrder() {
        let a = run(decidedOn: "2024-03-08", resolvedAt: "2024-03-05", decisionFirst: true)
        let b = run(decidedOn: "2024-03-08", resolvedAt: "2024-03-05", decisionFirst: false)
        XCTAssertEqual(a.0, .withdrawn, "a decision dated after the resolution does not keep the referral")
        XCTAssertEqual(b.0, .withdrawn)
        XCTAssertEqual(a.1, b.1)
        XCTAssertFalse(a.1, "settled in time by the withdrawal")
    }

    func testLateSettlementEscalatesWhateverTheOrder() {
        let a = run(decidedOn: "2024-03-20", resolvedAt: "2024-03-15", decisionFirst: true)
        let b = run(decidedOn: "2024-03-20", resolvedAt: "2024-03-15", decisionFirst: false)
        XCTAssertEqual(a.0, .withdrawn); XCTAssertEqual(b.0, .withdrawn)
        XCTAssertTrue(a.1, "nobody decided by 2024-03-10"); XCTAssertTrue(b.1)
    }

    func testAWarningResolvedByTheReferralItselfTakesAnEarlierWithdrawalBack() {
        var ledger = ReferralLedger()
        ledger.apply(planner.plan(warning(), ledger: ledger))
        // An intermediate state of the warning: resolved by a reclassification after the deadline.
        let intermediate = warning(resolvedAt: "2024-03-20")
        for r in planner.plan(intermediate, ledger: ledger).withdraw {
            XCTAssertTrue(ledger.withdraw(r.referralId, on: CivilDate(iso: "2024-03-20")!, as: r))
            XCTAssertNotNil(ledger.settle(r.referralId, on: CivilDate(iso: "2024-03-20")!), "escalated: withdrawn after its deadline")
        }
        XCTAssertEqual(ledger.entry(id)?.referral.status, .withdrawn)
        // Then its decision, dated in time, and the warning's final state: resolved by this referral.
        ledger.apply(decision("2024-03-04"))
        let back = ledger.reinstate(id, resolvedBy: id)
        XCTAssertEqual(back?.status, .sent)
        let retraction = ledger.settle(id, on: CivilDate(iso: "2024-03-04")!)
        XCTAssertEqual(retraction?.retracted, true, "the escalation is taken back")
        XCTAssertEqual(ledger.state(of: id), .decided)
        XCTAssertNil(ledger.reinstate(id, resolvedBy: id), "once")
        XCTAssertTrue(planner.plan(warning(resolvedAt: "2024-03-04", resolvedBy: id), ledger: ledger).withdraw.isEmpty)
    }

    /// An escalation taken back after an amendment moved the deadline names the escalation that
    /// was published (its id and first overdue day), not one for the new deadline: a take-back
    /// dated by a deadline still ahead would be an event of a day the clocks have not reached.
    func testATakeBackNamesThePublishedEscalationAfterTheDeadlineMoved() {
        var ledger = ReferralLedger()
        ledger.apply(planner.plan(warning(), ledger: ledger))
        let published = ledger.escalate(now: CivilDate(iso: "2024-03-11")!)
        XCTAssertEqual(published.count, 1)
        var amended = ledger.entry(id)!.referral
        amended.status = .sent
        amended.revision = 1
        amended.dueBy = "2024-03-25"
        XCTAssertTrue(ledger.record(amended))
        ledger.apply(decision("2024-03-20"))
        let back = ledger.settle(id, on: CivilDate(iso: "2024-03-20")!)
        XCTAssertEqual(back?.retracted, true, "decided by the amended deadline")
        XCTAssertEqual(back?.escalationId, published.first?.escalationId, "the escalation published is the one taken back")
        XCTAssertEqual(back?.referral.dueBy, "2024-03-10")
        XCTAssertEqual(back?.daysOverdue, 1)
    }

    /// A referral withdrawn, then superseded (its warning never held), is not sent again by a
    /// decision dated before the withdrawal that arrives after both (seen in a whole-suite rebuild:
    /// the department's denial came back after the retraction and revived the referral).
    func testASupersededReferralIsNotRevivedByALateDecision() {
        var ledger = ReferralLedger()
        ledger.apply(planner.plan(warning(), ledger: ledger))
        for r in planner.plan(warning(resolvedAt: "2024-03-20"), ledger: ledger).withdraw {
            XCTAssertTrue(ledger.withdraw(r.referralId, on: CivilDate(iso: "2024-03-20")!, as: r))
        }
        XCTAssertTrue(ledger.supersede(id))
        ledger.apply(decision("2024-03-04"))
        XCTAssertNil(ledger.reinstate(id), "superseded stays superseded")
        XCTAssertNil(ledger.reinstate(id, resolvedBy: id))
        XCTAssertEqual(ledger.state(of: id), .superseded)
    }
}
