import DoudiDomain
import Envelope
import Foundation
import Ledger
import TestSupport
import XCTest

/// The convergence property (docs/architecture.md "Convergence"): the same inputs give the same
/// business ledger whatever the interleaving of topics, batch sizes, start order, restarts and replays.
final class ConvergenceTests: XCTestCase {
    static let households = Int(ProcessInfo.processInfo.environment["DOUDI_CONVERGENCE_HOUSEHOLDS"] ?? "") ?? 500
    static let seed: UInt64 = 4242

    func chaos(_ seed: UInt64) -> [String: String] {
        ["DOUDI_TEST_CHAOS_SEED": String(seed), "DOUDI_TEST_CHAOS_MAX_DELAY_MS": "40", "DOUDI_TEST_CHAOS_MAX_BATCH": "25"]
    }

    func assertSame(_ a: BusinessLedger, _ b: BusinessLedger, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let differences = a.differences(from: b)
        let bySection = Dictionary(grouping: differences, by: \.section).mapValues(\.count)
        XCTAssertTrue(differences.isEmpty, "\(what): \(differences.count) differences \(bySection)\n"
                      + differences.prefix(12).map(\.description).joined(separator: "\n"), file: file, line: line)
    }

    func testSameInputsSameLedgerWhateverTheInterleaving() async throws {
        let a = try await SuiteRun("conv-a", environment: chaos(1))
        try a.start()
        try await a.seed(households: Self.households, seed: Self.seed)
        let settledA = try await a.waitUntilSettled()
        XCTAssertTrue(settledA, a.logs)
        let ledgerA = try await a.ledger()
        a.stop()

        let b = try await SuiteRun("conv-b", environment: chaos(2))
        try b.start(SuiteRun.services.reversed())
        try await b.seed(households: Self.households, seed: Self.seed, recordsFirst: true)
        let settledB = try await b.waitUntilSettled()
        XCTAssertTrue(settledB, b.logs)
        let ledgerB = try await b.ledger()
        b.stop()

        print("convergence: A \(ledgerA.sections.mapValues(\.count)) intermediate \(ledgerA.intermediate)")
        print("convergence: B \(ledgerB.sections.mapValues(\.count)) intermediate \(ledgerB.intermediate)")
        XCTAssertGreaterThan(ledgerA.sections["referrals"]?.count ?? 0, Self.households / 5, "the population gives work to do")
        assertSame(ledgerA, ledgerB, "two interleavings")
    }
}
