// Exactly once under crashes and replays: SIGKILL at random moments during a run of staged
// payments, then a replay of relief.applications from the earliest offset, pay every due stage
// once — counted on the topics (distinct disbursement ids) and in the store (debits per stage).
import DoudiDomain
import Envelope
import Foundation
import GRDB
import TestSupport
import XCTest

final class ReliefCrashTests: XCTestCase {
    func testSigkillDuringStagedPaymentsPaysEveryStageOnce() async throws {
        // 3 monthly stages after the aid-first stage; a "month" is 3 s, so stages fall due while we kill.
        let h = try await ReliefHarness(standards: standardsJSON(monthlyStages: 3), intervalSeconds: 3, tickMs: 100)
        let waves = 3, perWave = 20, cases = waves * perWave
        try await h.start()
        let expected = Set((0..<cases).flatMap { i in (1...4).map { "disb-case-k\(i)-\($0)" } })

        var rng = SystemRandomNumberGenerator()
        var paidAtKills: [Int] = []
        for round in 0..<6 {
            if round % 2 == 0 {
                let wave = round / 2
                try await TestBroker.produce(try (wave * perWave..<(wave + 1) * perWave).map {
                    try applicationEvent("k\($0)", person: 100 + $0, township: "14010500\($0 % 3 + 1)", requested: 250_000)
                }, to: h.topic("relief.applications"))
            }
            // Kill while payments are under way: after some progress since the last kill, at a random moment.
            let before = (try? h.paidStages()) ?? 0
            _ = try await eventually(timeout: .seconds(30)) { ((try? h.paidStages()) ?? 0) > before }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...900, using: &rng)))
            h.kill9()
            paidAtKills.append(try h.paidStages())
            XCTAssertEqual(try h.doubleDebits(), 0, "after kill \(round)")
            XCTAssertEqual(try h.unbalancedFunds(), [], "after kill \(round)")
            try await h.start()
        }
        XCTAssertGreaterThanOrEqual(paidAtKills.filter { $0 > 0 && $0 < expected.count }.count, 4,
                                    "kills landed in the middle of the run: \(paidAtKills)")
        defer { h.stop() }
        let allPaid = try await eventually(timeout: .seconds(90)) { try h.paidStages() == expected.count }
        let paidCount = try h.paidStages()
        XCTAssertTrue(allPaid, "paid \(paidCount) of \(expected.count)")

        let topic = try await h.disbursements(expected: expected.count)
        XCTAssertEqual(Set(topic.ids.keys), expected, "every due stage on the topic, none invented")
        XCTAssertTrue(topic.ids.allSatisfy { $0.value == ($0.key.hasSuffix("-1") ? 100_000 : 50_000) })
        XCTAssertEqual(try h.doubleDebits(), 0)
        XCTAssertEqual(try h.unbalancedFunds(), [])
        let debits = try h.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM relief_fund_movements WHERE kind = 'disbursement'") }
        XCTAssertEqual(debits, expected.count)
        let disbursed = try h.read { try Int64.fetchOne($0, sql: "SELECT sum(disbursed_fen) FROM relief_funds") }
        XCTAssertEqual(disbursed, Int64(cases) * 250_000)
        let outcomes = try await TestBroker.read(h.topic("assistance.outcomes")) { msgs in
            Set(msgs.compactMap { try? decodeMessage($0, Outcome.self).outcomeId }).count >= expected.count
        }
        XCTAssertEqual(Set(outcomes.map { try! decodeMessage($0, Outcome.self).outcomeId }).count, expected.count)
    }

    func testReplayFromTheEarliestOffsetPaysNothingAgain() async throws {
        let h = try await ReliefHarness(standards: standardsJSON(monthlyStages: 2), intervalSeconds: 0.5)
        try await h.start()
        let apps = h.topic("relief.applications")
        try await TestBroker.produce(try (0..<6).map { try applicationEvent("r\($0)", person: 200 + $0, requested: 200_000) }
                                     + [try reliefEvent("relief.fund.replenished.v1", id: "evt-repl-1", key: "140105001",
                                                        FundReplenishment(replenishmentId: "top-up-1", township: "140105001", amountFen: 70_000))],
                                     to: apps)
        let expected = 6 * 3
        let allPaid = try await eventually { try h.paidStages() == expected }
        XCTAssertTrue(allPaid)
        let before = try await h.disbursements(expected: expected)
        let fundsBefore = try h.read { try Row.fetchAll($0, sql: "SELECT * FROM relief_funds ORDER BY township").map(\.description) }
        h.stop()

        try await TestBroker.waitUntilGroupIsEmpty(h.group)  // a killed member is listed until its session times out
        let replay = try runCLI(["replay", "--group", h.group, "--to-earliest"])
        XCTAssertEqual(replay.status, 0, replay.output)
        try await h.start()
        defer { h.stop() }
        // The same application and replenishment re-sent under new event ids: recognised by their own ids.
        try await TestBroker.produce([try applicationEvent("r0", person: 200, requested: 200_000, eventId: "evt-r0-resent"),
                                      try reliefEvent("relief.fund.replenished.v1", id: "evt-repl-1-resent", key: "140105001",
                                                      FundReplenishment(replenishmentId: "top-up-1", township: "140105001", amountFen: 70_000))],
                                     to: apps)
        let reread = try await eventually {
            try h.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM runtime_applied_events WHERE event_id LIKE '%resent'") } == 2
        }
        XCTAssertTrue(reread, "the re-sent events were consumed")
        let offsets = try h.read { try Int64.fetchOne($0, sql: "SELECT sum(next_offset) FROM runtime_offsets WHERE topic = ?", arguments: [apps]) }
        XCTAssertEqual(offsets, 9, "the replayed log was read to its end")
        try await Task.sleep(for: .seconds(3))   // a few scheduler ticks
        XCTAssertEqual(try h.paidStages(), expected)
        XCTAssertEqual(try h.read { try Row.fetchAll($0, sql: "SELECT * FROM relief_funds ORDER BY township").map(\.description) },
                       fundsBefore, "no movement after the replay")
        let after = try await TestBroker.readSettled(h.topic("relief.disbursements"), minimum: before.messages, quiet: .seconds(4))
        XCTAssertEqual(after.count, before.messages, "nothing published again")
        XCTAssertEqual(try h.unbalancedFunds(), [])
    }
}

