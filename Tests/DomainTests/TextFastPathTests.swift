import XCTest
@testable import DoudiDomain

/// The matcher's and the intake's byte-level paths against the Unicode-property code they replaced:
/// the same answer for every scalar, and for identity numbers of every kind of damage.
final class TextFastPathTests: XCTestCase {
    /// `isBlank` lists White_Space instead of asking for the property: the same for every scalar.
    func testBlankIsUnicodeWhiteSpaceOrAnInvisibleMarkForEveryScalar() {
        let invisible: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]
        var blanks = 0
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected = invisible.contains(value) || scalar.properties.isWhitespace
            if TextNormalization.isBlank(scalar) != expected { return XCTFail("U+\(String(value, radix: 16)): expected \(expected)") }
            if expected { blanks += 1 }
        }
        XCTAssertEqual(blanks, 25 + invisible.count)
    }

    /// The parse before the byte path (Characters and their numeric properties), kept as the reference.
    static func referenceParse(_ raw: String, asOf: CivilDate) -> Result<IdentityNumber, IdentityNumber.Problem> {
        let text = IdentityNumber.normalize(raw)
        let chars = Array(text)
        guard chars.count == 18, chars[..<17].allSatisfy({ $0.isASCII && $0.isNumber }),
              chars[17] == "X" || (chars[17].isASCII && chars[17].isNumber) else { return .failure(.format) }
        let digits = chars[..<17].compactMap { $0.wholeNumberValue }
        guard IdentityNumber.checkCharacter(for: digits) == chars[17] else { return .failure(.checkDigit) }
        guard IdentityNumber.provinceCodes.contains(String(chars[0..<2])) else { return .failure(.province) }
        guard let birth = CivilDate(compact: String(chars[6..<14])), birth <= asOf,
              birth.age(on: asOf) <= IdentityNumber.maximumAgeYears else { return .failure(.birthDate) }
        return IdentityNumber.parse(text, asOf: asOf)  // the value itself, once the reference accepts it
    }

    func testIdentityNumbersParseAsBeforeWhateverTheDamage() {
        let asOf = CivilDate(year: 2024, month: 6, day: 30)!
        var rng = SplitMix64(seed: 20261203)
        let replacements: [String] = ["x", "X", "０", "５", "٣", "a", " ", "\u{3000}", "\u{200B}", "é", "e\u{301}", "\r\n", "-", "9", "0"]
        var corpus: [String] = ["", "X", "11010519491231002X", "11010519491231002x", " 11010519491231002X ", "１１０１０５１９４９１２３１００２Ｘ",
                                "110105194912310021", "1101051949123100", "11010519491231002X0", "99010519491231002X", "11010520991231002X",
                                TestID.make("110105", "20991231", "002"), TestID.make("110105", "19490230", "002")]
        for _ in 0..<4_000 {
            var chars = Array(TestID.make(["110101", "310104", "440305", "650102", "810000", "990000"].randomElement(using: &rng)!,
                                          "19\(Int.random(in: 10...99, using: &rng))0\(Int.random(in: 1...9, using: &rng))1\(Int.random(in: 0...9, using: &rng))",
                                          String(format: "%03d", Int.random(in: 0...999, using: &rng))).map(String.init))
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: break
            case 1: chars[Int.random(in: 0..<chars.count, using: &rng)] = replacements.randomElement(using: &rng)!
            case 2: chars.remove(at: Int.random(in: 0..<chars.count, using: &rng))
            case 3: chars.insert(replacements.randomElement(using: &rng)!, at: Int.random(in: 0...chars.count, using: &rng))
            default: chars.swapAt(Int.random(in: 0..<chars.count, using: &rng), Int.random(in: 0..<chars.count, using: &rng))
            }
            corpus.append(chars.joined())
        }
        var outcomes: [String: Int] = [:]
        for raw in corpus {
            let new = IdentityNumber.parse(raw, asOf: asOf), old = Self.referenceParse(raw, asOf: asOf)
            switch (new, old) {
            case (.success(let a), .success(let b)): XCTAssertEqual(a, b, raw)
            case (.failure(let a), .failure(let b)): XCTAssertEqual(a, b, raw)
            default: XCTFail("\(raw.debugDescription): \(new) against \(old)")
            }
            if case .failure(let p) = old { outcomes["\(p)", default: 0] += 1 } else { outcomes["valid", default: 0] += 1 }
        }
        XCTAssertEqual(Set(outcomes.keys), ["valid", "format", "checkDigit", "province", "birthDate"], "every outcome is exercised: \(outcomes)")
    }
}
