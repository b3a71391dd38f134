// Orders collection times and record dates without Foundation or the machine's clock.
// RFC 3339 times are compared as instants (so "+08:00" and "Z" mix correctly); a bare date
// counts as its midnight UTC; anything unparseable falls back to text order.

enum CollectionTime {
    /// True when `a` is strictly earlier than `b`.
    static func isEarlier(_ a: String, than b: String) -> Bool {
        if let x = instant(a), let y = instant(b) { return x < y }
        return a < b
    }

    /// The later of two times (the first on a tie).
    static func latest(_ a: String, _ b: String) -> String { isEarlier(a, than: b) ? b : a }

    /// True when the calendar date of `a` is before that of `b` (department records carry dates).
    static func isEarlierDay(_ a: String, than b: String) -> Bool {
        if let x = CivilDate(iso: a), let y = CivilDate(iso: b) { return x < y }
        return a < b
    }

    /// Seconds since the epoch and nanoseconds.
    static func instant(_ text: String) -> (Int64, Int)? {
        guard let date = CivilDate(iso: text) else { return nil }
        let days = Int64(date.dayNumber) * 86_400
        let s = Array(text.utf8)
        if s.count == 10 { return (days, 0) }
        var i = 11
        func digits(_ n: Int) -> Int? {
            guard i + n <= s.count else { return nil }
            var value = 0
            for c in s[i..<i + n] { guard (48...57).contains(c) else { return nil }; value = value * 10 + Int(c - 48) }
            i += n
            return value
        }
        func skip(_ c: Character) -> Bool {
            guard i < s.count, s[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let hour = digits(2), skip(":"), let minute = digits(2) else { return nil }
        var second = 0, nanos = 0
        if skip(":") {
            guard let sec = digits(2) else { return nil }
            second = sec
            if skip(".") {
                var scale = 100_000_000
                while i < s.count, (48...57).contains(s[i]) {
                    nanos += Int(s[i] - 48) * scale; scale /= 10; i += 1
                }
            }
        }
        var offset = 0
        if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(2) else { return nil }
            _ = skip(":")
            guard let om = digits(2) else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else if !(skip("Z") || skip("z") || i == s.count) {
            return nil
        }
        let seconds = days + Int64(hour * 3600 + minute * 60 + second - offset)
        return (seconds, nanos)
    }
}
