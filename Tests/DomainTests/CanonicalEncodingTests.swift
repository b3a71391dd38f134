import XCTest
@testable import DoudiDomain

/// The canonical form never changes: fingerprints of it are event ids, referral bases and history
/// points that other services and earlier runs hold. `CanonicalEncoding` writes a light tree in one
/// pass; these tests hold it to the bytes of the first encoder (kept here as `ReferenceTreeEncoder`:
/// a `JSONValue` of dictionaries, serialised with sorted keys) on the domain's values and on
/// random values that use every container call in every order.
final class CanonicalEncodingTests: XCTestCase {
    private func assertSame<T: Encodable>(_ value: T, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let expected = ReferenceTreeEncoder.serializedBytes(value)
        let actual = CanonicalEncoding.bytes(value)
        if actual != expected {
            XCTFail("\(what): canonical bytes differ (\(actual.count) against \(expected.count) bytes; first difference at "
                    + "\(zip(actual, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset ?? min(actual.count, expected.count)))",
                    file: file, line: line)
        }
        XCTAssertEqual(CanonicalEncoding.fingerprint(value), FNV1a.hash(bytes: expected), what, file: file, line: line)
    }

    func testDomainValuesKeepTheirBytes() {
        let generator = PopulationGenerator(seed: 77)
        for i in 0..<300 {
            let h = generator.household(i)
            assertSame(h.submission, "submission \(i)")
            assertSame(h.records, "records of \(i)")
            if let a = h.reliefApplication { assertSame(a, "relief application \(i)") }
        }
        for h in 0..<50 {
            assertSame(SyntheticRegistry.profile(household: h, persons: 1_000, personKey: { "pk-" + $0 }), "profile \(h)")
        }
        // Histories with warnings, needs (names, identity numbers, facts), tasks and programmes.
        let inputs = ConvergencePropertyTests.threePoints("H7")
        let history = HouseholdReplay.replay("H7", inputs: inputs, standards: .defaults, clockDay: nil)
        XCTAssertFalse(history.warnings.isEmpty)
        assertSame(history, "history")
        for w in history.warnings.values {
            assertSame(w, "warning \(w.warningId)")
            assertSame(w.withoutIdentities.needs, "needs of \(w.warningId)")
            for need in w.needs { assertSame([w.disposal.rawValue, w.level.rawValue, CanonicalEncoding.serialized([need])], "basis parts") }
        }
        let (student, education) = ConvergencePropertyTests.studentHousehold()
        assertSame(student, "student household")
        assertSame(education, "education warning")
        assertSame(Optional<Warning>.none, "nil")
        assertSame([String: Int](), "empty dictionary")
        assertSame([Int](), "empty array")
    }

    /// A mutation (keys in insertion order, not sorted) is caught: the comparison is not vacuous.
    func testUnsortedKeysWouldBeCaught() {
        let unsorted = Array(#"{"b":1,"a":2}"#.utf8)
        XCTAssertNotEqual(unsorted, CanonicalEncoding.bytes(Probe(steps: [.keyed([("b", .int(1)), ("a", .int(2))])])))
        XCTAssertEqual(Array(#"{"a":2,"b":1}"#.utf8), CanonicalEncoding.bytes(Probe(steps: [.keyed([("b", .int(1)), ("a", .int(2))])])))
    }

    /// The referral bases written directly (ReferralBasis.swift) are the canonical form's.
    func testReferralBasesAreTheCanonicalForms() {
        var rng = SplitMix64(seed: 42)
        let texts = ["", "入户核查", "quote \" back \\ slash", "line\nfeed", "§3.2 (2)"]
        func text() -> String { texts[Int(rng.next() % UInt64(texts.count))] }
        for i in 0..<2_000 {
            let needs = (0..<Int(rng.next() % 4 + 1)).map { _ in
                Need(domain: Domain.allCases[Int(rng.next() % UInt64(Domain.allCases.count))],
                     personKey: rng.next() % 3 == 0 ? nil : "pk-\(rng.next() % 5)", reason: text(), clause: text(),
                     name: rng.next() % 2 == 0 ? nil : "张三", idNumber: rng.next() % 2 == 0 ? nil : "110101199001011234",
                     facts: Dictionary(uniqueKeysWithValues: (0..<Int(rng.next() % 4)).map { ("k\($0)\(text())", text()) }))
            }
            let disposal = Disposal.allCases[Int(rng.next() % UInt64(Disposal.allCases.count))]
            let level = WarningLevel.allCases[Int(rng.next() % UInt64(WarningLevel.allCases.count))]
            let stripped = needs.map { var n = $0; n.name = nil; n.idNumber = nil; return n }
            let expected = String(FNV1a.hash(bytes: ReferenceTreeEncoder.serializedBytes(
                [disposal.rawValue, level.rawValue, String(decoding: ReferenceTreeEncoder.serializedBytes(stripped), as: UTF8.self)])), radix: 16)
            XCTAssertEqual(Warning.basis(disposal: disposal, level: level, needs: needs), expected, "needs \(i)")
        }
        // Every stored property of a need is one the direct writer knows.
        let need = Need(domain: .medical, reason: "r", clause: "c")
        XCTAssertEqual(Set(Mirror(reflecting: need).children.compactMap(\.label)), Need.canonicalFields)
    }

    func testRandomValuesKeepTheirBytes() {
        var rng = SplitMix64(seed: 20261202)
        for i in 0..<3_000 {
            let probe = Probe(steps: (0..<Int(rng.next() % 3 + 1)).map { _ in Probe.randomStep(&rng, depth: 0) })
            assertSame(probe, "random value \(i)")
        }
    }

    func testEscapesAndScalars() {
        let strings = ["", "plain", "quote \" and \\ backslash", "line\nfeed\r\ttab", "\u{01}\u{1f}\u{7f}", "汉字 é e\u{301}", "emoji 👨‍👩‍👧"]
        for s in strings { assertSame(s, "string \(s.debugDescription)"); assertSame([s: s], "key \(s.debugDescription)") }
        assertSame([Int.min, 0, Int.max], "ints")
        assertSame([Int64.min, Int64.max], "int64s")
        assertSame([Int32.min, Int32.max], "int32s")
        assertSame([UInt64.max], "uint64")
        assertSame([0.1, -2.5, 1e300, Double.infinity, -Double.nan, 0], "doubles")
        assertSame([Float(0.1), Float.infinity], "floats")
        assertSame([true, false], "bools")
        assertSame([Optional<String>.none, "x"], "optionals in an array")
        assertSame(["a": Optional<Int>.none, "b": 2], "optionals in a dictionary")
    }
}

/// A value that drives an encoder through a random sequence of container calls.
private struct Probe: Encodable {
    indirect enum Step {
        case int(Int), int64(Int64), int32(Int32), uint64(UInt64), double(Double), float(Float), string(String), bool(Bool), null
        case optionalString(String?), optionalInt(Int?)
        /// Keyed fields in this order (repeated keys allowed: the last write wins).
        case keyed([(String, Step)])
        /// A second keyed container on the same encoder, then these fields.
        case keyedTwice([(String, Step)], [(String, Step)])
        case unkeyed([Step])
        case nestedKeyed(String, [(String, Step)])
        case nestedUnkeyed(String, [Step])
        case superEncoder(Step)
        /// Nothing encoded at all.
        case nothing
        /// An `Encodable` that throws: the whole value is written as the error's text.
        case throwing
    }
    var steps: [Step]

    func encode(to encoder: Encoder) throws {
        for step in steps { try Self.run(step, encoder) }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Boxed: Encodable {
        let step: Step
        func encode(to encoder: Encoder) throws { try Probe.run(step, encoder) }
    }

    static func run(_ step: Step, _ encoder: Encoder) throws {
        switch step {
        case .keyed(let fields):
            var c = encoder.container(keyedBy: Key.self)
            try fill(&c, fields)
        case .keyedTwice(let a, let b):
            var c1 = encoder.container(keyedBy: Key.self)
            try fill(&c1, a)
            var c2 = encoder.container(keyedBy: Key.self)
            try fill(&c2, b)
        case .unkeyed(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try put(&c, item) }
        case .nestedKeyed, .nestedUnkeyed, .superEncoder:
            var c = encoder.container(keyedBy: Key.self)
            try fill(&c, [("wrap", step)])
        case .nothing: break
        case .throwing: throw ProbeError.refused
        default:
            var c = encoder.singleValueContainer()
            switch step {
            case .int(let v): try c.encode(v)
            case .int64(let v): try c.encode(v)
            case .int32(let v): try c.encode(v)
            case .uint64(let v): try c.encode(v)
            case .double(let v): try c.encode(v)
            case .float(let v): try c.encode(v)
            case .string(let v): try c.encode(v)
            case .bool(let v): try c.encode(v)
            case .null: try c.encodeNil()
            case .optionalString(let v): try c.encode(v)
            case .optionalInt(let v): try c.encode(v)
            default: break
            }
        }
    }

    private static func fill(_ c: inout KeyedEncodingContainer<Key>, _ fields: [(String, Step)]) throws {
        for (k, step) in fields {
            let key = Key(k)
            switch step {
            case .int(let v): try c.encode(v, forKey: key)
            case .int64(let v): try c.encode(v, forKey: key)
            case .int32(let v): try c.encode(v, forKey: key)
            case .uint64(let v): try c.encode(v, forKey: key)
            case .double(let v): try c.encode(v, forKey: key)
            case .float(let v): try c.encode(v, forKey: key)
            case .string(let v): try c.encode(v, forKey: key)
            case .bool(let v): try c.encode(v, forKey: key)
            case .null: try c.encodeNil(forKey: key)
            case .optionalString(let v): try c.encodeIfPresent(v, forKey: key)
            case .optionalInt(let v): try c.encodeIfPresent(v, forKey: key)
            case .nestedKeyed(let name, let inner):
                var n = c.nestedContainer(keyedBy: Key.self, forKey: Key(name))
                try fill(&n, inner)
            case .nestedUnkeyed(let name, let items):
                var n = c.nestedUnkeyedContainer(forKey: Key(name))
                for item in items { try put(&n, item) }
            case .superEncoder(let inner):
                try run(inner, k == "super" ? c.superEncoder() : c.superEncoder(forKey: key))
            default: try c.encode(Boxed(step: step), forKey: key)
            }
        }
    }

    private static func put(_ c: inout UnkeyedEncodingContainer, _ step: Step) throws {
        switch step {
        case .int(let v): try c.encode(v)
        case .int64(let v): try c.encode(v)
        case .int32(let v): try c.encode(v)
        case .uint64(let v): try c.encode(v)
        case .float(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .null: try c.encodeNil()
        case .optionalString(let v): try c.encode(v)
        case .nestedKeyed(_, let inner):
            var n = c.nestedContainer(keyedBy: Key.self)
            try fill(&n, inner)
        case .nestedUnkeyed(_, let items):
            var n = c.nestedUnkeyedContainer()
            for item in items { try put(&n, item) }
        case .superEncoder(let inner): try run(inner, c.superEncoder())
        default: try c.encode(Boxed(step: step))
        }
    }

    static func randomStep(_ rng: inout SplitMix64, depth: Int) -> Step {
        let keys = ["a", "b", "c", "B", "aa", "é", "e\u{301}", "super", "0", "z", "汉", "k\"q",
                    "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "Å", "A\u{30a}"]
        func key() -> String { keys[Int(rng.next() % UInt64(keys.count))] }
        func string() -> String { ["", "x", "汉字", "q\"\\", "\n\t\u{01}", "long text with spaces"][Int(rng.next() % 6)] }
        let leafKinds = 11
        let kind = depth >= 4 ? Int(rng.next() % UInt64(leafKinds)) : Int(rng.next() % UInt64(leafKinds + 7))
        // Mostly a few fields; one object in six has 13 to 24 (past the point where a node indexes its keys).
        func fields() -> [(String, Step)] {
            let count = rng.next() % 6 == 0 ? Int(rng.next() % 12 + 13) : Int(rng.next() % 5)
            return (0..<count).map { _ in (key(), randomStep(&rng, depth: depth + 1)) }
        }
        func items() -> [Step] { (0..<Int(rng.next() % 4)).map { _ in randomStep(&rng, depth: depth + 1) } }
        switch kind {
        case 0: return .int(Int(bitPattern: UInt(truncatingIfNeeded: rng.next())) >> Int(rng.next() % 64))
        case 1: return .int64(Int64(bitPattern: rng.next()))
        case 2: return .int32(Int32(truncatingIfNeeded: rng.next()))
        case 3: return .uint64(rng.next())
        case 4: return rng.next() % 2 == 0 ? .double([0.5, -1e-7, 3.0, 1e21, .infinity][Int(rng.next() % 5)])
                                         : .float([0.1, -2.5, 1e30, .nan][Int(rng.next() % 4)])
        case 5: return .string(string())
        case 6: return .bool(rng.next() % 2 == 0)
        case 7: return .null
        case 8: return .optionalString(rng.next() % 2 == 0 ? nil : string())
        case 9: return .optionalInt(rng.next() % 2 == 0 ? nil : 7)
        case 10: return rng.next() % 50 == 0 ? .throwing : .nothing
        case 11, 12: return .keyed(fields())
        case 13: return .keyedTwice(fields(), fields())
        case 14: return .unkeyed(items())
        case 15: return .nestedKeyed(key(), fields())
        case 16: return .nestedUnkeyed(key(), items())
        default: return .superEncoder(randomStep(&rng, depth: depth + 1))
        }
    }
}

private enum ProbeError: Error { case refused }

/// The first canonical encoder, as it was: a tree of slots resolved into a `JSONValue` of
/// dictionaries and serialised with sorted keys. The reference for the bytes.
enum ReferenceTreeEncoder {
    static func serializedBytes<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = TreeEncoder()
        let result: JSONValue
        do { try value.encode(to: encoder); result = encoder.storage.result ?? .null } catch { result = .string("unencodable: \(error)") }
        return result.serializedBytes
    }

    final class Slot {
        enum Content { case empty, value(JSONValue), object([String: Slot]), array([Slot]) }
        var content: Content = .empty

        var result: JSONValue? {
            switch content {
            case .empty: return nil
            case .value(let v): return v
            case .object(let fields):
                var out: [String: JSONValue] = [:]
                for (k, slot) in fields { if let v = slot.result { out[k] = v } }
                return .object(out)
            case .array(let items): return .array(items.map { $0.result ?? .null })
            }
        }

        func object() -> Slot {
            if case .object = content {} else { content = .object([:]) }
            return self
        }

        func child(_ key: String) -> Slot {
            guard case .object(var fields) = content else { content = .object([:]); return child(key) }
            if let existing = fields[key] { return existing }
            content = .empty
            let slot = Slot()
            fields[key] = slot
            content = .object(fields)
            return slot
        }

        func append() -> Slot {
            guard case .array(var items) = content else { content = .array([]); return append() }
            content = .empty
            let slot = Slot()
            items.append(slot)
            content = .array(items)
            return slot
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
    }

    final class TreeEncoder: Encoder {
        let storage: Slot
        var codingPath: [CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]

        init(_ slot: Slot = Slot()) { storage = slot }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Keyed<Key>(slot: storage.object()))
        }
        func unkeyedContainer() -> UnkeyedEncodingContainer {
            if case .array = storage.content {} else { storage.content = .array([]) }
            return Unkeyed(slot: storage)
        }
        func singleValueContainer() -> SingleValueEncodingContainer { Single(slot: storage) }

        static func number(_ text: String) -> JSONValue { .number(JSONNumber(validatedLexeme: text)) }

        static func encode<T: Encodable>(_ value: T, into slot: Slot) throws {
            switch value {
            case let v as String: slot.content = .value(.string(v))
            case let v as Bool: slot.content = .value(.bool(v))
            case let v as Int: slot.content = .value(number(String(v)))
            case let v as Int64: slot.content = .value(number(String(v)))
            case let v as Int32: slot.content = .value(number(String(v)))
            case let v as UInt64: slot.content = .value(number(String(v)))
            case let v as Double: slot.content = .value(number(v.isFinite ? String(v) : "0"))
            case let v as Float: slot.content = .value(number(v.isFinite ? String(v) : "0"))
            default: try value.encode(to: TreeEncoder(slot))
            }
        }

        struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
            let slot: Slot
            var codingPath: [CodingKey] = []
            mutating func encodeNil(forKey key: Key) throws { slot.child(key.stringValue).content = .value(.null) }
            mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try TreeEncoder.encode(value, into: slot.child(key.stringValue)) }
            mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
                if let value { try encode(value, forKey: key) }
            }
            mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type, forKey key: Key) -> KeyedEncodingContainer<N> {
                KeyedEncodingContainer(Keyed<N>(slot: slot.child(key.stringValue).object()))
            }
            mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
                let child = slot.child(key.stringValue)
                child.content = .array([])
                return Unkeyed(slot: child)
            }
            mutating func superEncoder() -> Encoder { TreeEncoder(slot.child("super")) }
            mutating func superEncoder(forKey key: Key) -> Encoder { TreeEncoder(slot.child(key.stringValue)) }
        }

        struct Unkeyed: UnkeyedEncodingContainer {
            let slot: Slot
            var codingPath: [CodingKey] = []
            var count: Int { if case .array(let items) = slot.content { items.count } else { 0 } }
            mutating func encodeNil() throws { slot.append().content = .value(.null) }
            mutating func encode<T: Encodable>(_ value: T) throws { try TreeEncoder.encode(value, into: slot.append()) }
            mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type) -> KeyedEncodingContainer<N> {
                KeyedEncodingContainer(Keyed<N>(slot: slot.append().object()))
            }
            mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
                let child = slot.append()
                child.content = .array([])
                return Unkeyed(slot: child)
            }
            mutating func superEncoder() -> Encoder { TreeEncoder(slot.append()) }
        }

        struct Single: SingleValueEncodingContainer {
            let slot: Slot
            var codingPath: [CodingKey] = []
            mutating func encodeNil() throws { slot.content = .value(.null) }
            mutating func encode<T: Encodable>(_ value: T) throws { try TreeEncoder.encode(value, into: slot) }
        }
    }
}
