import DoudiDomain
import XCTest

/// The benchmark population must be valid input: real check digits, unique numbers, and the
/// record mix the benchmark reports.
final class MatcherSyntheticRegistryTests: XCTestCase {
    func testIdentityNumbersAreValidAndUnique() {
        let asOf = CivilDate(year: 2024, month: 6, day: 30)!
        var seen: Set<String> = []
        for i in stride(from: 0, to: 2_000_000, by: 997) {
            let number = SyntheticRegistry.idNumber(i)
            guard case .success = IdentityNumber.parse(number, asOf: asOf) else { return XCTFail("invalid number for \(i)") }
            XCTAssertTrue(seen.insert(number).inserted)
        }
    }

    func testHouseholdsPartitionThePersons() {
        let persons = 10
        let households = (0..<SyntheticRegistry.householdCount(persons: persons)).map {
            SyntheticRegistry.profile(household: $0, persons: persons) { "k" + $0 }
        }
        XCTAssertEqual(households.map(\.members.count), [3, 3, 3, 1])
        XCTAssertEqual(Set(households.flatMap { $0.members.compactMap(\.personKey) }).count, persons)
    }

    func testBenchRecordMix() {
        let kinds = (0..<10).map { SyntheticRegistry.benchRecord($0, persons: 100).kind }
        XCTAssertEqual(kinds.filter { $0 == .medicalExpense }.count, 8)
        XCTAssertEqual(kinds.filter { $0 == .unemploymentRegistration }.count, 1)
        XCTAssertEqual(kinds.filter { $0 == .unionHardship }.count, 1)
    }
}
