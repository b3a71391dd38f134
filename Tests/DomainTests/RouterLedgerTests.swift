import Foundation
import XCTest
@testable import DoudiDomain

final class RouterLedgerTests: XCTestCase {
    /// A ledger holding one medical referral sent 2024-03-01, due 2024-03-08 (orange).
    func ledger() -> ReferralLedger {
        var l = ReferralLedger()
        let w = RouterFixture.warning([RouterFixture.need(.medical)])
        l.apply(ReferralPlanner().plan(w, ledger: l))
        return l
    }
    let id = "ref-w1-medical"
    let due = CivilDate(year: 2024, month: 3, day: 8)!

    func outcome(_ status: OutcomeStatus, referral: String = "ref-w1-medical") -> Outcome {
        Outcome(outcomeId: "o", referralId: referral, householdId: "hh-1", domain: .medical, program: "p",
                status: status, decidedAt: "2024-03-02", reason: "r")
    }

    func testHappyPath() {
        var l = ledger()
        XCTAssertEqual(l.state(of: id), .sent)
        XCTAssertTrue(l.apply(outcome(.accepted)))
        XCTAssertEqual(l.state(of: id), .accepted)
        XCTAssertFalse(l.apply(outcome(.accepted)), "replayed")
        XCTAssertTrue(l.apply(outcome(.granted)))
        XCTAssertEqual(l.state(of: id), .decided)
        XCTAssertFalse(l.apply(outcome(.denied)), "second decision is a no-op")
        XCTAssertFalse(l.withdraw(id), "decided is final")
        XCTAssertFalse(l.apply(outcome(.granted, referral: "ref-unknown")))
    }

    /// `withdrawn` takes back one measure (an amended referral's superseded decision, or the echo
    /// of the router's own withdrawal): the referral moves only with its warning.
    func testEveryOutcomeStatusMapsToATransition() {
        for (status, state) in [(OutcomeStatus.granted, ReferralState.decided), (.denied, .decided), (.closed, .decided),
                                (.withdrawn, .sent), (.accepted, .accepted)] {
            var l = ledger()
            l.apply(outcome(status))
            XCTAssertEqual(l.state(of: id), state, "\(status)")
        }
    }

    func testOverdueBoundary() {
        let l = ledger()
        XCTAssertTrue(l.overdue(now: due.adding(days: -1)).isEmpty)
        XCTAssertTrue(l.overdue(now: due).isEmpty, "the due day is still in time")
        let late = l.overdue(now: due.adding(days: 1))
        XCTAssertEqual(late.map(\.escalationId), ["esc-ref-w1-medical"])
        XCTAssertEqual(late.first?.daysOverdue, 1)
        XCTAssertEqual(late.first?.referral.status, .escalated)
    }

    func testEscalatedOnceEach() {
        var l = ledger()
        XCTAssertEqual(l.escalate(now: due.adding(days: 2)).count, 1)
        XCTAssertEqual(l.state(of: id), .overdue)
        XCTAssertTrue(l.escalate(now: due.adding(days: 3)).isEmpty)
        XCTAssertTrue(l.overdue(now: due.adding(days: 30)).isEmpty)
        // A late decision still closes it.
        XCTAssertTrue(l.apply(outcome(.granted)))
        XCTAssertEqual(l.state(of: id), .decided)
    }

    func testAcceptedButUndecidedIsOverdue() {
        var l = ledger()
        l.accept(id)
        XCTAssertEqual(l.overdue(now: due.adding(days: 1)).count, 1)
    }

    func testDecidedOrWithdrawnIsNeverOverdue() {
        var decided = ledger(); decided.decide(id)
        var withdrawn = ledger(); withdrawn.withdraw(id)
        XCTAssertTrue(decided.overdue(now: due.adding(days: 10)).isEmpty)
        XCTAssertTrue(withdrawn.overdue(now: due.adding(days: 10)).isEmpty)
    }

    func testOverdueCanBeWithdrawn() {
        var l = ledger()
        _ = l.escalate(now: due.adding(days: 1))
        XCTAssertEqual(l.openReferrals(warningId: "w1").map(\.referralId), [id])
        XCTAssertTrue(l.withdraw(id))
        XCTAssertTrue(l.openReferrals(warningId: "w1").isEmpty)
    }

    func testRecordIsIdempotent() {
        var l = ledger()
        let r = l.entries[id]!.referral
        l.accept(id)
        XCTAssertFalse(l.record(r))
        XCTAssertEqual(l.state(of: id), .accepted, "a replayed send does not reset the state")
    }

    func testLedgerSurvivesJSON() throws {
        var l = ledger()
        l.accept(id)
        let back = try JSONDecoder().decode(ReferralLedger.self, from: JSONEncoder().encode(l))
        XCTAssertEqual(back, l)
    }
}

extension RouterLedgerTests {
    /// An escalated referral whose deadline an amendment moves: the escalation of the old deadline
    /// is taken back and, overdue by the new one, it is escalated for that — the escalation that
    /// stands is the one a router that read only the last deadline makes. Found by the two-replica
    /// convergence run (a special-hardship referral escalated under its first level's deadline).
    func testAnAmendmentThatMovesTheDeadlineMovesTheEscalation() {
        let earlier = due.adding(days: -4)
        func amended(_ l: ReferralLedger, dueBy: CivilDate) -> Referral {
            var r = l.entry(id)!.referral
            r.dueBy = dueBy.description
            r.revision = 1
            return r
        }
        // Read the first deadline, escalate on it, then the amendment to an earlier one.
        var a = ledger()
        XCTAssertEqual(a.escalate(now: due.adding(days: 1)).map(\.referral.dueBy), [due.description])
        a.record(amended(a, dueBy: earlier))
        let moved = a.deadlineMoved(id)
        XCTAssertEqual(moved.map(\.retracted), [true], "the old deadline's escalation is taken back")
        XCTAssertEqual(moved.first?.referral.dueBy, due.description, "under the deadline it was published with")
        let again = a.escalate(now: due.adding(days: 1))
        XCTAssertEqual(again.map(\.referral.dueBy), [earlier.description], "escalated for the new deadline")
        XCTAssertTrue(a.deadlineMoved(id).isEmpty, "nothing moves twice")

        // Read only the last deadline: the same escalation stands.
        var b = ledger()
        b.record(amended(b, dueBy: earlier))
        XCTAssertEqual(b.escalate(now: due.adding(days: 1)).map(\.referral.dueBy), [earlier.description])
        XCTAssertEqual(a.entry(id)?.escalatedDue, b.entry(id)?.escalatedDue)

        // Decided between the two deadlines: escalated for the earlier one at once, after the take-back.
        var c = ledger()
        _ = c.escalate(now: due.adding(days: 1))
        var late = outcome(.granted)
        late.decidedAt = earlier.adding(days: 2).description
        c.apply(late)
        c.record(amended(c, dueBy: earlier))
        XCTAssertEqual(c.deadlineMoved(id).map(\.retracted), [true, false])
        XCTAssertEqual(c.entry(id)?.escalatedDue, earlier)
    }
}

extension RouterLedgerTests {
    /// Decided in time for the first deadline (no escalation stands), then amended to a deadline
    /// before the decision: escalated for the new deadline at once.
    func testADecisionInTimeForTheOldDeadlineButNotTheNewIsEscalated() {
        var l = ledger()
        var decided = outcome(.granted)
        decided.decidedAt = due.adding(days: -2).description
        l.apply(decided)
        XCTAssertNil(l.settle(id, on: due.adding(days: -2)), "in time for the first deadline")
        var r = l.entry(id)!.referral
        r.dueBy = due.adding(days: -4).description
        r.revision = 1
        l.record(r)
        let judged = l.deadlineMoved(id)
        XCTAssertEqual(judged.map(\.retracted), [false])
        XCTAssertEqual(judged.first?.referral.dueBy, due.adding(days: -4).description)
        XCTAssertTrue(l.deadlineMoved(id).isEmpty)
    }
}
