// A minimal JSON reader for the standards file, so the domain module needs no Foundation.
// Numbers keep their text: multipliers such as 1.5 are read exactly as decimals, never as
// binary floating point.

indirect enum StandardsJSON {
    case object([(key: String, value: StandardsJSON)])
    case array([StandardsJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    var typeName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    static func parse(_ bytes: [UInt8]) throws(StandardsError) -> StandardsJSON {
        var reader = StandardsJSONReader(bytes: bytes)
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.at == bytes.count else { throw reader.fail("unexpected text after the JSON value") }
        return value
    }
}

private struct StandardsJSONReader {
    let bytes: [UInt8]
    var at = 0

    func fail(_ message: String) -> StandardsError { StandardsError(problems: ["JSON: \(message) at byte \(at)"]) }

    mutating func skipSpace() {
        while at < bytes.count, [0x20, 0x0a, 0x0d, 0x09].contains(bytes[at]) { at += 1 }
    }

    mutating func expect(_ word: String) throws(StandardsError) {
        for u in word.utf8 {
            guard at < bytes.count, bytes[at] == u else { throw fail("expected \(word)") }
            at += 1
        }
    }

    mutating func value(depth: Int) throws(StandardsError) -> StandardsJSON {
        guard depth < 32 else { throw fail("nested too deeply") }
        skipSpace()
        guard at < bytes.count else { throw fail("unexpected end") }
        switch bytes[at] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        default: return try number()
        }
    }

    mutating func object(depth: Int) throws(StandardsError) -> StandardsJSON {
        at += 1
        var members: [(key: String, value: StandardsJSON)] = []
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
        while true {
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try string()
            skipSpace()
            try expect(":")
            members.append((key, try value(depth: depth + 1)))
            skipSpace()
            guard at < bytes.count else { throw fail("unterminated object") }
            at += 1
            if bytes[at - 1] == UInt8(ascii: "}") { return .object(members) }
            guard bytes[at - 1] == UInt8(ascii: ",") else { at -= 1; throw fail("expected , or }") }
        }
    }

    mutating func array(depth: Int) throws(StandardsError) -> StandardsJSON {
        at += 1
        var items: [StandardsJSON] = []
        skipSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
        while true {
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard at < bytes.count else { throw fail("unterminated array") }
            at += 1
            if bytes[at - 1] == UInt8(ascii: "]") { return .array(items) }
            guard bytes[at - 1] == UInt8(ascii: ",") else { at -= 1; throw fail("expected , or ]") }
        }
    }

    mutating func string() throws(StandardsError) -> String {
        at += 1
        var out: [UInt8] = []
        while at < bytes.count {
            let c = bytes[at]; at += 1
            switch c {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard at < bytes.count else { break }
                let e = bytes[at]; at += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "u"): out += try unicodeEscape()
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                default: throw fail("bad escape")
                }
            case 0..<0x20: throw fail("control character in string")
            default: out.append(c)
            }
        }
        throw fail("unterminated string")
    }

    mutating func hex4() throws(StandardsError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw fail("bad \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[at]; at += 1
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw fail("bad \\u escape")
            }
            v = v << 4 | d
        }
        return v
    }

    mutating func unicodeEscape() throws(StandardsError) -> [UInt8] {
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar), at + 6 <= bytes.count, bytes[at] == UInt8(ascii: "\\"),
           bytes[at + 1] == UInt8(ascii: "u") {
            at += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("bad surrogate pair") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let s = Unicode.Scalar(scalar) else { throw fail("bad \\u escape") }
        return Array(String(Character(s)).utf8)
    }

    mutating func number() throws(StandardsError) -> StandardsJSON {
        let start = at
        while at < bytes.count, (48...57).contains(bytes[at]) || [45, 43, 46, 69, 101].contains(bytes[at]) { at += 1 }
        guard at > start else { throw fail("unexpected character") }
        return .number(String(decoding: bytes[start..<at], as: UTF8.self))
    }
}
