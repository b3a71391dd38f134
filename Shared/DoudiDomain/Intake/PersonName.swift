// What a personal name may contain (§2.2: the collection form records each member's name as on
// the identity card). Names flow into referrals, exports and the operators' screens, so markup
// (`<svg onload=1>`), bidirectional controls (U+202E) and symbols are refused at intake rather
// than escaped at every reader.

public enum PersonName {
    /// Letters (any script, and 〇), combining marks, the space, and the middle dot `·` (U+00B7) that
    /// separates the parts of transliterated names (艾力·买买提). Run on normalised text
    /// (`TextNormalization.personName` has unified the dot variants and the blanks).
    public static func isAcceptable(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        var previousSeparator = true
        for scalar in name.unicodeScalars {
            if scalar == " " || scalar == "\u{00B7}" {
                // A name neither starts with a separator nor puts two in a row.
                if previousSeparator && scalar == "\u{00B7}" { return false }
                previousSeparator = true
                continue
            }
            // 〇 (U+3007, ideographic zero) is a Han character that names use, though Unicode files it as a number.
            if scalar == "\u{3007}" { previousSeparator = false; continue }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark:
                previousSeparator = false
            default:
                return false
            }
        }
        return name.unicodeScalars.last != "\u{00B7}"
    }
}
