import DoudiDomain
import Foundation
import Store
import XCTest

/// StateCoding (the binary form of state blobs): every value comes back equal, JSON rows written
/// before it still read, and damage is an error, not a crash or a wrong value.
final class StateCodingTests: XCTestCase {
    struct Inner: Codable, Equatable { var name: String; var tags: Set<String>; var score: Double? }
    enum Kind: String, Codable { case a, b }
    struct Everything: Codable, Equatable {
        var text = "兜底 \u{0} \"quoted\" / é"
        var empty = ""
        var ints: [Int] = [0, 1, -1, Int.max, Int.min, 127, 128, -64, -65]
        var int64 = Int64.min, int32 = Int32.max, int8 = Int8.min
        var uints: [UInt64] = [0, UInt64.max, 1 << 63], uint8 = UInt8.max
        var double = -0.1, float: Float = 3.25, nan = Double.infinity
        var yes = true, no = false
        var optionalSome: String? = "x", optionalNone: Int? = nil
        var nested: [String: Inner] = ["k1": Inner(name: "n", tags: ["t1", "t2"], score: nil), "": Inner(name: "", tags: [], score: 2)]
        var big: [String: Int] = Dictionary(uniqueKeysWithValues: (0..<100).map { ("key\($0)", $0 * 7) })
        var byInt: [Int: String] = [3: "three", -1: "minus one"]
        var byEnum: [Kind: Int] = [.a: 1, .b: 2]
        var arrays: [[Int?]] = [[1, nil, 3], [], [nil]]
        var kind = Kind.b
        var date = Date(timeIntervalSince1970: 1_764_000_000.5)
        var data = Data([0, 1, 2, 255])
    }

    func testEveryKindOfValueComesBackEqual() throws {
        let value = Everything()
        let blob = try StateCoding.encode(value)
        XCTAssertEqual(try StateCoding.decode(Everything.self, from: blob), value)
    }

    func testAHouseholdHistoryComesBackEqual() throws {
        let members = (0..<3).map { i in
            Member(relation: i == 0 ? .self : .child, name: "成员\(i)", idNumber: "11010519800101001X",
                   health: i == 1 ? .seriousIllness : .healthy, occupation: i == 2 ? .student : .unemployed,
                   laborAbility: .full, personKey: "pk-\(i)", birthDate: i == 2 ? "2010-01-01" : "1980-01-01")
        }
        var p = HouseholdProfile(householdId: "H1", version: 2, regionCode: "110105001", area: .rural, members: members,
                                 supporters: [], income: Income(wagesFen: 0), expenses: Expenses(), assets: Assets(houses: [House(areaM2: 80, safety: "safe")]),
                                 programs: [], flags: [], verificationAuthorized: true, relativeOfStaff: false,
                                 previousPerCapitaMonthlyFen: nil, collectedAt: "2026-09-01T00:00:00Z", updatedAt: "2026-09-01T00:00:00Z")
        p.asOf = "2026-10-01T09:00:00+08:00"
        let h = HouseholdReplay.replay("H1", inputs: [ClassifierInput(.profile(p), time: FactTime(p.asOf!)!)], standards: .defaults,
                                       clockDay: CivilDate(iso: "2026-12-30"))
        XCTAssertFalse(h.warnings.isEmpty, "the history has warnings to carry")
        let blob = try StateCoding.encode(h)
        XCTAssertEqual(try StateCoding.decode(HouseholdHistory.self, from: blob), h)
        XCTAssertLessThan(blob.count, try JSONEncoder().encode(h).count, "the binary form is smaller than JSON")
        // A row written as JSON before this form reads the same.
        XCTAssertEqual(try StateCoding.decode(HouseholdHistory.self, from: try JSONEncoder().encode(h)), h)
    }

    /// The matcher keeps a household's programme holdings in this form: a dictionary keyed by a
    /// struct (encoded as an array of keys and values), optional person keys and amounts.
    func testProgrammeHoldingsComeBackEqual() throws {
        var held = ProgramHoldings()
        let outcomes = [
            Outcome(outcomeId: "o1", referralId: "r1", householdId: "H1", domain: .basicLiving, program: "dibao", status: .granted,
                    amountFen: 59800, decidedAt: "2026-11-04", reason: "granted"),
            Outcome(outcomeId: "o2", referralId: "r2", householdId: "H1", domain: .medical, program: "medical_assistance", status: .granted,
                    amountFen: nil, personKey: "pk-1", decidedAt: "2026-11-12", reason: "granted"),
            Outcome(outcomeId: "o3", referralId: "r3", householdId: "H1", domain: .basicLiving, program: "dibao", status: .granted,
                    amountFen: 61000, decidedAt: "2026-11-13", reason: "granted"),
        ]
        for o in outcomes { held.apply(o) }
        let blob = try StateCoding.encode(held)
        XCTAssertEqual(try StateCoding.decode(ProgramHoldings.self, from: blob), held)
        XCTAssertEqual(try StateCoding.decode(ProgramHoldings.self, from: blob).programs, held.programs)
        XCTAssertEqual(try StateCoding.decode(ProgramHoldings.self, from: try JSONEncoder().encode(held)), held, "rows written as JSON before")
    }

    func testDamagedBlobsAreErrors() throws {
        let blob = try StateCoding.encode(Everything())
        XCTAssertThrowsError(try StateCoding.decode(Everything.self, from: Data([0xD5, 0x01])))
        XCTAssertThrowsError(try StateCoding.decode(Everything.self, from: Data("not a blob".utf8)))
        for cut in stride(from: 3, to: blob.count, by: max(1, blob.count / 40)) {
            XCTAssertThrowsError(try StateCoding.decode(Everything.self, from: blob.prefix(cut)), "cut at \(cut)")
        }
        XCTAssertThrowsError(try StateCoding.decode(Inner.self, from: try StateCoding.encode([1, 2])), "an array is not an object")
    }
}
