// `k=v;k=v` cells (department record attributes). A backslash escapes `;`, `=` and itself,
// so values may hold them: `note=a\;b` is `note` → `a;b`.

enum KeyValueCell {
    /// nil when a pair lacks `=`, a key is empty or repeated, or the cell ends in a lone `\`.
    static func parse(_ text: String) -> [String: String]? {
        var pairs: [String: String] = [:]
        var key = "", value = ""
        var inValue = false, escaped = false

        func finishPair() -> Bool {
            let k = TextNormalization.trimmed(key), v = TextNormalization.trimmed(value)
            defer { key = ""; value = ""; inValue = false }
            if k.isEmpty && v.isEmpty && !inValue { return true } // empty segment: `a=1;;b=2`
            guard inValue, !k.isEmpty, pairs[k] == nil else { return false }
            pairs[k] = v
            return true
        }

        for ch in text {
            if escaped {
                if inValue { value.append(ch) } else { key.append(ch) }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == ";" {
                guard finishPair() else { return nil }
            } else if ch == "=" && !inValue {
                inValue = true
            } else if inValue {
                value.append(ch)
            } else {
                key.append(ch)
            }
        }
        guard !escaped, finishPair() else { return nil }
        return pairs
    }
}
