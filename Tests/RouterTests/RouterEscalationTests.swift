import DoudiDomain
import Envelope
import Kafka
import TestSupport
import XCTest

/// Overdue referrals are escalated by event time: exactly one `referral.escalated.v1` per
/// referral, only for referrals without a decision, and not before the day after `dueBy`.
final class RouterEscalationTests: XCTestCase {
    func testOverdueReferralIsEscalatedExactlyOnce() async throws {
        let h = try await LoopHarness.make("escalate")
        let router = try h.start("doudi-router")
        defer { router.terminate() }
        let household = "\(h.tag)-h" // one household: its warnings stay in order on one partition
        let red = Fixture.warning("\(h.tag)-w1", household: household, needs: [Fixture.need(.medical), Fixture.need(.education)],
                                  disposal: .policyNotImplemented, level: .red)
        try await h.produce([try Fixture.warningEvent(red, time: "2024-03-01T09:00:00.000Z")], to: "monitoring.warnings")
        let medical = "ref-\(h.tag)-w1-medical", education = "ref-\(h.tag)-w1-education"
        let sent = try await eventually { try h.routerState(medical) == "sent" }
        XCTAssertTrue(sent, router.log)

        // Education decides in time; medical never answers.
        let granted = Outcome(outcomeId: "out-\(education)-2", referralId: education, warningId: red.warningId, householdId: household,
                              domain: .education, program: "national_grant", status: .granted, amountFen: 200_000,
                              decidedAt: "2024-03-02", reason: "test")
        try await h.produce([try Fixture.outcomeEvent(granted, time: "2024-03-02T09:00:00.000Z")], to: "assistance.outcomes")
        let decided = try await eventually { try h.routerState(education) == "decided" }
        XCTAssertTrue(decided, router.log)

        // Later warnings move the event clock: the due day itself (03-04) is still in time.
        func later(_ n: Int, _ time: String) async throws {
            let w = Fixture.warning("\(h.tag)-w\(n)", household: household, needs: [Fixture.need(.housing)])
            try await h.produce([try Fixture.warningEvent(w, time: time)], to: "monitoring.warnings")
            let seen = try await eventually { try h.routerState("ref-\(h.tag)-w\(n)-housing") != nil }
            XCTAssertTrue(seen, router.log)
        }
        try await later(2, "2024-03-04T23:00:00.000Z")
        XCTAssertEqual(try h.routerState(medical), "sent", "not overdue on its due day")
        try await later(3, "2024-03-05T08:00:00.000Z")
        XCTAssertEqual(try h.routerState(medical), "overdue")
        try await later(4, "2024-03-06T08:00:00.000Z")

        let outcomes = try await h.readSettled(["assistance.outcomes"], settle: .seconds(5)) { m in
            m.contains { $0.header("ce_type") == "referral.escalated.v1" }
        }
        let escalations = outcomes.filter { $0.header("ce_type") == "referral.escalated.v1" }
        XCTAssertEqual(escalations.count, 1, router.log)
        let e = try XCTUnwrap(escalations.first).decode(ReferralEscalated.self)
        XCTAssertEqual(e.referralId, medical)
        XCTAssertEqual(e.escalationId, "esc-\(medical)")
        XCTAssertEqual("\(e.warningId) \(e.householdId) \(e.domain) \(e.dueBy)", "\(red.warningId) \(household) medical 2024-03-04")
        XCTAssertEqual(e.escalatedAt, "2024-03-05T00:00:00+08:00", "dated the first day overdue, whichever event moved the clock")
        XCTAssertEqual(escalations.first?.header("ce_id"), EventID.derived("referral.escalated.v1", "esc-\(medical)", "escalated"))
        XCTAssertEqual(escalations.first?.key.map { String(decoding: $0, as: UTF8.self) }, household)

        // A late decision still lands in the ledger.
        let late = Outcome(outcomeId: "out-\(medical)-2", referralId: medical, warningId: red.warningId, householdId: household,
                           domain: .medical, program: "medical_assistance", status: .denied, decidedAt: "2024-03-07", reason: "test")
        try await h.produce([try Fixture.outcomeEvent(late, time: "2024-03-07T09:00:00.000Z")], to: "assistance.outcomes")
        let decidedLate = try await eventually { try h.routerState(medical) == "decided" }
        XCTAssertTrue(decidedLate, router.log)
    }

    /// With `DOUDI_ROUTER_WALLCLOCK=1` a quiet router still escalates: the scheduler moves the
    /// clock to the wall time (here years after the warning). SIGTERM stops it promptly.
    func testWallClockEscalatesWhenNoEventsArrive() async throws {
        let h = try await LoopHarness.make("wallclock")
        let router = try h.start("doudi-router", extra: ["DOUDI_ROUTER_WALLCLOCK": "1", "DOUDI_ROUTER_TICK_SECONDS": "1"])
        let w = Fixture.warning("\(h.tag)-w", household: "\(h.tag)-h", needs: [Fixture.need(.housing)], level: .red)
        try await h.produce([try Fixture.warningEvent(w, time: "2024-03-01T09:00:00.000Z")], to: "monitoring.warnings")
        let referralId = "ref-\(h.tag)-w-housing"
        let overdue = try await eventually { try h.routerState(referralId) == "overdue" }
        XCTAssertTrue(overdue, router.log)
        let escalations = try await h.readSettled(["assistance.outcomes"], settle: .seconds(3)) { m in
            m.contains { $0.header("ce_type") == "referral.escalated.v1" }
        }
        XCTAssertEqual(escalations.count, 1, "one escalation, however many ticks")
        // The scheduler's tick (no cause), or the warning itself when it was read after the wall
        // clock had already passed its deadline.
        let cause = escalations.first?.header("ce_causationid")
        XCTAssertTrue(cause == nil || cause!.hasPrefix("ev-\(h.tag)"), "caused by a tick or by the warning: \(cause ?? "")")
        let stopping = ContinuousClock.now
        router.terminate()
        XCTAssertLessThan(ContinuousClock.now - stopping, .seconds(10), "the scheduler does not hold up the shutdown")
        XCTAssertEqual(router.process.terminationStatus, 0, router.log)
    }
}
