// RFC 8259 parser for hostile input: bounded size, depth and string length, strict UTF-8,
// no duplicate keys (two readers could otherwise disagree on which value counts).

/// Limits on what the parser accepts; anything beyond is `undecodable`, not a field error.
public struct JSONLimits: Sendable, Equatable {
    /// Whole document, in bytes.
    public var maxInputBytes: Int
    /// Nesting of arrays and objects; a submission needs 4.
    public var maxDepth: Int
    /// One string after unescaping, in UTF-8 bytes.
    public var maxStringBytes: Int
    /// One number's lexeme, in characters.
    public var maxNumberLength: Int

    public init(maxInputBytes: Int = 1 << 20, maxDepth: Int = 32, maxStringBytes: Int = 64 * 1024, maxNumberLength: Int = 64) {
        self.maxInputBytes = maxInputBytes; self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes; self.maxNumberLength = maxNumberLength
    }

    public static let standard = JSONLimits()
}

/// Why bytes are not a JSON document. `reason` names offsets only, never content.
public enum JSONParseError: Error, Sendable, Equatable {
    case empty
    case tooLarge(bytes: Int)
    case invalidUTF8
    case unexpectedByte(offset: Int)
    case unexpectedEnd
    case tooDeep(offset: Int)
    case stringTooLong(offset: Int)
    case numberTooLong(offset: Int)
    case invalidEscape(offset: Int)
    case duplicateKey(offset: Int)
    case trailingData(offset: Int)

    public var reason: String {
        switch self {
        case .empty: "empty input"
        case .tooLarge(let n): "input of \(n) bytes exceeds the size limit"
        case .invalidUTF8: "input is not valid UTF-8"
        case .unexpectedByte(let o): "not JSON: unexpected byte at offset \(o)"
        case .unexpectedEnd: "not JSON: unexpected end of input"
        case .tooDeep(let o): "nesting too deep at offset \(o)"
        case .stringTooLong(let o): "string too long at offset \(o)"
        case .numberTooLong(let o): "number too long at offset \(o)"
        case .invalidEscape(let o): "invalid escape sequence at offset \(o)"
        case .duplicateKey(let o): "duplicate object key at offset \(o)"
        case .trailingData(let o): "trailing data after the JSON value at offset \(o)"
        }
    }
}

public enum JSONParser {
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .standard) throws(JSONParseError) -> JSONValue {
        guard bytes.count <= limits.maxInputBytes else { throw .tooLarge(bytes: bytes.count) }
        // Validating the whole input once lets strings be built from raw bytes afterwards.
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .invalidUTF8 }
        var cursor = JSONCursor(bytes: bytes, limits: limits)
        cursor.skipByteOrderMark()
        cursor.skipWhitespace()
        guard !cursor.atEnd else { throw .empty }
        let value = try cursor.value(depth: 0)
        cursor.skipWhitespace()
        guard cursor.atEnd else { throw .trailingData(offset: cursor.offset) }
        return value
    }
}

/// The parser's position; containers recurse, bounded by `maxDepth`.
struct JSONCursor {
    let bytes: [UInt8]
    let limits: JSONLimits
    var offset = 0

    init(bytes: [UInt8], limits: JSONLimits) { self.bytes = bytes; self.limits = limits }

    var atEnd: Bool { offset >= bytes.count }

    mutating func skipByteOrderMark() {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    func peek() throws(JSONParseError) -> UInt8 {
        guard offset < bytes.count else { throw .unexpectedEnd }
        return bytes[offset]
    }

    mutating func expect(_ literal: StaticString) throws(JSONParseError) {
        let start = literal.utf8Start
        for i in 0..<literal.utf8CodeUnitCount {
            guard try peek() == start[i] else { throw .unexpectedByte(offset: offset) }
            offset += 1
        }
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw .unexpectedByte(offset: offset)
        }
    }

    mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= limits.maxDepth else { throw .tooDeep(offset: offset) }
        offset += 1
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") { offset += 1; return .object(fields) }
        while true {
            skipWhitespace()
            guard try peek() == UInt8(ascii: "\"") else { throw .unexpectedByte(offset: offset) }
            let keyOffset = offset
            let key = try string()
            skipWhitespace()
            guard try peek() == UInt8(ascii: ":") else { throw .unexpectedByte(offset: offset) }
            offset += 1
            skipWhitespace()
            let element = try value(depth: depth)
            guard fields.updateValue(element, forKey: key) == nil else { throw .duplicateKey(offset: keyOffset) }
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"): offset += 1; return .object(fields)
            default: throw .unexpectedByte(offset: offset)
            }
        }
    }

    mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= limits.maxDepth else { throw .tooDeep(offset: offset) }
        offset += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") { offset += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth))
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"): offset += 1; return .array(elements)
            default: throw .unexpectedByte(offset: offset)
            }
        }
    }
}
