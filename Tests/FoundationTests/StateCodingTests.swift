import DoudiDomain
import Foundation
@testable import Store
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
        let h = Self.history()
        XCTAssertFalse(h.warnings.isEmpty, "the history has warnings to carry")
        let blob = try StateCoding.encode(h)
        XCTAssertEqual(try StateCoding.decode(HouseholdHistory.self, from: blob), h)
        XCTAssertLessThan(blob.count, try JSONEncoder().encode(h).count, "the binary form is smaller than JSON")
        // A row written as JSON before this form reads the same.
        XCTAssertEqual(try StateCoding.decode(HouseholdHistory.self, from: try JSONEncoder().encode(h)), h)
    }

    static func history() -> HouseholdHistory {
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
        return HouseholdReplay.replay("H1", inputs: [ClassifierInput(.profile(p), time: FactTime(p.asOf!)!)], standards: .defaults,
                                      clockDay: CivilDate(iso: "2026-12-30"))
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
        try assertStreamed(held, "programme holdings")
        XCTAssertEqual(try StateCoding.decode(ProgramHoldings.self, from: blob), held)
        XCTAssertEqual(try StateCoding.decode(ProgramHoldings.self, from: blob).programs, held.programs)
        XCTAssertEqual(try StateCoding.decode(ProgramHoldings.self, from: try JSONEncoder().encode(held)), held, "rows written as JSON before")
    }

    // MARK: the stream encoder (StateStream) against the tree encoder

    /// A value encoded as it goes gives the tree encoder's bytes, without falling back to it.
    func assertStreamed<T: Codable & Equatable>(_ value: T, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        guard let streamed = try StateCoding.encodeStreaming(value) else { return XCTFail("\(what): fell back to the tree", file: file, line: line) }
        XCTAssertEqual([UInt8](streamed), [UInt8](try StateCoding.encodeAsTree(value)), what, file: file, line: line)
        XCTAssertEqual(try StateCoding.decode(T.self, from: streamed), value, what, file: file, line: line)
    }

    /// A value whose encoding the stream cannot follow falls back: the tree's bytes, decoded equal.
    func assertFallsBack<T: Encodable>(_ value: T, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertNil(try StateCoding.encodeStreaming(value), what, file: file, line: line)
        XCTAssertEqual([UInt8](try StateCoding.encode(value)), [UInt8](try StateCoding.encodeAsTree(value)), what, file: file, line: line)
    }

    struct Many: Codable, Equatable {
        var long = (0..<300).map { $0 % 7 == 0 ? nil : Int32($0 - 150) }
        var wide = Dictionary(uniqueKeysWithValues: (0..<200).map { ("k\($0)", [UInt8($0 % 256)]) })
        var deep: [[[String: [Int]]]] = [[["a": Array(0..<130)]], [], [[:]]]
        var small: [UInt16?] = [nil, 1, UInt16.max]
    }

    /// Asks for its container twice (as a subclass's encoding may): both halves land in one object.
    struct TwoHalves: Codable, Equatable {
        var a = 1, b = "two"
        enum A: String, CodingKey { case a }
        enum B: String, CodingKey { case b }
        init() {}
        init(from decoder: Decoder) throws {
            a = try decoder.container(keyedBy: A.self).decode(Int.self, forKey: .a)
            b = try decoder.container(keyedBy: B.self).decode(String.self, forKey: .b)
        }
        func encode(to encoder: Encoder) throws {
            var first = encoder.container(keyedBy: A.self)
            try first.encode(a, forKey: .a)
            var second = encoder.container(keyedBy: B.self)
            try second.encode(b, forKey: .b)
        }
    }

    /// Nested containers filled in turn, then the parent again; a value that wraps another in a
    /// single-value container; a value that writes nothing (null).
    struct Nesting: Codable, Equatable {
        struct Wrapped: Codable, Equatable {
            var inner: Inner
            init(inner: Inner) { self.inner = inner }
            init(from decoder: Decoder) throws { inner = try decoder.singleValueContainer().decode(Inner.self) }
            func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(inner) }
        }
        struct Nothing: Codable, Equatable {
            init() {}
            init(from decoder: Decoder) throws {}
            func encode(to encoder: Encoder) throws {}
        }
        var x = 1, list = [2, 3], y = "y"
        var wrapped = Wrapped(inner: Inner(name: "w", tags: ["t"], score: 1.5))
        var nothing = [Nothing(), Nothing()]
        enum Keys: String, CodingKey { case x, nested, list, y, wrapped, nothing }
        enum NestedKeys: String, CodingKey { case x }
        init() {}
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            x = try c.nestedContainer(keyedBy: NestedKeys.self, forKey: .nested).decode(Int.self, forKey: .x)
            var l = try c.nestedUnkeyedContainer(forKey: .list)
            list = []
            while !l.isAtEnd { list.append(try l.decode(Int.self)) }
            y = try c.decode(String.self, forKey: .y)
            wrapped = try c.decode(Wrapped.self, forKey: .wrapped)
            nothing = try c.decode([Nothing].self, forKey: .nothing)
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            var n = c.nestedContainer(keyedBy: NestedKeys.self, forKey: .nested)
            try n.encode(x, forKey: .x)
            var l = c.nestedUnkeyedContainer(forKey: .list)
            for v in list { try l.encode(v) }
            try c.encode(y, forKey: .y)
            try c.encode(wrapped, forKey: .wrapped)
            try c.encode(nothing, forKey: .nothing)
        }
    }

    /// Fills a nested container after writing to its parent again.
    struct FilledLate: Encodable {
        enum Keys: String, CodingKey { case nested, after }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            var n = c.nestedUnkeyedContainer(forKey: .nested)
            try c.encode(1, forKey: .after)
            try n.encode("late")
        }
    }

    /// Writes one key twice (the tree keeps the last value).
    struct SameKeyTwice: Encodable {
        enum Keys: String, CodingKey { case k }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(1, forKey: .k)
            try c.encode([2], forKey: .k)
        }
    }

    class Base: Encodable { var base = 1 }
    final class Derived: Base {
        var derived = "d"
        enum Keys: String, CodingKey { case derived }
        override func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(derived, forKey: .derived)
            try super.encode(to: c.superEncoder())
        }
    }

    func testTheStreamWritesTheTreesBytes() throws {
        try assertStreamed(Everything(), "every kind of value")
        try assertStreamed(Self.history(), "a household history")
        try assertStreamed(Many(), "counts of 128 and more, at every depth")
        try assertStreamed(TwoHalves(), "a container asked for twice")
        try assertStreamed(Nesting(), "nested containers, a wrapped value, a value that writes nothing")
        try assertStreamed([Inner](), "an empty array at the top")
        try assertStreamed("a string at the top", "a primitive at the top")
        try assertStreamed(Optional<Int>.none, "null at the top")
        XCTAssertEqual(try StateCoding.decode([Nesting.Nothing?].self, from: try StateCoding.encode([Nesting.Nothing()])), [nil],
                       "a value that writes nothing is null, as in the tree")
    }

    func testWhatTheStreamCannotFollowIsEncodedByTheTree() throws {
        try assertFallsBack(FilledLate(), "a nested container filled after its parent moved on")
        try assertFallsBack(SameKeyTwice(), "a key written twice")
        try assertFallsBack(Derived(), "a super encoder")
        try assertFallsBack(["x": FilledLate()], "inside a dictionary")
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
