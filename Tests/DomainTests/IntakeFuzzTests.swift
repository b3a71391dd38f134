import XCTest
@testable import DoudiDomain

/// The domain's SplitMix64: small, seeded, the same sequence on every machine.
typealias SeededGenerator = SplitMix64

final class IntakeFuzzTests: XCTestCase {
    static let fixtureBytes = Array(Fixture.text.utf8)
    static let paths = ["channel", "regionCode", "area", "applicant", "applicant.name", "applicant.idNumber", "applicant.phone",
                        "members", "members[0]", "members[1].idNumber", "members[2].disabilityGrade", "members[3].relation",
                        "income", "income.wagesFen", "expenses.medicalFen", "assets", "assets.houses", "assets.houses[0].areaM2",
                        "assets.vehicles[0]", "supporters", "supporters[0].annualSupportFen", "collectedAt", "declarationSigned",
                        "hardshipReasons", "submissionId"]
    static let hostileValues: [String] = ["null", "true", "-1", "1e400", "-0.0", "12.5", "\"\"", "[]", "{}", "[[[[[]]]]]",
                                          "\"\\u0000\"", "\"\\ud800\\udc00\"", "99999999999999999999999", "\"１２３\"",
                                          "[null,null]", "{\"a\":{\"b\":{}}}", "\"x\"", "0"]

    func testRandomInputsAlwaysGiveOneOfTheThreeOutcomes() {
        var rng = SeededGenerator(seed: 20_210_101)
        var counts = [0, 0, 0]
        for round in 0..<5_000 {
            let bytes = Self.input(round: round, &rng)
            let outcome = SubmissionValidator().validate(bytes, asOf: Fixture.asOf, fallbackSubmissionId: "fuzz-\(round)",
                                                         personKey: Fixture.personKey)
            switch outcome {
            case .accepted(let s):
                counts[0] += 1
                XCTAssertTrue(s.members.allSatisfy { $0.personKey != nil && $0.age != nil }, "round \(round)")
            case .rejected(let r):
                counts[1] += 1
                XCTAssertFalse(r.errors.isEmpty, "round \(round): rejected without errors")
                XCTAssertTrue(r.errors.allSatisfy { IntakeErrorCode(rawValue: $0.code) != nil && !$0.message.isEmpty })
            case .undecodable(let reason):
                counts[2] += 1
                XCTAssertFalse(reason.isEmpty)
            }
            // The same bytes through the department validator and the CSV parser must not crash either.
            _ = DeptRecordValidator().validate(bytes, asOf: Fixture.asOf, personKey: Fixture.personKey)
            _ = try? CSV.records(String(decoding: bytes.prefix(4096), as: UTF8.self))
        }
        XCTAssertGreaterThan(counts[0], 0, "some mutations keep the form valid")
        XCTAssertGreaterThan(counts[1], 500)
        XCTAssertGreaterThan(counts[2], 500)
    }

    /// Round-robin over the strategies in a cycle of 20: ~750 cases each, ~250 of the costly huge strings.
    static func input(round: Int, _ rng: inout SeededGenerator) -> [UInt8] {
        switch round % 20 {
        case 0...2: // random bytes, mostly printable JSON punctuation so the parser gets past the first byte
            let alphabet = Array("{}[]\":,0123456789-.eEtrufalsn \\u".utf8)
            return (0..<Int.random(in: 0..<200, using: &rng)).map { _ in
                Bool.random(using: &rng) ? UInt8.random(in: 0...255, using: &rng) : alphabet.randomElement(using: &rng)!
            }
        case 3...5: // truncated form
            return Array(fixtureBytes.prefix(Int.random(in: 0..<fixtureBytes.count, using: &rng)))
        case 6...8: // flipped bytes in the form
            var bytes = fixtureBytes
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            return bytes
        case 9...12: // wrong types and hostile values at known paths
            var document = Fixture.document
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                document = document.setting(paths.randomElement(using: &rng)!, json: hostileValues.randomElement(using: &rng)!)
            }
            return document.serializedBytes
        case 13: // huge strings, around the 64 KiB limit
            let size = Int.random(in: 60_000...70_000, using: &rng)
            let path = ["applicant.name", "registeredAddress", "members[1].name", "collectedBy"].randomElement(using: &rng)!
            return Fixture.document.setting(path, .string(String(repeating: "档", count: size / 3))).serializedBytes
        case 14...16: // deep nesting, around the depth limit
            let depth = Int.random(in: 20...60, using: &rng)
            let open = Bool.random(using: &rng) ? "[" : "{\"k\":"
            let close = open == "[" ? "]" : "}"
            let nested = String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
            return Array((Bool.random(using: &rng) ? nested : #"{"channel":"home_visit","members":"# + nested + "}").utf8)
        default: // invalid UTF-8 inside a string of the form
            var bytes = fixtureBytes
            let invalid: [[UInt8]] = [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0x80], [0xE2, 0x82]]
            let at = (fixtureBytes.firstIndex(of: 0xE5) ?? 40) + Int.random(in: 0...300, using: &rng)
            bytes.insert(contentsOf: invalid.randomElement(using: &rng)!, at: min(at, bytes.count))
            return bytes
        }
    }
}
