// Normalisation of what people type on forms: full-width characters from Chinese input
// methods, stray spaces, zero-width marks copied from documents, variant middle dots.

public enum TextNormalization {
    /// Full-width ASCII variants (U+FF01–U+FF5E) and the ideographic space (U+3000) become ASCII.
    public static func foldFullWidth(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: folds) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E: scalars.append(Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar)
            case 0x3000: scalars.append(" ")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// A scalar `foldFullWidth` changes.
    static func folds(_ scalar: Unicode.Scalar) -> Bool { scalar.value == 0x3000 || (0xFF01...0xFF5E).contains(scalar.value) }

    /// Whitespace plus the invisible marks that come along with copy and paste. The whitespace is
    /// Unicode's White_Space property, listed (its 25 code points, unchanged since Unicode 6.3;
    /// a test holds it to `properties.isWhitespace` over every scalar): the property lookup was the
    /// largest single cost of checking names and identity numbers in the matcher.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20: true
        case ..<0x85: false
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF: true
        default: false
        }
    }

    /// Leading and trailing blanks removed. Most fields have none: they come back as they are
    /// (copying every field scalar by scalar was a tenth of the intake's CPU, docs/benchmarks.md).
    public static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isBlank($0) }),
              let last = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// Whether `freeText` would change nothing: nothing to fold, no blank at either end, and every
    /// inner blank a single ASCII space.
    static func isFreeText(_ text: String) -> Bool {
        var previousBlank = true  // a blank at the start is not free text
        for scalar in text.unicodeScalars {
            if folds(scalar) { return false }
            if isBlank(scalar) {
                if previousBlank || scalar != " " { return false }
                previousBlank = true
            } else {
                previousBlank = false
            }
        }
        return !previousBlank || text.isEmpty
    }

    /// Free text (names, addresses): folded, trimmed, inner blank runs (newlines included)
    /// collapsed to one space.
    public static func freeText(_ text: String) -> String {
        if isFreeText(text) { return text }
        var view = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in trimmed(foldFullWidth(text)).unicodeScalars {
            if isBlank(scalar) { pendingSpace = true; continue }
            if pendingSpace { view.append(" "); pendingSpace = false }
            view.append(scalar)
        }
        return String(view)
    }

    static func isMiddleDotVariant(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2022, 0x30FB, 0xFF65, 0x2027, 0x22C5: true
        default: false
        }
    }

    /// Personal names: free text with the middle-dot variants of transliterated names
    /// (`•`, `・`, `･`, `．`) unified to `·` (U+00B7).
    public static func personName(_ text: String) -> String {
        let free = freeText(text)
        guard free.unicodeScalars.contains(where: isMiddleDotVariant) else { return free }
        var view = String.UnicodeScalarView()
        for scalar in free.unicodeScalars { view.append(isMiddleDotVariant(scalar) ? "\u{00B7}" : scalar) }
        return String(view)
    }

    /// Identifiers typed by hand (identity numbers, phones, codes): folded and trimmed.
    public static func identifier(_ text: String) -> String { trimmed(foldFullWidth(text)) }

    /// Control characters (C0, DEL, C1) have no place in a form field.
    public static func containsControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }
}
