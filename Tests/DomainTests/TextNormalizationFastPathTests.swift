// TextNormalization returns most fields unchanged without rebuilding them (a tenth of the intake's
// CPU): the fast paths must give exactly what the plain scalar-by-scalar forms give, on strings
// made of what people type — CJK, ASCII, full-width forms, the ideographic space, tabs, newlines,
// zero-width marks, middle-dot variants — at either end and in runs.
import XCTest
@testable import DoudiDomain

final class TextNormalizationFastPathTests: XCTestCase {
    /// The forms before the fast paths, as references.
    enum Reference {
        static func trimmed(_ text: String) -> String {
            let scalars = Array(text.unicodeScalars)
            guard let first = scalars.firstIndex(where: { !TextNormalization.isBlank($0) }),
                  let last = scalars.lastIndex(where: { !TextNormalization.isBlank($0) }) else { return "" }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[first...last])
            return String(view)
        }

        static func freeText(_ text: String) -> String {
            var view = String.UnicodeScalarView()
            var pendingSpace = false
            for scalar in trimmed(TextNormalization.foldFullWidth(text)).unicodeScalars {
                if TextNormalization.isBlank(scalar) { pendingSpace = true; continue }
                if pendingSpace { view.append(" "); pendingSpace = false }
                view.append(scalar)
            }
            return String(view)
        }

        static func personName(_ text: String) -> String {
            var view = String.UnicodeScalarView()
            for scalar in freeText(text).unicodeScalars {
                switch scalar.value {
                case 0x2022, 0x30FB, 0xFF65, 0x2027, 0x22C5: view.append("\u{00B7}")
                default: view.append(scalar)
                }
            }
            return String(view)
        }
    }

    func testFastPathsGiveWhatTheReferenceGives() {
        func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }
        let alphabet: [String] = ["a", "Z", "1", "-", "·", "李", "阿", "京", " ", "  ", "\t", "\n", "\u{3000}", "\u{200B}", "\u{FEFF}",
                                  "\u{00A0}", "１", "Ａ", "\u{FF5E}", "•", "・", "･", "\u{2027}", "\u{22C5}", "e\u{0301}", "\u{00E9}", "\u{0085}", "\u{2028}", "🙂"]
        var rng = SplitMix64(seed: 2026)
        var unchanged = 0
        for n in 0..<20_000 {
            let length = n < 200 ? n % 4 : Int(rng.next() % 9)
            let text = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }.joined()
            // Compared scalar by scalar: String's == would let canonically equivalent forms pass.
            XCTAssertEqual(scalars(TextNormalization.trimmed(text)), scalars(Reference.trimmed(text)), text.debugDescription)
            XCTAssertEqual(scalars(TextNormalization.freeText(text)), scalars(Reference.freeText(text)), text.debugDescription)
            XCTAssertEqual(scalars(TextNormalization.personName(text)), scalars(Reference.personName(text)), text.debugDescription)
            XCTAssertEqual(scalars(TextNormalization.identifier(text)), scalars(Reference.trimmed(TextNormalization.foldFullWidth(text))),
                           text.debugDescription)
            if TextNormalization.isFreeText(text) { unchanged += 1 }
        }
        XCTAssertGreaterThan(unchanged, 1_000, "the fast path is taken")
        for text in ["", " ", "王小明", "北京市 东城区 1号", "阿依古丽·买买提", "京A12345", "a  b", " a", "a ", "a\u{3000}b", "\u{200B}"] {
            XCTAssertEqual(scalars(TextNormalization.freeText(text)), scalars(Reference.freeText(text)), text.debugDescription)
            XCTAssertEqual(scalars(TextNormalization.personName(text)), scalars(Reference.personName(text)), text.debugDescription)
        }
    }
}
