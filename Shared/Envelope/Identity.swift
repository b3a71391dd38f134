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

public enum Timestamp {
    /// RFC 3339 in UTC with milliseconds.
    public static func rfc3339(_ date: Date = Date()) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        return rfc3339(milliseconds: ms)
    }

    public static func rfc3339(milliseconds ms: Int64) -> String {
        var secs = ms / 1000
        let millis = Int(ms % 1000)
        let day = Int(secs / 86400); secs %= 86400
        let date = CivilDate(dayNumber: day)
        let (y, m, d) = (date.year, date.month, date.day)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, Int(secs / 3600), Int(secs % 3600 / 60), Int(secs % 60), millis)
    }

    /// Milliseconds since the epoch of an RFC 3339 timestamp or an ISO date (UTC midnight).
    public static func milliseconds(_ text: String) -> Int64? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return Int64(d.timeIntervalSince1970 * 1000) }
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: text) { return Int64(d.timeIntervalSince1970 * 1000) }
        f.formatOptions = [.withFullDate]
        if let d = f.date(from: text) { return Int64(d.timeIntervalSince1970 * 1000) }
        return nil
    }
}
