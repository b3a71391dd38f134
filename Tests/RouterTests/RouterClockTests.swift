import DoudiDomain
import Envelope
import GRDB
@testable import RouterService
import ServiceKit
import XCTest

/// The router's clock and deadlines (docs/router.md; docs/scaling.md, "Event time is per task"),
/// in-process on an in-memory store: a tick moves the clock and a type outside the contract does
/// not; an escalation stands under the referral's last deadline whatever deadline was read first.
final class RouterClockTests: XCTestCase {
    typealias Fixture = RouterOrderTests

    func escalations(_ pipeline: InProcessPipeline) throws -> [String: String] {
        var standing: [String: String] = [:]
        for out in pipeline.published where out.event.type == EventType.referralEscalated.rawValue {
            let e = try out.event.decode(ReferralEscalated.self)
            standing[e.escalationId] = e.retracted == true ? nil : e.dueBy
        }
        return standing
    }

    /// A yellow warning opened 1 March (due the 12th) and its revision to red (due the 5th).
    func yellowThenRed(_ id: String, household: String) -> (yellow: Warning, red: Warning) {
        var yellow = Fixture.warning(id, household: household, opened: "2024-03-01", due: "2024-03-12")
        yellow.level = .yellow
        var red = Fixture.warning(id, household: household, opened: "2024-03-01", due: "2024-03-05")
        red.level = .red
        red.revision = 1
        return (yellow, red)
    }

    func testATickMovesTheClockAndATypeOutsideTheContractDoesNot() throws {
        let pipeline = try InProcessPipeline(RouterProcessor())
        let w = Fixture.warning("w5", household: "hh-5", opened: "2024-03-01", due: "2024-03-08")
        try pipeline.deliver([Fixture.warningEvent(w, day: "2024-03-01")])
        // Anyone's event of an unknown type, dated a month later: the clock does not move.
        let stranger = try CloudEvent.make(id: "ev-stranger", source: "/someone", type: "x.later.v9", time: "2024-04-01T00:00:00+08:00",
                                           subject: nil, key: "hh-9", causationID: nil, payload: ["day": "2024-04-01"])
        try pipeline.deliver([(Topics.registryHouseholds, stranger)])
        XCTAssertEqual(try escalations(pipeline), [:], "no day passed")
        // A tick that does not say what it is — its time is not its day's midnight — is refused.
        var forged = try ClockTick.event(day: CivilDate(year: 2024, month: 3, day: 10)!, partition: 0)
        forged.time = "2099-01-01T00:00:00+08:00"
        XCTAssertThrowsError(try pipeline.deliver([(Topics.name(.clockTicks), forged)]))
        XCTAssertEqual(try escalations(pipeline), [:], "still no day passed")
        // The bureau's tick of 10 March: the referral due on the 8th is overdue.
        let tick = try ClockTick.event(day: CivilDate(year: 2024, month: 3, day: 10)!, partition: 0)
        try pipeline.deliver([(Topics.name(.clockTicks), tick)])
        XCTAssertEqual(try escalations(pipeline), ["esc-ref-w5-medical": "2024-03-08"])
    }

    /// Escalations read back (the router's own, on `assistance.outcomes`) move neither a referral nor
    /// the clock: one dated past a deadline, read ahead of the facts that moved the clock there (a
    /// rebuild), escalates nothing early.
    func testEscalationsReadBackDoNotMoveTheClock() throws {
        let pipeline = try InProcessPipeline(RouterProcessor())
        let w = Fixture.warning("w7", household: "hh-7", opened: "2024-03-01", due: "2024-03-08")
        try pipeline.deliver([Fixture.warningEvent(w, day: "2024-03-01")])
        let other = Fixture.warning("w9", household: "hh-9", opened: "2024-03-01", due: "2024-03-19")
        let referral = try XCTUnwrap(ReferralPlanner().referrals(for: other).first)
        let readBack = try CloudEvent.make(id: "ev-esc-w9", source: "/doudi/router", type: EventType.referralEscalated.rawValue,
                                           time: "2024-03-20T00:00:00+08:00", subject: "hh-9", key: "hh-9", causationID: nil,
                                           payload: ReferralEscalated(Escalation(escalationId: "esc-\(referral.referralId)", referral: referral,
                                                                                 daysOverdue: 1),
                                                                      escalatedAt: "2024-03-20T00:00:00+08:00"))
        XCTAssertEqual(try pipeline.deliver([(Topics.assistanceOutcomes, readBack)]).count, 0)
        XCTAssertEqual(try escalations(pipeline), [:], "the clock is still on 1 March")
        let clock = try pipeline.read { try String.fetchOne($0, sql: "SELECT now_text FROM router_clock") }
        XCTAssertEqual(clock, "2024-03-01T10:00:00+08:00")
    }

    /// A warning revised to a higher level (an earlier deadline) after its referral was escalated
    /// under the first one, against a router that read only the revision.
    func testTheEscalationThatStandsIsTheOneOfTheLastDeadline() throws {
        let (first, revised) = yellowThenRed("w6", household: "hh-6")
        let tick = try ClockTick.event(day: CivilDate(year: 2024, month: 3, day: 14)!, partition: 0)

        let both = try InProcessPipeline(RouterProcessor())
        try both.deliver([Fixture.warningEvent(first, day: "2024-03-01")])
        try both.deliver([(Topics.name(.clockTicks), tick)])
        XCTAssertEqual(try escalations(both), ["esc-ref-w6-medical": "2024-03-12"], "escalated under the first deadline")
        try both.deliver([(Topics.monitoringWarnings, RouterOrderTests.event(.monitoringWarning, "ev-w6-r1", "2024-03-01",
                                                                              key: "hh-6", revised))])

        let last = try InProcessPipeline(RouterProcessor())
        try last.deliver([(Topics.monitoringWarnings, RouterOrderTests.event(.monitoringWarning, "ev-w6-r1", "2024-03-01",
                                                                              key: "hh-6", revised))])
        try last.deliver([(Topics.name(.clockTicks), tick)])

        XCTAssertEqual(try escalations(last), ["esc-ref-w6-medical": "2024-03-05"])
        XCTAssertEqual(try escalations(both), try escalations(last), "the same escalation stands, under the last deadline")
    }
}

extension RouterClockTests {
    /// A deadline moved and moved back (yellow → red → yellow): no id stands for two contents (a
    /// consumer would refuse the second as a collision), and the escalation that stands in the
    /// router is the last deadline's. (The escalation made again for the first deadline is the
    /// same event as the first one: a consumer that deduplicates by id keeps that deadline's
    /// take-back — a limit noted in docs/router.md.)
    func testADeadlineMovedAndMovedBackNeverReusesAnIdForOtherContent() throws {
        let (yellow, red) = yellowThenRed("w8", household: "hh-8")
        var yellowAgain = yellow
        yellowAgain.revision = 2
        let pipeline = try InProcessPipeline(RouterProcessor())
        try pipeline.deliver([Fixture.warningEvent(yellow, day: "2024-03-01")])
        try pipeline.deliver([(Topics.name(.clockTicks), try ClockTick.event(day: CivilDate(year: 2024, month: 3, day: 14)!, partition: 0))])
        for (n, w) in [(1, red), (2, yellowAgain)] {
            try pipeline.deliver([(Topics.monitoringWarnings, RouterOrderTests.event(.monitoringWarning, "ev-w8-r\(n)", "2024-03-01", key: "hh-8", w))])
        }
        var contents: [String: [UInt8]] = [:]
        for out in pipeline.published {
            if let seen = contents[out.event.id] { XCTAssertEqual(seen, out.event.data, "\(out.event.type) \(out.event.id) reused for other content") }
            contents[out.event.id] = out.event.data
        }
        XCTAssertEqual(try escalations(pipeline), ["esc-ref-w8-medical": "2024-03-12"])
        XCTAssertEqual(pipeline.published.filter { $0.event.type == EventType.referralEscalated.rawValue }.count, 5,
                       "escalated (12th), taken back, escalated (5th), taken back, escalated (12th) again")
    }
}
