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

    func testATickMovesTheClockAndATypeOutsideTheContractDoesNot() throws {
        let pipeline = try InProcessPipeline(RouterProcessor())
        let w = Fixture.warning("w5", household: "hh-5", opened: "2024-03-01", due: "2024-03-08")
        try pipeline.deliver([Fixture.warningEvent(w, day: "2024-03-01")])
        // Anyone's event of an unknown type, dated a month later: the clock does not move.
        let stranger = try CloudEvent.make(id: "ev-stranger", source: "/someone", type: "x.later.v9", time: "2024-04-01T00:00:00+08:00",
                                           subject: nil, key: "hh-9", causationID: nil, payload: ["day": "2024-04-01"])
        try pipeline.deliver([(Topics.registryHouseholds, stranger)])
        XCTAssertEqual(try escalations(pipeline), [:], "no day passed")
        // The bureau's tick of 10 March: the referral due on the 8th is overdue.
        let tick = try ClockTick.event(day: CivilDate(year: 2024, month: 3, day: 10)!, partition: 0)
        try pipeline.deliver([(Topics.registryHouseholds, tick)])
        XCTAssertEqual(try escalations(pipeline), ["esc-ref-w5-medical": "2024-03-08"])
    }

    /// A warning revised to a higher level (an earlier deadline) after its referral was escalated
    /// under the first one, against a router that read only the revision.
    func testTheEscalationThatStandsIsTheOneOfTheLastDeadline() throws {
        var first = Fixture.warning("w6", household: "hh-6", opened: "2024-03-01", due: "2024-03-12")
        first.level = .yellow
        var revised = Fixture.warning("w6", household: "hh-6", opened: "2024-03-01", due: "2024-03-05")
        revised.level = .red
        revised.revision = 1
        let tick = try ClockTick.event(day: CivilDate(year: 2024, month: 3, day: 14)!, partition: 0)

        let both = try InProcessPipeline(RouterProcessor())
        try both.deliver([Fixture.warningEvent(first, day: "2024-03-01")])
        try both.deliver([(Topics.registryHouseholds, tick)])
        XCTAssertEqual(try escalations(both), ["esc-ref-w6-medical": "2024-03-12"], "escalated under the first deadline")
        try both.deliver([(Topics.monitoringWarnings, RouterOrderTests.event(.monitoringWarning, "ev-w6-r1", "2024-03-01",
                                                                              key: "hh-6", revised))])

        let last = try InProcessPipeline(RouterProcessor())
        try last.deliver([(Topics.monitoringWarnings, RouterOrderTests.event(.monitoringWarning, "ev-w6-r1", "2024-03-01",
                                                                              key: "hh-6", revised))])
        try last.deliver([(Topics.registryHouseholds, tick)])

        XCTAssertEqual(try escalations(last), ["esc-ref-w6-medical": "2024-03-05"])
        XCTAssertEqual(try escalations(both), try escalations(last), "the same escalation stands, under the last deadline")
    }
}
