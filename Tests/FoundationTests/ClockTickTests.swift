import DoudiDomain
import Envelope
import Foundation
import Kafka
import ServiceKit
import TestSupport
import XCTest

/// `doudi clock tick` (docs/scaling.md, "Event time is per task"; docs/operations.md, "The day
/// begun"): the day begun, one `clock.tick.v1` per partition of `clock.ticks`, the same events
/// however often it is run; only `/doudi/clock` may publish it, and a day not begun is refused.
final class ClockTickTests: XCTestCase {
    func testOneTickPerPartitionTheSameEventsWhenRunAgain() async throws {
        let namespace = try await TestBroker.freshNamespace(partitions: 3)
        let env = ["DOUDI_TOPIC_NAMESPACE": namespace]
        for _ in 0..<2 {
            let run = try runCLI(["clock", "tick", "--day", "2026-11-30"], environment: env)
            XCTAssertEqual(run.status, 0, run.output)
            XCTAssertTrue(run.output.contains("2026-11-30 begun on 3 partition(s)"), run.output)
        }
        let messages = try await TestBroker.readSettled(namespace + ContractTopic.clockTicks.name, minimum: 6)
        XCTAssertEqual(messages.count, 6)
        XCTAssertEqual(Set(messages.compactMap { $0.header("ce_id") }).count, 3, "one id per day and partition: run again, the same events")
        for m in messages {
            XCTAssertEqual(m.header("ce_type"), "clock.tick.v1")
            XCTAssertEqual(m.header("ce_source"), "/doudi/clock")
            XCTAssertEqual(m.header("ce_time"), "2026-11-30T00:00:00+08:00", "the day's midnight, China Standard Time")
            let tick = try JSONDecoder().decode(ClockTick.self, from: Data(m.value))
            XCTAssertEqual(tick, ClockTick(day: "2026-11-30", partition: Int(m.partition)), "each partition its own tick")
        }
        XCTAssertEqual(Set(messages.map(\.partition)), [0, 1, 2])
    }

    func testBadOptionsAreRefusedWithTheirName() throws {
        for (args, says) in [(["--day", "2026-13-01"], "--day must be a date"), (["--every", "0s"], "--every must be a duration"),
                             (["--day", "2026-11-30", "--every", "1h"], "exclude each other"),
                             (["--day", "2999-01-01"], "is after today")] {
            let run = try runCLI(["clock", "tick"] + args)
            XCTAssertNotEqual(run.status, 0, run.output)
            XCTAssertTrue(run.output.contains(says), run.output)
        }
    }

    /// Only the suite's clock says what day it is: a tick from any other producer is dead-lettered
    /// before a service sees it (outside development mode).
    func testOnlyTheClockMayTick() throws {
        let allow = ProducerAllowList(environment: ["DOUDI_MODE": "production"])
        let tick = try ClockTick.event(day: CivilDate(year: 2026, month: 11, day: 30)!, partition: 0)
        XCTAssertNil(allow.refusal(for: tick))
        var forged = tick
        forged.source = "/someone-on-the-network"
        XCTAssertNotNil(allow.refusal(for: forged))
    }
}
