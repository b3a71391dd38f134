import Foundation
import XCTest
@testable import DoudiDomain

final class ReliefFundTests: XCTestCase {
    func fund(_ opening: Int64 = 100_000) -> ReserveFund { ReserveFund(township: "140105001", openingFen: opening)! }

    func testCanPayBoundaries() {
        let f = fund()
        XCTAssertTrue(f.canPay(99_999))
        XCTAssertTrue(f.canPay(100_000))
        XCTAssertFalse(f.canPay(100_001))
        XCTAssertFalse(f.canPay(0))
        XCTAssertFalse(f.canPay(-1))
        XCTAssertNil(ReserveFund(township: "t", openingFen: -1))
        XCTAssertEqual(ReserveFund(township: "t", openingFen: 0)?.balanceFen, 0)
    }

    func testPaysDownToZeroAndNoFurther() {
        var f = fund()
        XCTAssertEqual(f.disburse(60_000, disbursementId: "d1"), .applied)
        XCTAssertEqual(f.disburse(40_001, disbursementId: "d2"), .insufficient)
        XCTAssertEqual(f.balanceFen, 40_000, "a refused payment changes nothing")
        XCTAssertEqual(f.disburse(40_000, disbursementId: "d2"), .applied)
        XCTAssertEqual(f.balanceFen, 0)
        XCTAssertEqual(f.disburse(1, disbursementId: "d3"), .insufficient)
    }

    func testMovementsCountOnce() {
        var f = fund()
        XCTAssertEqual(f.disburse(10_000, disbursementId: "d1"), .applied)
        XCTAssertEqual(f.disburse(10_000, disbursementId: "d1"), .duplicate)
        XCTAssertEqual(f.replenish(50_000, eventId: "r1"), .applied)
        XCTAssertEqual(f.replenish(50_000, eventId: "r1"), .duplicate)
        XCTAssertEqual(f.replenish(0, eventId: "r2"), .invalidAmount)
        XCTAssertEqual(f.disburse(-5, disbursementId: "d2"), .invalidAmount)
        XCTAssertEqual(f.replenish(.max, eventId: "r3"), .invalidAmount, "would overflow")
        XCTAssertEqual(f.balanceFen, 140_000)
        XCTAssertEqual([f.openingFen, f.replenishedFen, f.disbursedFen], [100_000, 50_000, 10_000])
    }

    /// A long deterministic sequence of random movements, replays included: the balance always
    /// equals opening + replenished − disbursed and never goes below zero.
    func testInvariantUnderRandomMovements() {
        var f = fund(5_000)
        var rng = SplitMix64Local(seed: 42)
        var replenished: Int64 = 0, disbursed: Int64 = 0
        for step in 0..<2_000 {
            let amount = Int64(rng.next() % 20_000) - 1_000
            let id = "m\(rng.next() % 700)"   // ids repeat: replays
            if step % 3 == 0 {
                if f.replenish(amount, eventId: id) == .applied { replenished += amount }
            } else {
                let could = f.canPay(amount)
                let result = f.disburse(amount, disbursementId: id)
                if result == .applied { disbursed += amount; XCTAssertTrue(could) }
                if !could { XCTAssertNotEqual(result, .applied) }
            }
            XCTAssertGreaterThanOrEqual(f.balanceFen, 0)
            XCTAssertEqual(f.balanceFen, 5_000 + replenished - disbursed)
        }
        XCTAssertGreaterThan(disbursed, 0)
    }

    func testFundSurvivesJSON() throws {
        var f = fund()
        f.disburse(1_000, disbursementId: "d1")
        let back = try JSONDecoder().decode(ReserveFund.self, from: JSONEncoder().encode(f))
        XCTAssertEqual(back, f)
        var replay = back
        XCTAssertEqual(replay.disburse(1_000, disbursementId: "d1"), .duplicate)
    }
}

/// The domain's seeded generator, so the sequence is the same on every run.
typealias SplitMix64Local = SplitMix64
