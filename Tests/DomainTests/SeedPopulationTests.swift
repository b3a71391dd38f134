import DoudiDomain
import XCTest

/// The synthetic population is valid by intake's own rules, and reproducible.
final class SeedPopulationTests: XCTestCase {
    let asOf = CivilDate(year: 2026, month: 12, day: 31)!

    func testEveryGeneratedSubmissionAndRecordIsValid() throws {
        let generator = PopulationGenerator(seed: 7)
        let encoder = JSONEncoder()
        var records = 0, relief = 0, rejected: [String] = []
        for i in 0..<400 {
            let h = generator.household(i)
            let bytes = Array(try encoder.encode(h.submission))
            switch SubmissionValidator().validate(bytes, asOf: asOf, fallbackSubmissionId: "x", personKey: { "k" + $0 }) {
            case .accepted(let s):
                XCTAssertEqual(s.members.count, h.submission.members.count)
                XCTAssertNil(s.warnings, "a real, current township of the region directory")
            case .rejected(let r): rejected.append(r.errors.map { "\($0.field) \($0.code)" }.joined(separator: ", "))
            case .undecodable(let why): XCTFail(why)
            }
            for r in h.records {
                records += 1
                if case .accepted = DeptRecordValidator().validate(Array(try encoder.encode(r)), asOf: asOf, personKey: { $0 }) {} else {
                    XCTFail("record \(r.recordId) \(r.kind) rejected")
                }
            }
            if h.reliefApplication != nil { relief += 1 }
        }
        XCTAssertEqual(rejected, [], "generated submissions must pass intake validation")
        XCTAssertGreaterThan(records, 20)
        XCTAssertGreaterThan(relief, 2)
    }

    func testTheSameSeedYieldsTheSameHouseholds() {
        XCTAssertEqual(PopulationGenerator(seed: 3).household(42).submission, PopulationGenerator(seed: 3).household(42).submission)
        XCTAssertNotEqual(PopulationGenerator(seed: 3).household(42).submission, PopulationGenerator(seed: 4).household(42).submission)
    }
}
