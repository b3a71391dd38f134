// A JSON document tree of our own: intake reads hostile bytes, so the parser, its limits and
// the exact integer reading of numbers (no Double round trip for money) stay in our hands.

public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON type name, for `wrong_type` messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
}

/// A number kept as its validated JSON lexeme, so integers of any size are read exactly.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    public let lexeme: String

    /// `lexeme` must already follow the JSON number grammar (the parser guarantees it).
    init(validatedLexeme: String) { lexeme = validatedLexeme }

    public init(_ value: Int64) { lexeme = String(value) }

    public var description: String { lexeme }

    public enum IntegerReading: Sendable, Equatable {
        case integer(Int64)
        /// Has a non-zero fractional part (`12.5`, `1e-1`).
        case fraction
        /// Integral but beyond Int64.
        case outOfRange(negative: Bool)
    }

    /// Exact reading: `100`, `100.0` and `1e2` are all the integer 100.
    public var integerReading: IntegerReading {
        let bytes = Array(lexeme.utf8)
        let negative = bytes.first == UInt8(ascii: "-")
        var digits: [UInt8] = []
        var exponent = 0
        var index = negative ? 1 : 0
        var inFraction = false
        while index < bytes.count, bytes[index] != UInt8(ascii: "e"), bytes[index] != UInt8(ascii: "E") {
            if bytes[index] == UInt8(ascii: ".") { inFraction = true } else {
                digits.append(bytes[index] - 48)
                if inFraction { exponent -= 1 }
            }
            index += 1
        }
        if index < bytes.count { exponent += Self.exponentValue(bytes[(index + 1)...]) }
        while let first = digits.first, first == 0 { digits.removeFirst() }
        while let last = digits.last, last == 0 { digits.removeLast(); exponent += 1 }
        if digits.isEmpty { return .integer(0) }
        if exponent < 0 { return .fraction }
        if digits.count + exponent > 19 { return .outOfRange(negative: negative) }
        var value: Int64 = 0
        for digit in digits + Array(repeating: 0, count: exponent) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(digit))
            if o1 || o2 { return .outOfRange(negative: negative) }
            value = next
        }
        return .integer(negative ? -value : value)
    }

    /// The value as a Double; nil when not finite (e.g. `1e999`).
    public var doubleValue: Double? {
        guard let d = Double(lexeme), d.isFinite else { return nil }
        return d
    }

    /// Exponent digits, clamped so hostile `1e999999999999` cannot overflow.
    private static func exponentValue(_ bytes: ArraySlice<UInt8>) -> Int {
        var negative = false
        var value = 0
        for b in bytes {
            switch b {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "+"): break
            default: value = min(value * 10 + Int(b - 48), 100_000)
            }
        }
        return negative ? -value : value
    }
}
