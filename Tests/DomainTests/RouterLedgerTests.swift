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
