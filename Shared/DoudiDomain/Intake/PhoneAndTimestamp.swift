// Phone numbers and RFC 3339 timestamps, the two free-form formats of the form.

public enum PhoneNumber {
    /// Digits only: an 11-digit mobile (`1[3-9]…`, optionally after `+86`/`0086`) or a landline
    /// with its area code (`0` then 9–11 digits). Blanks and single dashes may separate digit
    /// groups (`010-12345678`, `138 0013 8000`); nothing else is allowed. nil when not a phone.
    public static func normalize(_ raw: String) -> String? {
        var body = Substring(TextNormalization.identifier(raw))
        var international = false
        if let prefix = ["+86", "0086"].first(where: { body.hasPrefix($0) }) {
            body = body.dropFirst(prefix.count)
            international = true
            if let first = body.first, first == " " || first == "-" { body = body.dropFirst() }
        }
        let groups = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == " " || $0 == "-" })
        guard groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        let digits = groups.joined()
        let bytes = Array(digits.utf8)
        let isMobile = bytes.count == 11 && bytes[0] == UInt8(ascii: "1") && bytes[1] >= UInt8(ascii: "3")
        let isLandline = !international && (10...12).contains(bytes.count)
            && bytes[0] == UInt8(ascii: "0") && bytes[1] != UInt8(ascii: "0")
        return isMobile || isLandline ? digits : nil
    }
}

public enum Timestamp {
    /// `YYYY-MM-DD(T| )HH:MM:SS[.fraction](Z|±HH:MM)` or a plain `YYYY-MM-DD`. Returns the text with
    /// `T`/`Z` upper-cased, and the civil date as written (the collector's local date).
    public static func parse(_ raw: String) -> (text: String, date: CivilDate)? {
        let text = TextNormalization.identifier(raw).uppercased()
        let s = Array(text.utf8)
        guard let date = CivilDate(iso: text) else { return nil }
        if s.count == 10 { return (text, date) }
        guard s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: " "), s.count >= 20, s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
              let hour = number(s, 11..<13), hour <= 23, let minute = number(s, 14..<16), minute <= 59,
              let second = number(s, 17..<19), second <= 60 else { return nil }
        var i = 19
        if s[i] == UInt8(ascii: ".") {
            let start = i + 1
            i = start
            while i < s.count, (48...57).contains(s[i]) { i += 1 }
            guard (1...9).contains(i - start) else { return nil }
        }
        guard i < s.count else { return nil }
        if s[i] == UInt8(ascii: "Z") { return i + 1 == s.count ? (text, date) : nil }
        guard s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-"), s.count == i + 6, s[i + 3] == UInt8(ascii: ":"),
              let offsetHours = number(s, (i + 1)..<(i + 3)), offsetHours <= 23,
              let offsetMinutes = number(s, (i + 4)..<(i + 6)), offsetMinutes <= 59 else { return nil }
        return (text, date)
    }

    private static func number(_ s: [UInt8], _ range: Range<Int>) -> Int? {
        var n = 0
        for i in range {
            guard i < s.count, (48...57).contains(s[i]) else { return nil }
            n = n * 10 + Int(s[i] - 48)
        }
        return n
    }
}
