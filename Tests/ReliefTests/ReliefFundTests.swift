// A small township fund under many concurrent applications: it never goes below zero, the cases
// it cannot pay are escalated to the county (task + awaiting_funds) and paid after replenishment.
import DoudiDomain
import Envelope
import Foundation
import GRDB
import TestSupport
import XCTest

final class ReliefSmallFundTests: XCTestCase {
    func testSmallFundIsNeverOverdrawnAndPaysAfterReplenishment() async throws {
        let town = "140105002"
        let h = try await ReliefHarness(standards: standardsJSON(funds: [town: 250_000]), intervalSeconds: 0.2, tickMs: 50)
        try await h.start()
        defer { h.stop() }
        let apps = h.topic("relief.applications")
        try await TestBroker.produce(try (0..<10).map { try applicationEvent("s\($0)", person: 300 + $0, township: town, requested: 100_000) },
                                     to: apps)
        let settled = try await eventually { try h.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM relief_cases") } == 10 }
        XCTAssertTrue(settled)
        func state() throws -> (paid: Int, waiting: Int, balance: Int64) {
            try h.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM relief_stages WHERE paid = 1") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM relief_cases WHERE status = 'awaiting_funds'") ?? 0,
                 try Int64.fetchOne(db, sql: "SELECT balance_fen FROM relief_funds WHERE township = ?", arguments: [town]) ?? -1)
            }
        }
        var s = try state()
        XCTAssertEqual(s.paid, 2); XCTAssertEqual(s.waiting, 8); XCTAssertEqual(s.balance, 50_000)
        let tasks = try await TestBroker.read(h.topic("work.tasks")) { $0.count >= 18 }.map { try decodeMessage($0, WorkTask.self) }
        XCTAssertEqual(tasks.filter { $0.kind == .caseConference && $0.reason.contains("relief_fund_short") }.count, 8,
                       "each unfunded case escalated to the county once")

        func replenish(_ id: String, _ fen: Int64, eventId: String) throws -> CloudEvent {
            try reliefEvent("relief.fund.replenished.v1", id: eventId, key: town,
                            FundReplenishment(replenishmentId: id, township: town, amountFen: fen))
        }
        try await TestBroker.produce([try replenish("c-1", 500_000, eventId: "e1"), try replenish("c-1", 500_000, eventId: "e1-again")], to: apps)
        let partly = try await eventually { try state().paid == 7 }
        XCTAssertTrue(partly)
        try await Task.sleep(for: .seconds(1))
        s = try state()
        XCTAssertEqual(s.paid, 7, "a replenishment counts once"); XCTAssertEqual(s.waiting, 3); XCTAssertEqual(s.balance, 50_000)

        try await TestBroker.produce([try replenish("c-2", 300_000, eventId: "e2")], to: apps)
        let all = try await eventually { try state().paid == 10 }
        XCTAssertTrue(all)
        s = try state()
        XCTAssertEqual(s.waiting, 0); XCTAssertEqual(s.balance, 50_000)
        XCTAssertEqual(try h.unbalancedFunds(), [])
        let paid = try await h.disbursements(expected: 10)
        XCTAssertEqual(Set(paid.ids.keys), Set((0..<10).map { "disb-case-s\($0)-1" }))

        let funds = try runCLI(["relief", "funds", "--url", h.base])
        XCTAssertEqual(fundRow(funds.output, town), [town, "250000", "800000", "1000000", "50000"], funds.output)
    }
}
