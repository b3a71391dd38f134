import Crypto
import DoudiDomain
import Foundation

/// Deterministic event ids: a derived event's id is a function of what caused it, so that a
/// re-derivation after a crash or a replay yields the same id and consumers recognise it.
public enum EventID {
    /// A UUID-shaped id (version 8, RFC 9562) from SHA-256 of the parts.
    public static func derived(_ parts: String...) -> String { derived(parts) }

    public static func derived(_ parts: [String]) -> String {
        var hasher = SHA256()
        for p in parts { hasher.update(data: Array(p.utf8)); hasher.update(data: [0]) }
        var b = Array(hasher.finalize().prefix(16))
        b[6] = (b[6] & 0x0f) | 0x80
        b[8] = (b[8] & 0x3f) | 0x80
        var out = [UInt8](); out.reserveCapacity(36)
        for (i, byte) in b.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hexDigits[Int(byte >> 4)]); out.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A random id for events that have no cause (a new submission without an id).
    public static func random() -> String { UUID().uuidString.lowercased() }
}

private let hexDigits = Array("0123456789abcdef".utf8)

/// Person keys: HMAC-SHA256 of the 18-character identity number under the deployment secret,
/// hex-encoded. They join records without spreading the number itself.
public struct PersonKeyer: Sendable {
    private let secret: [UInt8]

    public init(secret: String) { self.secret = Array(secret.utf8) }

    public func key(for idNumber: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(idNumber.utf8), using: SymmetricKey(data: secret))
        var out = [UInt8](); out.reserveCapacity(64)
        for byte in mac { out.append(hexDigits[Int(byte >> 4)]); out.append(hexDigits[Int(byte & 0x0f)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Household ids: `hh-` and 16 hex digits of an HMAC of the founding applicant's person key under
/// a key derived from the deployment secret, so an id reveals nothing of the person key (and
/// nothing of the identity number without the secret) and a replay rebuilds the same ids.
public struct HouseholdIds: Sendable {
    private let key: [UInt8]

    public init(secret: String) {
        key = Array(HMAC<SHA256>.authenticationCode(for: Array("doudi household ids".utf8), using: SymmetricKey(data: Array(secret.utf8))))
    }

    public func id(for personKey: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(personKey.utf8), using: SymmetricKey(data: key))
        var out = "hh-"
        for byte in mac.prefix(8) { out.unicodeScalars.append(UnicodeScalar(hexDigits[Int(byte >> 4)])); out.unicodeScalars.append(UnicodeScalar(hexDigits[Int(byte & 0x0f)])) }
        return out
    }
}

/// RFC 3339 times, formatted and parsed by hand: every consumer reads `ce_time` per event, and
/// Foundation's ISO 8601 formatter (a new ICU formatter per call) cost a quarter of the classifier's time.
public enum Timestamp {
    /// RFC 3339 in UTC with milliseconds.
    public static func rfc3339(_ date: Date = Date()) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        return rfc3339(milliseconds: ms)
    }

    public static func rfc3339(milliseconds ms: Int64) -> String {
        let day = Int(ms.floorDiv(86_400_000))
        let inDay = Int(ms - Int64(day) * 86_400_000)
        let date = CivilDate(dayNumber: day)
        var out = [UInt8](); out.reserveCapacity(24)
        func digits(_ n: Int, _ width: Int) {
            var p = 1; for _ in 1..<width { p *= 10 }
            var v = n
            while p > 0 { out.append(UInt8(48 + v / p % 10)); v %= p; p /= 10 }
        }
        digits(date.year, 4); out.append(45); digits(date.month, 2); out.append(45); digits(date.day, 2)
        out.append(84); digits(inDay / 3_600_000, 2); out.append(58); digits(inDay / 60_000 % 60, 2)
        out.append(58); digits(inDay / 1000 % 60, 2); out.append(46); digits(inDay % 1000, 3); out.append(90)
        return String(decoding: out, as: UTF8.self)
    }

    /// Milliseconds since the epoch of an RFC 3339 timestamp (`Z` or a numeric offset, fractional
    /// seconds optional, `T`, `t` or a space between date and time) or of an ISO date (UTC midnight).
    public static func milliseconds(_ text: String) -> Int64? {
        guard text.utf8.count <= 40 else { return nil }
        return milliseconds(utf8: Array(text.utf8))
    }

    static func milliseconds(utf8 s: [UInt8]) -> Int64? {
        func number(_ at: Int, _ width: Int) -> Int? {
            guard at + width <= s.count else { return nil }
            var n = 0
            for i in at..<(at + width) { guard (48...57).contains(s[i]) else { return nil }; n = n * 10 + Int(s[i] - 48) }
            return n
        }
        guard s.count >= 10, s[4] == 45, s[7] == 45, let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2),
              let date = CivilDate(year: y, month: mo, day: d) else { return nil }
        let dayMs = Int64(date.dayNumber) * 86_400_000
        if s.count == 10 { return dayMs }
        guard s.count >= 20, s[10] == 84 || s[10] == 116 || s[10] == 32, s[13] == 58, s[16] == 58,
              let h = number(11, 2), let mi = number(14, 2), let sec = number(17, 2), h < 24, mi < 60, sec < 61 else { return nil }
        var i = 19, millis = 0
        if s[i] == 46 {  // fraction: milliseconds kept, finer digits truncated
            i += 1
            let first = i
            var scale = 100
            while i < s.count, (48...57).contains(s[i]) { millis += Int(s[i] - 48) * scale; scale /= 10; i += 1 }
            guard i > first else { return nil }
        }
        guard i < s.count else { return nil }
        var offsetMinutes = 0
        switch s[i] {
        case 90, 122: i += 1  // Z, z
        case 43, 45:          // +HH:MM, -HH:MM
            guard i + 6 == s.count, s[i + 3] == 58, let oh = number(i + 1, 2), let om = number(i + 4, 2), oh < 24, om < 60 else { return nil }
            offsetMinutes = (oh * 60 + om) * (s[i] == 43 ? 1 : -1)
            i += 6
        default: return nil
        }
        guard i == s.count else { return nil }
        return dayMs + Int64(((h * 60 + mi - offsetMinutes) * 60 + sec) * 1000 + millis)
    }
}

extension Int64 {
    /// Division rounding towards negative infinity (times before 1970 stay on their own day).
    fileprivate func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}
